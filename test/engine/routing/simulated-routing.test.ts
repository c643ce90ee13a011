/**
 * Dry runs (`dprog learn --simulate`) and plan estimates: the routing policy answered by simulated
 * labelers with their declared accuracies. In-process, so what is checked here is the engine's code,
 * not a bundle: who is asked, what each answer costs, where the budget stops the run, and that the
 * simulated answers are right as often as declared.
 */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../engine/src/learning/random.js';
import { estimatePolicy } from '../../../engine/src/routing/policy-estimate.js';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { SimulatedRouting } from '../../../engine/src/routing/simulated-routing.js';

const classes = ['ham', 'spam'];

const cascade = (accuracy: number, target = 0.95): RoutingPolicy => ({
    strategy: 'cascade',
    labelers: [
        { name: 'keywords', kind: 'rules', cost: 0, accuracy },
        { name: 'crowd', kind: 'human', cost: 0.1, accuracy, pool: 4 },
    ],
    target,
    maxLabels: 4,
    method: 'one_coin',
    goldShare: 0.5,
});

describe('simulated routing', () => {
    it('asks in route order (a cascade asks the listed person before the free model), answers right at 100%, and charges', () => {
        const policy: RoutingPolicy = {
            ...cascade(1, 0.99),
            labelers: [
                { name: 'crowd', kind: 'human', cost: 0.1, accuracy: 1, pool: 4 },
                { name: 'm', kind: 'model', cost: 0, accuracy: 1 },
            ],
        };
        const routing = new SimulatedRouting(policy, classes, 10, seededRng(1));
        const item = routing.label('a', 'spam');
        // One answer believed at 99.5% reaches the highest confidence the prior floor allows (under the 99% asked).
        expect(item).toEqual({
            label: 'spam',
            confidence: expect.closeTo(0.97, 2),
            answers: [{ labeler: 'crowd', member: 'crowd', kind: 'human', label: 'spam' }],
            cost: expect.closeTo(0.1, 9),
        });
        expect(routing.spent).toBeCloseTo(0.1, 9);
        expect(routing.run.router.isGold('a')).toBe(false); // a dry run plants no gold, whatever the policy's share
        expect(routing.label('b', 'ham')).toMatchObject({ label: 'ham', cost: expect.closeTo(0.1, 9) });
        expect(routing.spent).toBeCloseTo(0.2, 9);
    });

    it('stops at the answer that would pass the budget, says so, and labels nothing after it', () => {
        // Budget $0.25: the first item takes two people ($0.20); the next person would make $0.30.
        const routing = new SimulatedRouting(cascade(0.6, 0.99), classes, 0.25, seededRng(2));
        const first = routing.label('a', 'ham');
        expect(first.cost).toBeCloseTo(0.2, 9);
        expect(routing.budgetStop).toEqual({ spent: 0.2, next: 0.1 });
        expect(routing.spent).toBeLessThanOrEqual(0.25);
        const after = routing.label('b', 'ham');
        expect(after).toEqual({ label: null, confidence: 0, answers: [], cost: 0 });
        expect(routing.spent).toBeCloseTo(0.2, 9);
    });

    it('spends a budget exactly when the answers add up to it', () => {
        const routing = new SimulatedRouting(cascade(0.6, 0.99), classes, 0.2, seededRng(2));
        expect(routing.label('a', 'ham').cost).toBeCloseTo(0.2, 9);
        expect(routing.spent).toBeCloseTo(0.2, 9);
    });

    it('answers right as often as declared, the wrong answers spread evenly over the other classes', () => {
        const three = ['a', 'b', 'c'];
        const policy: RoutingPolicy = {
            ...cascade(0.6, 0.5),
            labelers: [{ name: 'm', kind: 'model', cost: 0, accuracy: 0.6 }],
            maxLabels: 1,
        };
        const routing = new SimulatedRouting(policy, three, Number.POSITIVE_INFINITY, seededRng(3));
        const said = { a: 0, b: 0, c: 0 };
        for (let i = 0; i < 3000; i++) {
            const [answer] = routing.label(`x${i}`, 'a').answers;
            said[answer.label as keyof typeof said]++;
        }
        expect(said.a / 3000).toBeCloseTo(0.6, 1);
        expect(said.b / 3000).toBeCloseTo(0.2, 1);
        expect(said.c / 3000).toBeCloseTo(0.2, 1);
    });
});

