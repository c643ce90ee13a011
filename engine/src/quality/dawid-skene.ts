/**
 * Dawid & Skene (1979): every worker has a full confusion matrix P(answer l | true class k);
 * EM alternates estimating the matrices from the item posteriors and the posteriors from the
 * matrices. Gold items are fixed to their known class, which anchors the matrices.
 */
import type { EncodedAnswers } from './answers.js';
import { classPriorsOf, expectationStep, fixGold, goldAnchoredStart, hasConverged, softMajority } from './em.js';
import type { EmOptions, EmPrior } from './em.js';
import { labelsFromPosterior } from './posterior.js';
import type { AggregationResult } from './result.js';

export interface DawidSkeneModel {
    /** workers × classes × classes, rows (true class) sum to 1. */
    confusion: Float64Array;
    classPriors: Float64Array;
}

/** M-step: confusion counts weighted by the posterior, smoothed (plus the prior's pseudo-counts, if any) and row-normalised. */
export function estimateConfusions(encoded: EncodedAnswers, posterior: Float64Array, smoothing: number, prior?: EmPrior): DawidSkeneModel {
    const K = encoded.classes.length;
    const KK = K * K;
    const W = encoded.workers.length;
    const { itemOf, workerOf, labelOf } = encoded;
    const confusion = new Float64Array(W * KK).fill(smoothing);
    if (prior) {
        for (let j = 0; j < confusion.length; j++) {
            confusion[j] += prior.confusion[j];
        }
    }
    for (let a = 0; a < itemOf.length; a++) {
        const row = itemOf[a] * K;
        const base = workerOf[a] * KK + labelOf[a];
        for (let k = 0; k < K; k++) {
            confusion[base + k * K] += posterior[row + k];
        }
    }
    for (let r = 0; r < W * K; r++) {
        let sum = 0;
        for (let l = 0; l < K; l++) {
            sum += confusion[r * K + l];
        }
        for (let l = 0; l < K; l++) {
            confusion[r * K + l] /= sum;
        }
    }
    return { confusion, classPriors: classPriorsOf(posterior, K, prior?.classCount ?? smoothing) };
}

export function dawidSkene(encoded: EncodedAnswers, options: EmOptions = {}): AggregationResult {
    const { tolerance = 1e-6, maxIterations = 100, smoothing = 0.01, prior } = options;
    const K = encoded.classes.length;
    const posterior = options.initialPosterior ? Float64Array.from(options.initialPosterior) : softMajority(encoded);
    fixGold(encoded, posterior);
    const logConfusion = new Float64Array(encoded.workers.length * K * K);
    const logPriors = new Float64Array(K);
    let model = estimateConfusions(encoded, options.initialPosterior ? posterior : goldAnchoredStart(encoded, posterior), smoothing, prior);
    let previous = -Infinity;
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
        iterations++;
        for (let j = 0; j < logConfusion.length; j++) {
            logConfusion[j] = Math.log(model.confusion[j]);
        }
        for (let k = 0; k < K; k++) {
            logPriors[k] = Math.log(model.classPriors[k]);
        }
        const logLikelihood = expectationStep(encoded, logPriors, logConfusion, posterior);
        model = estimateConfusions(encoded, posterior, smoothing, prior);
        if (hasConverged(previous, logLikelihood, tolerance)) {
            converged = true;
            break;
        }
        previous = logLikelihood;
    }
    return {
        method: 'dawid_skene',
        classes: encoded.classes,
        items: labelsFromPosterior(encoded, posterior),
        workers: workerEstimates(encoded, model),
        posterior,
        classPriors: [...model.classPriors],
        iterations,
        converged,
    };
}

/** Each worker's accuracy (Σ_k prior_k · confusion[k][k]) and confusion matrix. */
export function workerEstimates(encoded: EncodedAnswers, model: DawidSkeneModel): AggregationResult['workers'] {
    const K = encoded.classes.length;
    const answers = new Float64Array(encoded.workers.length);
    for (let a = 0; a < encoded.workerOf.length; a++) {
        answers[encoded.workerOf[a]]++;
    }
    return encoded.workers.map((worker, w) => {
        const confusion: number[][] = [];
        let accuracy = 0;
        for (let k = 0; k < K; k++) {
            confusion.push(Array.from(model.confusion.subarray((w * K + k) * K, (w * K + k + 1) * K)));
            accuracy += model.classPriors[k] * confusion[k][k];
        }
        return { worker, accuracy, answers: answers[w], confusion };
    });
}
