/**
 * One-coin Dawid-Skene: every worker has a single accuracy p; a wrong answer is equally likely
 * to be any other class. Fewer parameters than full confusions, so steadier for workers with
 * few answers. The class frequencies are not re-estimated (see below).
 */
import type { EncodedAnswers } from './answers.js';
import { classPriorsOf, expectationStep, fixGold, goldAnchoredStart, hasConverged, softMajority } from './em.js';
import type { EmOptions, EmPrior } from './em.js';
import { labelsFromPosterior } from './posterior.js';
import type { AggregationResult } from './result.js';

/**
 * M-step: each worker's expected share of right answers (items weighted by their posterior mass), smoothed;
 * a prior (em.ts) adds its diagonal to the right answers and all its cells to the total.
 */
export function estimateAccuracies(encoded: EncodedAnswers, posterior: Float64Array, smoothing: number, prior?: EmPrior): Float64Array {
    const K = encoded.classes.length;
    const W = encoded.workers.length;
    const right = new Float64Array(W).fill(smoothing);
    const total = new Float64Array(W).fill(2 * smoothing);
    if (prior) {
        addPriorCounts(prior.confusion, K, right, total);
    }
    const { itemOf, workerOf, labelOf } = encoded;
    for (let a = 0; a < itemOf.length; a++) {
        const row = itemOf[a] * K;
        right[workerOf[a]] += posterior[row + labelOf[a]];
        // An item's weight is its row's mass: 1 normally, less where the first step discounts non-gold items.
        for (let k = 0; k < K; k++) {
            total[workerOf[a]] += posterior[row + k];
        }
    }
    for (let w = 0; w < W; w++) {
        right[w] /= total[w];
    }
    return right;
}

/** Adds each worker's prior pseudo-counts (workers × K × K): the diagonal to `right`, every cell to `total`. */
function addPriorCounts(prior: Float64Array, K: number, right: Float64Array, total: Float64Array): void {
    for (let w = 0; w < right.length; w++) {
        for (let k = 0; k < K; k++) {
            for (let l = 0; l < K; l++) {
                const count = prior[(w * K + k) * K + l];
                total[w] += count;
                right[w] += k === l ? count : 0;
            }
        }
    }
}

/** workers × K × K log-confusions of one-coin workers. */
export function oneCoinLogConfusion(accuracy: Float64Array, K: number, into?: Float64Array): Float64Array {
    const out = into ?? new Float64Array(accuracy.length * K * K);
    for (let w = 0; w < accuracy.length; w++) {
        const p = Math.min(Math.max(accuracy[w], 1e-6), 1 - 1e-6);
        const right = Math.log(p);
        const wrong = K > 1 ? Math.log((1 - p) / (K - 1)) : 0;
        for (let k = 0; k < K; k++) {
            for (let l = 0; l < K; l++) {
                out[(w * K + k) * K + l] = k === l ? right : wrong;
            }
        }
    }
    return out;
}

export function oneCoin(encoded: EncodedAnswers, options: EmOptions = {}): AggregationResult {
    const { tolerance = 1e-7, maxIterations = 100, smoothing = 0.01, prior } = options;
    const K = encoded.classes.length;
    const posterior = options.initialPosterior ? Float64Array.from(options.initialPosterior) : softMajority(encoded);
    fixGold(encoded, posterior);
    let accuracy = estimateAccuracies(
        encoded,
        options.initialPosterior ? posterior : goldAnchoredStart(encoded, posterior),
        smoothing,
        prior,
    );
    // Class frequencies stay those of the start (majority vote, gold fixed): one coin cannot model a
    // biased crowd, and re-estimating them lets that bias pull every item into one class (TEMP, 3 answers).
    const priors = classPriorsOf(posterior, K, prior?.classCount ?? smoothing);
    const logConfusion = new Float64Array(encoded.workers.length * K * K);
    const logPriors = new Float64Array(K);
    let previous = -Infinity;
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
        iterations++;
        oneCoinLogConfusion(accuracy, K, logConfusion);
        for (let k = 0; k < K; k++) {
            logPriors[k] = Math.log(priors[k]);
        }
        const logLikelihood = expectationStep(encoded, logPriors, logConfusion, posterior);
        accuracy = estimateAccuracies(encoded, posterior, smoothing, prior);
        if (hasConverged(previous, logLikelihood, tolerance)) {
            converged = true;
            break;
        }
        previous = logLikelihood;
    }
    const answers = new Float64Array(encoded.workers.length);
    for (let a = 0; a < encoded.workerOf.length; a++) {
        answers[encoded.workerOf[a]]++;
    }
    return {
        method: 'one_coin',
        classes: encoded.classes,
        items: labelsFromPosterior(encoded, posterior),
        workers: encoded.workers.map((worker, w) => ({ worker, accuracy: accuracy[w], answers: answers[w] })),
        posterior,
        classPriors: [...priors],
        iterations,
        converged,
    };
}
