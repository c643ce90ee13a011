/**
 * The steps the EM methods (Dawid-Skene, one-coin) are built from, each on a small example worked by
 * hand: the start (soft majority, gold anchoring), the E-step, the M-steps, the class priors and the
 * stopping rule. The crowd tests check where EM ends up; these check each step gets there for the
 * right reason.
 */
import { describe, expect, it } from 'vitest';
import { encodedFromIds, type EncodedAnswers } from '../../../engine/src/quality/answers.js';
import { estimateConfusions, workerEstimates } from '../../../engine/src/quality/dawid-skene.js';
import { classPriorsOf, expectationStep, goldAnchoredStart, hasConverged, softMajority } from '../../../engine/src/quality/em.js';
import { estimateAccuracies, oneCoinLogConfusion } from '../../../engine/src/quality/one-coin.js';

/** Answers as [item, worker, class] triples. */
function answers(counts: { items: number; workers: number; classes: number }, triples: number[][], gold?: number[]): EncodedAnswers {
    const column = (c: number) => Int32Array.from(triples.map((t) => t[c]));
    return encodedFromIds(counts, column(0), column(1), column(2), gold && Int32Array.from(gold));
}

const rounded = (values: ArrayLike<number>) => Array.from(values, (v) => Number(v.toFixed(10)));

describe('the EM start', () => {
    it('soft majority: each class’s share of an item’s answers, uniform with no answers, one-hot on gold', () => {
        const encoded = answers(
            { items: 4, workers: 3, classes: 3 },
            [
                [0, 0, 0],
                [0, 1, 0],
                [0, 2, 2],
                [2, 0, 1],
                [3, 0, 1],
                [3, 1, 1],
            ],
            [-1, -1, -1, 2],
        );
        expect(rounded(softMajority(encoded))).toEqual(rounded([2 / 3, 0, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 0, 1, 0, 0, 0, 1]));
    });

    it('gold anchoring weighs non-gold items 1% and leaves gold items and the posterior itself unchanged', () => {
        const encoded = answers({ items: 2, workers: 1, classes: 2 }, [], [-1, 1]);
        const posterior = Float64Array.from([0.6, 0.4, 0, 1]);
        const weighted = goldAnchoredStart(encoded, posterior);
        expect(rounded(weighted)).toEqual([0.006, 0.004, 0, 1]);
        expect([...posterior]).toEqual([0.6, 0.4, 0, 1]);
        const noGold = answers({ items: 2, workers: 1, classes: 2 }, []);
        expect(goldAnchoredStart(noGold, posterior)).toBe(posterior);
    });

    it('class priors are the posterior’s column means, smoothed toward uniform', () => {
        const posterior = Float64Array.from([1, 0, 0.5, 0.5, 0, 1, 0, 1]);
        expect(rounded(classPriorsOf(posterior, 2, 0))).toEqual([0.375, 0.625]);
        expect(rounded(classPriorsOf(posterior, 2, 1))).toEqual(rounded([2.5 / 6, 3.5 / 6]));
    });
});

describe('the E-step', () => {
    // Worker 0 is right 80% of the time, worker 1 60% (one-coin, two classes); an even class prior.
    const logConfusion = oneCoinLogConfusion(Float64Array.from([0.8, 0.6]), 2);
    const logPriors = Float64Array.from([Math.log(0.5), Math.log(0.5)]);

    it('weighs each answer by the answerer’s confusion and returns the marginal log-likelihood', () => {
        const encoded = answers(
            { items: 3, workers: 2, classes: 2 },
            [
                [0, 0, 0],
                [1, 0, 0],
                [1, 1, 1],
                [2, 1, 1],
            ],
            [-1, -1, 0],
        );
        const posterior = new Float64Array(6);
        const logLikelihood = expectationStep(encoded, logPriors, logConfusion, posterior);
        // Item 0: 0.8 : 0.2. Item 1: 0.8·0.4 : 0.2·0.6 = 0.32 : 0.12. Item 2 is gold (class 0) whatever its answer.
        expect(rounded(posterior)).toEqual(rounded([0.8, 0.2, 0.32 / 0.44, 0.12 / 0.44, 1, 0]));
        expect(logLikelihood).toBeCloseTo(Math.log(0.5) + Math.log(0.22) + Math.log(0.5), 12);
    });

    it('stays exact when the evidence is far beyond floating point (hundreds of agreeing answers)', () => {
        const triples = Array.from({ length: 600 }, (_, a) => [0, a % 2, 1]);
        const encoded = answers({ items: 1, workers: 2, classes: 2 }, triples);
        const posterior = new Float64Array(2);
        const logLikelihood = expectationStep(encoded, logPriors, logConfusion, posterior);
        expect([...posterior]).toEqual([expect.closeTo(0, 12), 1]);
        expect(logLikelihood).toBeCloseTo(Math.log(0.5) + 300 * Math.log(0.8) + 300 * Math.log(0.6), 6);
    });

    it('one-coin confusions: log p on the diagonal, log((1 − p)/(K − 1)) elsewhere, p kept off 0 and 1', () => {
        const three = oneCoinLogConfusion(Float64Array.from([0.7, 1]), 3);
        expect(rounded(three.slice(0, 9).map(Math.exp))).toEqual(rounded([0.7, 0.15, 0.15, 0.15, 0.7, 0.15, 0.15, 0.15, 0.7]));
        expect(Number.isFinite(three[9 + 1])).toBe(true);
        expect(Math.exp(three[9])).toBeCloseTo(1 - 1e-6, 12);
        expect(Math.exp(three[9 + 1])).toBeCloseTo(1e-6 / 2, 12);
        expect(Math.exp(oneCoinLogConfusion(Float64Array.from([0]), 2)[0])).toBeCloseTo(1e-6, 12);
    });
});

