/** A routing policy: the checks on its numbers, who it can ask, how a plan's task becomes one, and the order items arrive in. */
import { describe, expect, it } from 'vitest';
import type { PlanTask } from '../../../engine/src/plan/types.js';
import { arrivalOrder } from '../../../engine/src/routing/arrival-order.js';
import { policyFromPlanTask } from '../../../engine/src/routing/plan-policy.js';
import { policyMembers, policyProblems, type RoutingPolicy } from '../../../engine/src/routing/policy.js';

const policy: RoutingPolicy = {
    strategy: 'cascade',
    labelers: [
        { name: 'keywords', kind: 'rules', cost: 0, accuracy: 0.7 },
        { name: 'bert', kind: 'model', cost: 0, accuracy: 0.85 },
        { name: 'crowd', kind: 'human', cost: 0.05, accuracy: 0.75, pool: 3 },
    ],
    target: 0.95,
    maxLabels: 5,
    method: 'dawid_skene',
    goldShare: 0.05,
};

describe('the checks on a policy', () => {
    it('accepts the edges of every range: a 100% labeler, a free one, one label, no gold', () => {
        expect(policyProblems(policy)).toEqual([]);
        const edges: RoutingPolicy = {
            ...policy,
            labelers: [{ name: 'oracle', kind: 'model', cost: 0, accuracy: 1 }],
            maxLabels: 1,
            goldShare: 0,
            target: 0.999,
        };
        expect(policyProblems(edges)).toEqual([]);
    });

    it('names every number out of range, the labeler it belongs to, and a route with nobody on it', () => {
        const bad: RoutingPolicy = {
            ...policy,
            target: 1,
            maxLabels: 2.5,
            goldShare: 1,
            labelers: [
                { name: 'coin', kind: 'rules', cost: -1, accuracy: 0 },
                { name: 'crowd', kind: 'human', cost: Number.NaN, accuracy: 1.2 },
            ],
        };
        expect(policyProblems(bad)).toEqual([
            'target 1 must be in (0, 1)',
            'at most 2.5 labels: must be a whole number ≥ 1',
            'gold share 1 must be in [0, 1)',
            'labeler coin: accuracy 0 must be in (0, 1]',
            'labeler coin: cost -1 must be ≥ 0',
            'labeler crowd: accuracy 1.2 must be in (0, 1]',
            'labeler crowd: cost NaN must be ≥ 0',
        ]);
        expect(policyProblems({ ...policy, target: 0, maxLabels: 0, goldShare: -0.1, labelers: [] })).toEqual([
            'target 0 must be in (0, 1)',
            'at most 0 labels: must be a whole number ≥ 1',
            'gold share -0.1 must be in [0, 1)',
            'the route names no labeler',
        ]);
        expect(policyProblems({ ...policy, target: Number.NaN, goldShare: Number.NaN })).toEqual([
            'target NaN must be in (0, 1)',
            'gold share NaN must be in [0, 1)',
        ]);
    });
});

describe('who a policy can ask about one item', () => {
    it('every model and rule set by name, and each person of a human pool (crowd, crowd#2, …), with the declared accuracy', () => {
        expect(policyMembers(policy)).toEqual([
            { member: 'keywords', accuracy: 0.7 },
            { member: 'bert', accuracy: 0.85 },
            { member: 'crowd', accuracy: 0.75 },
            { member: 'crowd#2', accuracy: 0.75 },
            { member: 'crowd#3', accuracy: 0.75 },
        ]);
    });

    it('a human labeler with no declared pool (or an empty one) is one person', () => {
        const single = (pool?: number): RoutingPolicy => ({
            ...policy,
            labelers: [{ name: 'expert', kind: 'human', cost: 1, accuracy: 0.95, ...(pool === undefined ? {} : { pool }) }],
        });
        expect(policyMembers(single())).toEqual([{ member: 'expert', accuracy: 0.95 }]);
        expect(policyMembers(single(0))).toEqual([{ member: 'expert', accuracy: 0.95 }]);
    });
});

describe('a plan task as a routing policy', () => {
    const task = (aggregate: PlanTask['quality']['aggregate']) =>
        ({
            name: 'Sentiment',
            route: {
                strategy: 'best',
                declared: true,
                stopping: '',
                stages: [
                    { labeler: 'keywords', kind: 'rules', cost: 0, accuracy: 0.7, answers: 1, accuracyPerCost: null },
                    { labeler: 'crowd', kind: 'human', cost: 0.05, accuracy: 0.75, answers: 3, accuracyPerCost: 5 },
                ],
            },
            quality: { target: 0.9, aggregate, gold: 0.1, maxLabels: 4, defaulted: [] },
        }) as unknown as PlanTask;

    it('takes the route’s stages in order (a human stage’s answers are its pool) and the quality’s numbers', () => {
        expect(policyFromPlanTask(task('mace'))).toEqual({
            strategy: 'best',
            labelers: [
                { name: 'keywords', kind: 'rules', cost: 0, accuracy: 0.7 },
                { name: 'crowd', kind: 'human', cost: 0.05, accuracy: 0.75, pool: 3 },
            ],
            target: 0.9,
            maxLabels: 4,
            method: 'mace',
            goldShare: 0.1,
        });
    });

    it('refuses a box task: boxes are not routed by replay', () => {
        expect(() => policyFromPlanTask(task('box_consensus'))).toThrow(
            'task Sentiment aggregates boxes (box_consensus); routing by replay needs a choice task',
        );
    });
});

describe('the order items arrive in', () => {
    const items = Array.from({ length: 20 }, (_, i) => `item${i}`);

    it('is the given order without a seed (a copy: the list given is not touched)', () => {
        const order = arrivalOrder(items);
        expect(order).toEqual(items);
        expect(order).not.toBe(items);
    });

    it('with a seed is a permutation, the same for the same seed and different for another', () => {
        const once = arrivalOrder(items, 7);
        expect(once).toEqual(arrivalOrder(items, 7));
        expect([...once].sort()).toEqual([...items].sort());
        expect(once).not.toEqual(items);
        expect(arrivalOrder(items, 8)).not.toEqual(once);
        expect(arrivalOrder(items, 0)).not.toEqual(items); // seed 0 shuffles too
        expect(items[0]).toBe('item0');
    });

    it('moves every position with equal chance (a uniform shuffle: each item ends first about 1/n of the time)', () => {
        const firsts = new Map<string, number>();
        const lasts = new Map<string, number>();
        const few = ['a', 'b', 'c', 'd'];
        for (let seed = 1; seed <= 4000; seed++) {
            const order = arrivalOrder(few, seed);
            firsts.set(order[0], (firsts.get(order[0]) ?? 0) + 1);
            lasts.set(order[3], (lasts.get(order[3]) ?? 0) + 1);
        }
        for (const item of few) {
            expect(firsts.get(item)! / 4000).toBeCloseTo(0.25, 1);
            expect(lasts.get(item)! / 4000).toBeCloseTo(0.25, 1);
        }
    });
});

describe('a model or rule set', () => {
    it('is one member even if a pool is given to it', () => {
        const model = { name: 'bert', kind: 'model' as const, cost: 0, accuracy: 0.85, pool: 3 };
        expect(policyMembers({ ...policy, labelers: [model] })).toEqual([{ member: 'bert', accuracy: 0.85 }]);
    });
});
