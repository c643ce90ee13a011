/**
 * Replayed routing against the two baselines run side by side in the same process, on the real
 * MTurk answers bundled in samples/crowd (RTE, TEMP): majority vote and Dawid-Skene on EVERY
 * recorded answer. The policy is the one `dprog run` runs (route best crowd, target 95%, Dawid-Skene,
 * gold 2%, at most 10 labels); each data set is replayed in five item orders.
 * Prints, per data set, accuracy ratios routing / baseline and the share of answers routing used.
 * Goal (issue 10): ratio vs majority ≥ 1, routing ≥ Dawid-Skene − 1 point, ≤ 50% of the answers.
 */
import * as path from 'node:path';
import { readAnswersCsv } from '../engine/src/data/answers-csv.js';
import { encodeAnswers } from '../engine/src/quality/answers.js';
import { aggregate } from '../engine/src/quality/aggregate.js';
import { accuracyAgainst } from '../engine/src/quality/posterior.js';
import type { RoutingPolicy } from '../engine/src/routing/policy.js';
import { simulateReplay } from '../engine/src/routing/simulate.js';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../samples/crowd');
const seeds = [1, 2, 3, 4, 5];
const targets = [0.9, 0.95, 0.98];

const policy = (target: number): RoutingPolicy => ({
    strategy: 'best',
    labelers: [{ name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7, pool: 10 }],
    target,
    maxLabels: 10,
    method: 'dawid_skene',
    goldShare: 0.02,
});

let pass = true;
for (const name of ['rte', 'temp'] as const) {
    const { answers, gold } = readAnswersCsv(path.join(dir, `${name}-answers.csv`), {
        item: 'item',
        worker: 'worker',
        label: 'label',
        gold: 'gold',
    });
    const truth = gold!;
    const onAll = (method: 'majority' | 'dawid_skene') => accuracyAgainst(aggregate(method, encodeAnswers(answers)).items, truth).accuracy;
    const majority = onAll('majority');
    const dawidSkene = onAll('dawid_skene');
    console.log(
        `\n${name.toUpperCase()}: ${answers.length} answers; on all of them: majority ${majority.toFixed(4)}, Dawid-Skene ` +
            `${dawidSkene.toFixed(4)}`,
    );
    console.log('target  routing (mean, min)  ÷ majority  ÷ Dawid-Skene  answers used  gold share  unasked  ms/run');
    for (const target of targets) {
        const start = performance.now();
        const runs = seeds.map((seed) => simulateReplay(policy(target), answers, { truth, seed }));
        const ms = (performance.now() - start) / runs.length;
        const mean = (f: (r: (typeof runs)[number]) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
        const accuracy = mean((r) => r.accuracy!);
        const share = mean((r) => r.labelsUsed / r.labelsAvailable);
        const line = [
            `${(target * 100).toFixed(0)}%`.padStart(6),
            `${accuracy.toFixed(4)}, ${Math.min(...runs.map((r) => r.accuracy!)).toFixed(4)}`.padStart(19),
            (accuracy / majority).toFixed(4).padStart(10),
            (accuracy / dawidSkene).toFixed(4).padStart(13),
            `${(share * 100).toFixed(1)}%`.padStart(12),
            `${(mean((r) => r.goldShare) * 100).toFixed(2)}%`.padStart(10),
            String(Math.max(...runs.map((r) => r.unasked))).padStart(7),
            ms.toFixed(0).padStart(7),
        ].join('  ');
        if (target !== 0.95) {
            console.log(line);
            continue;
        }
        const met = accuracy >= majority && accuracy >= dawidSkene - 0.01 && share <= 0.5;
        pass &&= met;
        console.log(`${line}   ← goal: ≥ majority, ≥ Dawid-Skene − 0.01, ≤ 50%: ${met ? 'met' : 'MISSED'}`);
    }
}
console.log(pass ? '\nPASS' : '\nFAIL');
process.exit(pass ? 0 : 1);