describe('the M-steps', () => {
    // Worker 0 answered item 0 (class 0) and item 1 (class 0); worker 1 answered item 1 (class 1).
    const encoded = answers({ items: 2, workers: 2, classes: 2 }, [
        [0, 0, 0],
        [1, 0, 0],
        [1, 1, 1],
    ]);
    const posterior = Float64Array.from([1, 0, 0.25, 0.75]);

    it('one-coin: a worker’s expected share of right answers, smoothed, items weighted by their row’s mass', () => {
        expect(rounded(estimateAccuracies(encoded, posterior, 0))).toEqual([0.625, 0.75]);
        expect(rounded(estimateAccuracies(encoded, posterior, 0.5))).toEqual(rounded([1.75 / 3, 1.25 / 2]));
        // Rows that carry 1% of the mass (gold anchoring) count 1% as much.
        const light = Float64Array.from([1, 0, 0.0025, 0.0075]);
        expect(rounded(estimateAccuracies(encoded, light, 0))).toEqual(rounded([1.0025 / 1.01, 0.75]));
    });

    it('Dawid-Skene: confusion counts weighted by the posterior, smoothed and row-normalised', () => {
        const { confusion, classPriors } = estimateConfusions(encoded, posterior, 0.5);
        // Worker 0, true class 0: answered 0 with weight 1 + 0.25, answered 1 with 0 (+0.5 smoothing each).
        // Worker 0, true class 1: answered 0 with weight 0.75. Worker 1: answered 1 with 0.25 (true 0), 0.75 (true 1).
        expect(rounded(confusion)).toEqual(
            rounded([1.75 / 2.25, 0.5 / 2.25, 1.25 / 1.75, 0.5 / 1.75, 0.5 / 1.25, 0.75 / 1.25, 0.5 / 1.75, 1.25 / 1.75]),
        );
        expect(rounded(classPriors)).toEqual(rounded([1.75 / 3, 1.25 / 3]));
        const workers = workerEstimates(encoded, { confusion, classPriors });
        expect(workers.map((w) => w.answers)).toEqual([2, 1]);
        expect(workers[1].confusion).toEqual([
            [expect.closeTo(0.4, 12), expect.closeTo(0.6, 12)],
            [expect.closeTo(0.5 / 1.75, 12), expect.closeTo(1.25 / 1.75, 12)],
        ]);
        expect(workers[1].accuracy).toBeCloseTo((1.75 / 3) * 0.4 + (1.25 / 3) * (1.25 / 1.75), 12);
    });

    // Worker 0 believed right 3 times in 4 (pseudo-counts [[3, 1], [1, 3]]); worker 1 has no prior.
    const prior = { confusion: Float64Array.from([3, 1, 1, 3, 0, 0, 0, 0]), classCount: 1 };

    it('a prior adds its pseudo-counts to each worker’s confusion counts and its class count to the frequencies', () => {
        const { confusion, classPriors } = estimateConfusions(encoded, posterior, 0, prior);
        // Worker 0, true class 0: 3 + 1 + 0.25 answered 0, 1 answered 1. True class 1: 1 + 0.75 answered 0, 3 answered 1.
        expect(rounded(confusion.slice(0, 4))).toEqual(rounded([4.25 / 5.25, 1 / 5.25, 1.75 / 4.75, 3 / 4.75]));
        expect(rounded(confusion.slice(4))).toEqual(rounded([0, 1, 0, 1]));
        expect(rounded(classPriors)).toEqual(rounded([2.25 / 4, 1.75 / 4]));
    });

    it('one-coin under a prior: the diagonal’s pseudo-counts are right answers, every cell counts in the total', () => {
        expect(rounded(estimateAccuracies(encoded, posterior, 0, prior))).toEqual(rounded([(6 + 1.25) / (8 + 2), 0.75]));
    });
});

describe('the stopping rule', () => {
    it('stops when the log-likelihood gain is within the tolerance relative to its size (at least 1)', () => {
        expect(hasConverged(-Infinity, -10, 1)).toBe(false);
        expect(hasConverged(-1000, -1000.0005, 1e-6)).toBe(true);
        expect(hasConverged(-1000, -1000.002, 1e-6)).toBe(false);
        expect(hasConverged(0.5, 0.5000009, 1e-6)).toBe(true);
        expect(hasConverged(0.5, 0.500002, 1e-6)).toBe(false);
        expect(hasConverged(-5, -4, 0.25)).toBe(true); // a gain exactly at the tolerance stops (1 = 0.25 · 4)
        expect(hasConverged(-3, -4, 0.25)).toBe(true); // so does a loss as small
    });
});
