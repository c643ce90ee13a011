/**
 * The EM loop shared by Dawid-Skene and one-coin: alternate a worker-model M-step (given the
 * item posteriors) with the E-step below, until the log-likelihood stops improving.
 * Everything is flat typed arrays: posterior is items × classes, row-major.
 */
import type { EncodedAnswers } from './answers.js';

export interface EmOptions {
    /**
     * Stop when the log-likelihood improves by less than this, relative to its size. Default 1e-6 (1M answers: 5
     * iterations, the same labels as 1e-7).
     */
    tolerance?: number;
    /** Default 100. */
    maxIterations?: number;
    /** Pseudo-count added to every cell of the confusion counts and class counts. Default 0.01. */
    smoothing?: number;
    /** Starting posterior (items × classes), e.g. from a previous run as answers arrive. Default: majority vote. */
    initialPosterior?: Float64Array;
    /** A prior over the parameters, which makes the fit a MAP fit. Default: none (a maximum-likelihood fit). */
    prior?: EmPrior;
}

/**
 * What was believed before these answers, as Dirichlet pseudo-counts added to the fitted counts. Without
 * it a worker is fit to its own answers alone, so one with a single answer is explained away (every row
 * of its matrix points at that answer, which then says nothing), and a few items set the class
 * frequencies alone.
 */
export interface EmPrior {
    /**
     * Each worker's pseudo-counts, workers × classes × classes ([true class][answer]), e.g. its declared
     * accuracy worth a few answers. One coin adds the diagonal to the right answers and every cell to the total.
     */
    confusion: Float64Array;
    /** Pseudo-count of every class in the class frequencies (1: add-one). */
    classCount: number;
}

/** Soft majority vote: the share of each class among an item's answers; gold items one-hot. */
export function softMajority(encoded: EncodedAnswers): Float64Array {
    const I = encoded.items.length;
    const K = encoded.classes.length;
    const { itemOf, labelOf } = encoded;
    const posterior = new Float64Array(I * K);
    const n = new Float64Array(I);
    for (let a = 0; a < itemOf.length; a++) {
        posterior[itemOf[a] * K + labelOf[a]]++;
        n[itemOf[a]]++;
    }
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            posterior[i * K + k] = n[i] ? posterior[i * K + k] / n[i] : 1 / K;
        }
    }
    fixGold(encoded, posterior);
    return posterior;
}

export function fixGold(encoded: EncodedAnswers, posterior: Float64Array): void {
    const K = encoded.classes.length;
    const { gold } = encoded;
    for (let i = 0; i < gold.length; i++) {
        if (gold[i] < 0) {
            continue;
        }
        for (let k = 0; k < K; k++) {
            posterior[i * K + k] = k === gold[i] ? 1 : 0;
        }
    }
}

/** Class frequencies from the posterior, smoothed. */
export function classPriorsOf(posterior: Float64Array, K: number, smoothing: number): Float64Array {
    const I = posterior.length / K;
    const priors = new Float64Array(K);
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            priors[k] += posterior[i * K + k];
        }
    }
    for (let k = 0; k < K; k++) {
        priors[k] = (priors[k] + smoothing) / (I + K * smoothing);
    }
    return priors;
}

/**
 * E-step: posterior[i][k] ∝ prior[k] · Π over i's answers of P(answer | true k), computed in log space.
 * `logConfusion` is workers × classes × classes: log P(worker answers l | true class k). Gold items stay fixed.
 * Returns the marginal log-likelihood of all answers.
 */
export function expectationStep(
    encoded: EncodedAnswers,
    logPriors: Float64Array,
    logConfusion: Float64Array,
    posterior: Float64Array,
): number {
    const I = encoded.items.length;
    const K = encoded.classes.length;
    const { itemOf, workerOf, labelOf, gold } = encoded;
    const KK = K * K;
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            posterior[i * K + k] = logPriors[k];
        }
    }
    for (let a = 0; a < itemOf.length; a++) {
        const row = itemOf[a] * K;
        const base = workerOf[a] * KK + labelOf[a];
        for (let k = 0; k < K; k++) {
            posterior[row + k] += logConfusion[base + k * K];
        }
    }
    let logLikelihood = 0;
    for (let i = 0; i < I; i++) {
        const row = i * K;
        let max = -Infinity;
        for (let k = 0; k < K; k++) {
            if (posterior[row + k] > max) {
                max = posterior[row + k];
            }
        }
        let sum = 0;
        for (let k = 0; k < K; k++) {
            sum += Math.exp(posterior[row + k] - max);
        }
        logLikelihood += max + Math.log(sum);
        if (gold[i] >= 0) {
            for (let k = 0; k < K; k++) {
                posterior[row + k] = k === gold[i] ? 1 : 0;
            }
            continue;
        }
        for (let k = 0; k < K; k++) {
            posterior[row + k] = Math.exp(posterior[row + k] - max) / sum;
        }
    }
    return logLikelihood;
}

/** Whether EM has converged: the relative log-likelihood gain is below tolerance. */
export function hasConverged(previous: number, current: number, tolerance: number): boolean {
    return Number.isFinite(previous) && Math.abs(current - previous) <= tolerance * Math.max(1, Math.abs(current));
}

/**
 * Weights for the first M-step. With gold present, the worker models start from the gold items
 * (non-gold items weigh 1%), so a wrong majority cannot set the direction EM climbs in; the
 * majority still gives a shape to workers who answered no gold.
 */
export function goldAnchoredStart(encoded: EncodedAnswers, posterior: Float64Array): Float64Array {
    const K = encoded.classes.length;
    if (!encoded.gold.some((g) => g >= 0)) {
        return posterior;
    }
    const weighted = Float64Array.from(posterior);
    for (let i = 0; i < encoded.gold.length; i++) {
        if (encoded.gold[i] < 0) {
            for (let k = 0; k < K; k++) {
                weighted[i * K + k] *= 0.01;
            }
        }
    }
    return weighted;
}
