import { describe, expect, it } from 'vitest';
import { estimateRedundancy, type Answerer } from '../../../engine/src/routing/redundancy.js';
import { seededRandom } from '../quality/synthetic.js';

/** The same stopping rule, run on random answers: what the analytic estimate must agree with. */
function monteCarlo(answerers: Answerer[], K: number, target: number, maxLabels: number, runs: number) {
    const random = seededRandom(99);
    let answers = 0, right = 0, reached = 0, cost = 0;
    for (let r = 0; r < runs; r++) {
        const score = new Float64Array(K); // class 0 is the truth
        for (let j = 0; j < maxLabels; j++) {
            const { accuracy: a, cost: c = 0 } = answerers[Math.min(j, answerers.length - 1)];
            answers++;
            cost += c;
            const said = random() < a ? 0 : 1 + Math.floor(random() * (K - 1));
            score[said] += Math.log((a * (K - 1)) / (1 - a));
            const top = Math.max(...score);
            const posterior = 1 / score.reduce((s, v) => s + Math.exp(v - top), 0);
            if (posterior >= target) {
                reached++;
                break;
            }
        }
        const top = Math.max(...score);
        const tied = score.filter((v) => v === top).length;
        if (score[0] === top) right += 1 / tied;
    }
    return { meanAnswers: answers / runs, accuracy: right / runs, reachProbability: reached / runs, meanCost: cost / runs };
}

describe('redundancy estimate', () => {
    it('matches the gambler’s-ruin answer for a binary question', () => {
        // p = 0.8, target 0.95: the lead must reach 3 (4^2/(1+4^2) < 0.95 ≤ 4^3/(1+4^3)).
        const estimate = estimateRedundancy({ answerers: [{ accuracy: 0.8, cost: 0.01 }], classes: 2, target: 0.95, maxLabels: 3 });
        expect(estimate.minAnswers).toBe(3);
        expect(estimate.maxAnswers).toBe(3);
        expect(estimate.meanAnswers).toBe(3);
        expect(estimate.reachProbability).toBeCloseTo(0.8 ** 3 + 0.2 ** 3, 12);
        expect(estimate.meanCost).toBeCloseTo(0.03, 12);
    });

    it.each([
        { answerers: [{ accuracy: 0.7, cost: 0.01 }], K: 2, target: 0.95, maxLabels: 9 },
        { answerers: [{ accuracy: 0.6 }], K: 5, target: 0.98, maxLabels: 8 },
        { answerers: [{ accuracy: 0.95, cost: 0.08 }, { accuracy: 0.7, cost: 0.01 }, { accuracy: 0.75, cost: 0.02 }], K: 3, target: 0.99, maxLabels: 7 },
    ])('agrees with simulation: $K classes, target $target, at most $maxLabels', ({ answerers, K, target, maxLabels }) => {
        const estimate = estimateRedundancy({ answerers, classes: K, target, maxLabels });
        const simulated = monteCarlo(answerers, K, target, maxLabels, 40_000);
        expect(estimate.meanAnswers).toBeCloseTo(simulated.meanAnswers, 1);
        expect(Math.abs(estimate.accuracy - simulated.accuracy)).toBeLessThan(0.01);
        expect(Math.abs(estimate.reachProbability - simulated.reachProbability)).toBeLessThan(0.01);
        expect(estimate.meanCost).toBeCloseTo(simulated.meanCost, 2);
        expect(estimate.maxAnswers).toBeLessThanOrEqual(maxLabels);
    });

    it('says when the target is out of reach within the label limit', () => {
        const estimate = estimateRedundancy({ answerers: [{ accuracy: 0.6 }], classes: 2, target: 0.99, maxLabels: 5 });
        expect(estimate.minAnswers).toBeNull();
        expect(estimate.reachProbability).toBe(0);
        expect(estimate.meanAnswers).toBe(5);
    });

    it('needs fewer answers from better labelers', () => {
        const at = (accuracy: number) => estimateRedundancy({ answerers: [{ accuracy }], classes: 2, target: 0.95, maxLabels: 15 }).meanAnswers;
        expect(at(0.9)).toBeLessThan(at(0.8));
        expect(at(0.8)).toBeLessThan(at(0.7));
    });

    it('rejects impossible inputs with a message', () => {
        expect(() => estimateRedundancy({ answerers: [{ accuracy: 1 }], classes: 2, target: 0.9, maxLabels: 3 })).toThrow(/accuracy must be in \(0, 1\)/);
        expect(() => estimateRedundancy({ answerers: [], classes: 2, target: 0.9, maxLabels: 3 })).toThrow(/at least one answerer/);
        expect(() => estimateRedundancy({ answerers: [{ accuracy: 0.8 }], classes: 2, target: 1, maxLabels: 3 })).toThrow(/target/);
    });
});
