/**
 * Adaptive routing by replay on the real MTurk answers (RTE, TEMP): the accuracy/answers curve for
 * several quality targets, each the mean over five item orders, beside two baselines run in the
 * same process — Dawid-Skene on every recorded answer, and a fixed redundancy (the first k recorded
 * answers of every item, Dawid-Skene) at about the same share of answers.
 * Targets (issue 4): ≥ 0.92 on RTE with ≤ 50% of the answers, ≥ 0.93 on TEMP with ≤ 40%.
 */
import * as path from 'node:path';
import { readAnswersCsv } from '../engine/src/data/answers-csv.js';
import { encodeAnswers, type Answer } from '../engine/src/quality/answers.js';
import { aggregate } from '../engine/src/quality/aggregate.js';
import { accuracyAgainst } from '../engine/src/quality/posterior.js';
import type { RoutingPolicy } from '../engine/src/routing/policy.js';
import { simulateReplay } from '../engine/src/routing/simulate.js';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../samples/crowd');
const targets = [0.8, 0.9, 0.95, 0.98, 0.99, 0.995];
const seeds = [1, 2, 3, 4, 5];
const goals = { rte: { target: 0.98, accuracy: 0.92, share: 0.5 }, temp: { target: 0.99, accuracy: 0.93, share: 0.4 } };

const policy = (target: number): RoutingPolicy => ({
    strategy: 'best',
    labelers: [{ name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7, pool: 10 }],
    target,
    maxLabels: 10,
    method: 'dawid_skene',
    goldShare: 0.02,
});

/** Dawid-Skene on the first k recorded answers of every item: redundancy fixed in advance. */
function fixedRedundancy(answers: Answer[], truth: Map<string, string>, k: number): number {
    const seen = new Map<string, number>();
    const firstK = answers.filter((a) => {
        const n = seen.get(a.item) ?? 0;
        seen.set(a.item, n + 1);
        return n < k;
    });
    return accuracyAgainst(aggregate('dawid_skene', encodeAnswers(firstK)).items, truth).accuracy;
}

let pass = true;
for (const name of ['rte', 'temp'] as const) {
    const { answers, gold } = readAnswersCsv(path.join(dir, `${name}-answers.csv`), { item: 'item', worker: 'worker', label: 'label', gold: 'gold' });
    const truth = gold!;
    const all = accuracyAgainst(aggregate('dawid_skene', encodeAnswers(answers)).items, truth).accuracy;
    const majority = accuracyAgainst(aggregate('majority', encodeAnswers(answers)).items, truth).accuracy;
    console.log(`\n${name.toUpperCase()}: ${answers.length} recorded answers; all answers: Dawid-Skene ${all.toFixed(4)}, majority ${majority.toFixed(4)}`);
    console.log('target  accuracy (mean, min)  answers used  per item  fixed k=round(used): accuracy  ms/run');
    for (const target of targets) {
        const start = performance.now();
        const runs = seeds.map((seed) => simulateReplay(policy(target), answers, { truth, seed }));
        const ms = (performance.now() - start) / runs.length;
        const accuracy = runs.reduce((s, r) => s + r.accuracy!, 0) / runs.length;
        const share = runs.reduce((s, r) => s + r.labelsUsed / r.labelsAvailable, 0) / runs.length;
        const k = Math.max(1, Math.round(share * 10));
        const line = [
            `${(target * 100).toFixed(1)}%`.padStart(6),
            `${accuracy.toFixed(4)}, ${Math.min(...runs.map((r) => r.accuracy!)).toFixed(4)}`.padStart(20),
            `${(share * 100).toFixed(1)}%`.padStart(13),
            (share * 10).toFixed(2).padStart(9),
            `k=${k}: ${fixedRedundancy(answers, truth, k).toFixed(4)}`.padStart(29),
            ms.toFixed(0).padStart(7),
        ].join('  ');
        const goal = goals[name];
        if (target === goal.target) {
            const met = accuracy >= goal.accuracy && share <= goal.share;
            pass &&= met;
            console.log(`${line}   ← goal ≥ ${goal.accuracy} with ≤ ${goal.share * 100}%: ${met ? 'met' : 'MISSED'}`);
        } else {
            console.log(line);
        }
    }
}
console.log(pass ? '\nPASS' : '\nFAIL');
process.exit(pass ? 0 : 1);
