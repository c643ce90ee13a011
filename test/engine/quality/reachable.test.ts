/** Can the declared labelers reach a target? Checked against the exact binomial answers. */
import { describe, expect, it } from 'vitest';
import { bayesAccuracy, reachableAccuracy } from '../../../engine/src/quality/reachable.js';

/** P(the majority of n independent answers at accuracy p is right), a tie counting 1/2 (two classes). */
function majorityRight(p: number, n: number): number {
    let total = 0;
    let choose = 1;
    for (let k = 0; k <= n; k++) {
        const mass = choose * p ** k * (1 - p) ** (n - k);
        if (2 * k > n) {
            total += mass;
        } else if (2 * k === n) {
            total += mass / 2;
        }
        choose = (choose * (n - k)) / (k + 1);
    }
    return total;
}

describe('reachable accuracy', () => {
    it('matches the exact majority-vote accuracy of equally good labelers (two classes)', () => {
        for (const [p, n] of [
            [0.8, 1],
            [0.8, 3],
            [0.6, 5],
            [0.9, 4],
        ] as const) {
            expect(bayesAccuracy(Array(n).fill(p), 2)).toBeCloseTo(majorityRight(p, n), 2);
        }
    });

    it('an unattainable target: three answers at 60% cannot reach 99% — the best is about 0.648', () => {
        const result = reachableAccuracy([{ accuracy: 0.6, answers: 100 }], 2, 3, 0.99);
        expect(result.reachable).toBe(false);
        expect(result.best).toBeCloseTo(majorityRight(0.6, 3), 2);
        expect(result.answersNeeded).toBeUndefined();
    });

    it('a reachable target says how many answers it takes (80% people, 95% target: 7, as the binomial says)', () => {
        const result = reachableAccuracy([{ accuracy: 0.8, answers: 100 }], 2, 10, 0.95);
        expect(result.reachable).toBe(true);
        const exact = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((n) => majorityRight(0.8, n) >= 0.95);
        expect(result.answersNeeded).toBe(exact);
    });

    it('the floor (crowds misled together) caps what any number of answers reaches', () => {
        const free = reachableAccuracy([{ accuracy: 0.9, answers: 100 }], 2, 15, 0.99);
        const floored = reachableAccuracy([{ accuracy: 0.9, answers: 100 }], 2, 15, 0.99, 0.03);
        expect(free.reachable).toBe(true);
        expect(floored.reachable).toBe(false);
        expect(floored.best).toBeLessThanOrEqual(0.97 + 1e-9);
    });

    it('uses the best answers first and no more than each labeler can give (a model answers once)', () => {
        const labelers = [
            { accuracy: 0.95, answers: 1 },
            { accuracy: 0.7, answers: 100 },
        ];
        const one = reachableAccuracy(labelers, 3, 1, 0.9);
        expect(one).toMatchObject({ reachable: true, answersNeeded: 1 });
        expect(one.best).toBeCloseTo(0.95, 2);
        // Only the model at 95%: a second answer must come from the 70% people.
        expect(reachableAccuracy([{ accuracy: 0.95, answers: 1 }], 3, 5, 0.96).reachable).toBe(false);
    });

    it('matches the exact Bayes decision over more classes and unequal labelers (every answer combination enumerated)', () => {
        for (const [accuracies, K] of [
            [[0.6, 0.6, 0.6], 3],
            [[0.9, 0.7, 0.55], 4],
            [[0.7, 0.7], 2],
            [[0.8, 0.6], 3],
        ] as const) {
            expect(Math.abs(bayesAccuracy(accuracies, K) - exactBayes(accuracies, K))).toBeLessThan(0.01);
        }
    });

    it('with no answers to ask is a guess among the classes, and needs at least two classes', () => {
        expect(reachableAccuracy([], 3, 5, 0.5)).toEqual({ best: 1 / 3, reachable: false });
        expect(reachableAccuracy([{ accuracy: 0.9, answers: 0 }], 4, 5, 0.2)).toEqual({ best: 0.25, reachable: false });
        expect(() => reachableAccuracy([{ accuracy: 0.9, answers: 1 }], 1, 5, 0.5)).toThrow(
            'reachability needs at least two classes, got 1',
        );
    });

    it('counts whole answers only (2.7 answers are 2), and the best over every number of answers up to the limit', () => {
        const two = reachableAccuracy([{ accuracy: 0.9, answers: 2.7 }], 2, 10, 0.999);
        expect(two.best).toBeCloseTo(0.9, 2); // two answers at 90% decide no better than one (a split is a coin flip)
        const three = reachableAccuracy([{ accuracy: 0.9, answers: 3 }], 2, 10, 0.999);
        expect(three.best).toBeCloseTo(exactBayes([0.9, 0.9, 0.9], 2), 2);
        expect(reachableAccuracy([{ accuracy: 0.9, answers: 3 }], 2, 3, 0.9)).toEqual({
            best: three.best,
            reachable: true,
            answersNeeded: 1,
        });
    });
});

/** The Bayes decision's accuracy, exactly: every combination of answers (truth: class 0), ties split evenly. */
function exactBayes(accuracies: readonly number[], K: number): number {
    let total = 0;
    const answers = new Array<number>(accuracies.length).fill(0);
    for (let combo = 0; combo < K ** accuracies.length; combo++) {
        let rest = combo;
        let probability = 1;
        const score = new Array<number>(K).fill(0);
        accuracies.forEach((p, j) => {
            answers[j] = rest % K;
            rest = Math.floor(rest / K);
            probability *= answers[j] === 0 ? p : (1 - p) / (K - 1);
            for (let k = 0; k < K; k++) {
                score[k] += Math.log(k === answers[j] ? p : (1 - p) / (K - 1));
            }
        });
        const top = Math.max(...score);
        const tied = score.filter((s) => s >= top - 1e-12).length;
        if (score[0] >= top - 1e-12) {
            total += probability / tied;
        }
    }
    return total;
}
