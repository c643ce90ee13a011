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
});
