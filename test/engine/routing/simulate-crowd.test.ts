/** Replay of real MTurk answers through the routing policy (the crowd data bundled in samples/crowd). */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../engine/src/quality/aggregate.js';
import { encodeAnswers } from '../../../engine/src/quality/answers.js';
import { accuracyAgainst } from '../../../engine/src/quality/posterior.js';
import { simulateReplay, type SimulationResult } from '../../../engine/src/routing/simulate.js';
import { crowdAnswers } from '../quality/crowd-data.js';
import { crowdPolicy } from './crowd-policy.js';

/** Three arrival orders of the items, so the result is not one lucky order. */
const seeds = [1, 2, 3];

describe.each(['rte', 'temp'] as const)('routing on %s at target 95%', (name) => {
    const { answers, truth } = crowdAnswers(name);
    const onAll = (method: 'majority' | 'dawid_skene') => accuracyAgainst(aggregate(method, encodeAnswers(answers)).items, truth).accuracy;
    /** Replayed inside each test, not while the file is collected, so mutation testing sees which tests run the routing. */
    const replays = () => seeds.map((seed) => simulateReplay(crowdPolicy(0.95), answers, { truth, seed }));
    const mean = (runs: SimulationResult[], f: (r: SimulationResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;

    it(
        'does no worse than majority vote on all answers, within a point of Dawid-Skene on all answers, with at most half ' + 'the answers',
        () => {
            const runs = replays();
            expect(mean(runs, (r) => r.accuracy!)).toBeGreaterThanOrEqual(onAll('majority'));
            expect(mean(runs, (r) => r.accuracy!)).toBeGreaterThanOrEqual(onAll('dawid_skene') - 0.01);
            expect(mean(runs, (r) => r.labelsUsed / r.labelsAvailable)).toBeLessThanOrEqual(0.5);
        },
    );

    it('asks about every item, keeps gold within a point of its share, and charges every answer', () => {
        for (const r of replays()) {
            expect(r.unasked).toBe(0);
            expect(r.items + r.goldItems).toBe(new Set(answers.map((a) => a.item)).size);
            expect(r.labels).toHaveLength(r.items);
            expect(r.goldItems).toBeGreaterThan(0);
            expect(Math.abs(r.goldShare - 0.02)).toBeLessThanOrEqual(0.01);
            expect(r.cost).toBeCloseTo(r.labelsUsed * 0.01, 6);
        }
    });

    it('means what its numbers say: at confidence ≥ c at least c − 0.02 is right; a run reported as reaching its target does', () => {
        for (const target of [0.9, 0.95]) {
            const runs = seeds.map((seed) => simulateReplay(crowdPolicy(target), answers, { truth, seed }));
            const labels = runs.flatMap((r) => r.labels);
            for (const c of [0.8, 0.9, 0.95]) {
                const sure = labels.filter((l) => (l.confidence ?? 0) >= c);
                const right = sure.filter((l) => l.label === truth.get(l.item)).length / sure.length;
                expect(sure.length).toBeGreaterThan(labels.length / 2);
                expect(right, `target ${target}, confidence ≥ ${c}`).toBeGreaterThanOrEqual(c - 0.02);
            }
            for (const run of runs) {
                expect(run.accuracy!).toBeGreaterThanOrEqual(run.accuracyInterval[0]);
                expect(run.accuracy!).toBeLessThanOrEqual(run.accuracyInterval[1]);
                if (run.targetReached) {
                    expect(run.accuracy!).toBeGreaterThanOrEqual(target);
                }
            }
        }
    });

    it('never uses fewer answers for a higher target on the same order', () => {
        const used = [0.8, 0.9, 0.95, 0.98, 0.99, 0.999].map(
            (target) => simulateReplay(crowdPolicy(target), answers, { truth, seed: 1 }).labelsUsed,
        );
        for (let i = 1; i < used.length; i++) {
            expect(used[i]).toBeGreaterThanOrEqual(used[i - 1]);
        }
        expect(used[used.length - 1]).toBeGreaterThan(used[0]);
    });
});

describe('a data set with three answers per item', () => {
    it('asks about every item: none is finished by the class prior alone', () => {
        const { answers, truth } = crowdAnswers('temp');
        const seen = new Map<string, number>();
        const three = answers.filter((a) => (seen.set(a.item, (seen.get(a.item) ?? 0) + 1).get(a.item) ?? 0) <= 3);
        const result = simulateReplay(crowdPolicy(0.95), three, { truth, seed: 1 });
        expect(result.unasked).toBe(0);
        expect(result.labels).toHaveLength(result.items);
        expect(result.reachedTarget).toBeLessThanOrEqual(result.items);
        expect(result.labelsUsed).toBeLessThanOrEqual(three.length);
        expect(result.labelsUsed).toBeGreaterThanOrEqual(result.items + result.goldItems);
    });
});

describe('a target the evidence shows out of reach', () => {
    const { answers, truth } = crowdAnswers('rte');
    const at = (target: number) => simulateReplay(crowdPolicy(target), answers, { truth, seed: 1 });

    it('is reported as out of reach, and not as reached, when the interval ends below it', () => {
        const out = at(0.999);
        expect(out.accuracyInterval[1]).toBeLessThan(0.999);
        expect(out.targetOutOfReach).toBe(true);
        expect(out.targetReached).toBe(false);
    });

    it('is not reported as out of reach when the interval reaches it', () => {
        const low = at(0.8);
        expect(low.accuracyInterval[1]).toBeGreaterThanOrEqual(0.8);
        expect(low.targetOutOfReach).toBe(false);
    });
});