describe('a policy’s estimate before any label is bought', () => {
    const crowd = (target: number, maxLabels = 5): RoutingPolicy => ({
        strategy: 'cascade',
        labelers: [{ name: 'crowd', kind: 'human', cost: 0.02, accuracy: 0.9, pool: 5 }],
        target,
        maxLabels,
        method: 'one_coin',
        goldShare: 0,
    });

    it('counts the answers an item on which everyone agrees needs (90% people: 2 for 95%, 3 for 97%), or none within the limit', () => {
        // Two agreeing 90% answers: 81/82 = 0.988, floored by the prior floor (2.5%) to 0.963 ≥ 0.95; three: 0.974.
        expect(estimatePolicy(crowd(0.95), classes, { items: 20 }).minAnswers).toBe(2);
        expect(estimatePolicy(crowd(0.97), classes, { items: 20 }).minAnswers).toBe(3);
        expect(estimatePolicy(crowd(0.95, 1), classes, { items: 20 }).minAnswers).toBeNull();
    });

    it('reports answers, cost and shares that agree with each other, the same on every call with a seed', () => {
        const estimate = estimatePolicy(crowd(0.95), classes, { items: 200, seed: 5 });
        expect(estimatePolicy(crowd(0.95), classes, { items: 200, seed: 5 })).toEqual(estimate);
        expect(estimate.meanAnswers).toBeGreaterThanOrEqual(2);
        expect(estimate.meanAnswers).toBeLessThanOrEqual(estimate.maxAnswers);
        expect(estimate.maxAnswers).toBeLessThanOrEqual(5);
        expect(estimate.maxAnswers).toBeGreaterThan(2); // some items see a disagreement
        expect(estimate.meanCost).toBeCloseTo(estimate.meanAnswers * 0.02, 9);
        // 90% people asked until 95%: most items reach it, and about as many are right.
        expect(estimate.reachProbability).toBeGreaterThan(0.85);
        expect(estimate.reachProbability).toBeLessThanOrEqual(1);
        expect(estimate.accuracy).toBeGreaterThan(0.93);
        expect(estimate.accuracy).toBeLessThanOrEqual(1);
        const other = estimatePolicy(crowd(0.95), classes, { items: 200, seed: 6 });
        expect(other).not.toEqual(estimate);
    });

    it('a higher target costs more answers; one agreeing answer is enough for a low target', () => {
        const low = estimatePolicy(crowd(0.85), classes, { items: 300 });
        const high = estimatePolicy(crowd(0.97), classes, { items: 300 });
        expect(high.meanAnswers).toBeGreaterThan(low.meanAnswers + 1);
        expect(high.accuracy).toBeGreaterThan(low.accuracy);
        expect(low.minAnswers).toBe(1);
    });
});

describe('a budget smaller than one answer', () => {
    it('labels nothing: no label, no confidence, nothing spent', () => {
        const routing = new SimulatedRouting(
            { ...cascade(0.9), labelers: [{ name: 'crowd', kind: 'human', cost: 0.1, accuracy: 0.9, pool: 2 }] },
            classes,
            0.05,
            seededRng(1),
        );
        expect(routing.label('a', 'spam')).toEqual({ label: null, confidence: 0, answers: [], cost: 0 });
        expect(routing.budgetStop).toEqual({ spent: 0, next: 0.1 });
    });

    it('a policy estimate says how rarely weak people reach a high target within few labels', () => {
        const weak: RoutingPolicy = {
            strategy: 'cascade',
            labelers: [{ name: 'crowd', kind: 'human', cost: 0.02, accuracy: 0.6, pool: 5 }],
            target: 0.95,
            maxLabels: 2,
            method: 'one_coin',
            goldShare: 0,
        };
        const estimate = estimatePolicy(weak, classes, { items: 200 });
        expect(estimate.reachProbability).toBeLessThan(0.1);
        expect(estimate.minAnswers).toBeNull();
        expect(estimate.accuracy).toBeGreaterThan(0.5);
        expect(estimate.accuracy).toBeLessThan(0.75);
    });
});
