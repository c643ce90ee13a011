/** Replay of real MTurk answers through the routing policy (the crowd data bundled in samples/crowd). */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../engine/src/quality/answers.js';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { simulateReplay } from '../../../engine/src/routing/simulate.js';
import { crowdAnswers } from '../quality/crowd-data.js';

const crowdPolicy = (target: number): RoutingPolicy => ({
    strategy: 'best',
    labelers: [{ name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7 }],
    target,
    maxLabels: 10,
    method: 'dawid_skene',
    goldShare: 0.02,
});

/** Five arrival orders of the items, so the result is not one lucky order. */
const seeds = [1, 2, 3, 4, 5];

describe.each([
    { name: 'rte' as const, target: 0.98, accuracy: 0.92, share: 0.5 },
    { name: 'temp' as const, target: 0.99, accuracy: 0.93, share: 0.4 },
])('adaptive routing on $name', ({ name, target, accuracy, share }) => {
    const { answers, truth } = crowdAnswers(name);

    it(`reaches ${accuracy} accuracy with at most ${share * 100}% of the recorded answers`, () => {
        const runs = seeds.map((seed) => simulateReplay(crowdPolicy(target), answers, { truth, seed }));
        const mean = (f: (r: (typeof runs)[number]) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
        expect(mean((r) => r.accuracy!)).toBeGreaterThanOrEqual(accuracy);
        expect(mean((r) => r.labelsUsed / r.labelsAvailable)).toBeLessThanOrEqual(share);
        for (const r of runs) {
            expect(r.labelsUsed / r.labelsAvailable).toBeLessThanOrEqual(share + 0.02);
            expect(r.cost).toBeCloseTo(r.labelsUsed * 0.01, 6);
            expect(r.items + r.goldItems).toBe(new Set(answers.map((a) => a.item)).size);
            expect(r.goldItems).toBeGreaterThan(0);
            // Gold questions are 2% of the human answers (one gold question of slack).
            expect(r.goldShare).toBeGreaterThan(0.015);
            expect(r.goldShare).toBeLessThan(0.02 + 10 / r.labelsUsed);
        }
    });

    it('a higher target buys more answers', () => {
        const low = simulateReplay(crowdPolicy(0.8), answers, { truth, seed: 1 });
        const high = simulateReplay(crowdPolicy(0.99), answers, { truth, seed: 1 });
        expect(high.labelsUsed).toBeGreaterThan(low.labelsUsed);
    });
});

describe('replay rules', () => {
    /** Two items; workers named after what they do. */
    const answers: Answer[] = [
        { item: 'x', worker: 'rules', label: 'spam' },
        { item: 'x', worker: 'p1', label: 'spam' },
        { item: 'x', worker: 'p2', label: 'spam' },
        { item: 'x', worker: 'expert', label: 'spam' },
        { item: 'y', worker: 'p1', label: 'ham' },
        { item: 'y', worker: 'p3', label: 'spam' },
    ];
    const policy = (strategy: 'cascade' | 'best', target: number, maxLabels = 5): RoutingPolicy => ({
        strategy,
        labelers: [
            { name: 'rules', kind: 'rules', cost: 0, accuracy: 0.75 },
            { name: 'expert', kind: 'human', cost: 0.1, accuracy: 0.97 },
            { name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7, pool: 50 },
        ],
        target,
        maxLabels,
        method: 'one_coin',
        goldShare: 0,
    });

    it('asks only those who really answered an item, and stops when nobody is left', () => {
        const result = simulateReplay(policy('cascade', 0.999), answers);
        // Every recorded answer is used once (the target is out of reach), none invented: y has only two.
        expect(result.labelsUsed).toBe(answers.length);
        expect(result.byLabeler).toEqual({ rules: { answers: 1, cost: 0 }, expert: { answers: 1, cost: 0.1 }, crowd: { answers: 4, cost: 0.04 } });
    });

    it('cascade asks in route order and stops as soon as the target is reached', () => {
        // Rules (0.75) then the expert (0.97), as listed: they agree, the target is reached, x stops at 2.
        const result = simulateReplay(policy('cascade', 0.85), answers.slice(0, 4), { classes: ['ham', 'spam'] });
        expect(result.labelsUsed).toBe(2);
        expect(result.byLabeler).toEqual({ rules: { answers: 1, cost: 0 }, expert: { answers: 1, cost: 0.1 } });
    });

    it('best asks the labeler with the most accuracy per cost: the free rules, then a person of the crowd rather than the expert', () => {
        // After rules (0.75): crowd gives (0.7−0.5)/0.01 = 20 per $, the expert (0.97−0.5)/0.1 = 4.7 per $.
        const result = simulateReplay(policy('best', 0.85), answers.slice(0, 4), { classes: ['ham', 'spam'] });
        // Rules (0.75) and one person (0.7) agree: posterior 0.875 ≥ 0.85.
        expect(result.byLabeler).toEqual({ rules: { answers: 1, cost: 0 }, crowd: { answers: 1, cost: 0.01 } });
    });

    it('respects the label limit', () => {
        const result = simulateReplay(policy('cascade', 0.9999, 2), answers);
        expect(result.labelsUsed).toBe(4);
    });

    it('needs the label set when the answers show only one class', () => {
        expect(() => simulateReplay(policy('best', 0.9), answers.slice(0, 4))).toThrow(/at least two classes/);
    });

    it('rejects a bad policy with the reasons', () => {
        expect(() => simulateReplay({ ...policy('best', 1.5), maxLabels: 0 }, answers)).toThrow(/target 1.5 must be in \(0, 1\).*at most 0 labels/);
    });
});
