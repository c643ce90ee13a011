/**
 * Calibrated item posteriors on top of any method's fit: a Bayesian Dawid-Skene pass.
 *
 * 1. Each labeler's confusion matrix has a Dirichlet prior — the crowd's pooled confusion, rows
 *    worth `priorStrength` answers — and is updated with the method's soft labels, so a labeler seen
 *    5 times is not trusted like one seen 500 times. Two Bayesian EM steps from the method's soft
 *    labels sharpen soft starts (majority shares, Wawa's weighted shares).
 * 2. An item is judged by matrices that leave out its own answers (otherwise its answers vouch for
 *    themselves through the matrices they shaped — the main source of 0.9999s).
 * 3. The evidence is tempered and the result floored (calibration.ts): the temperature from held-out
 *    answers, the floor from the planted gold questions (the items `encoded.gold` fixes).
 */
import type { EncodedAnswers } from './answers.js';
import { calibratedRow, fitFloor, noCalibration, type Calibration } from './calibration.js';

export interface CalibrationOptions {
    /** Prior probability of a right answer for every labeler. Default 0.7. */
    priorAccuracy?: number;
    /** Answers' worth of that prior per confusion row. Default 4. */
    priorStrength?: number;
    /** Bayesian EM steps from the method's soft labels before calibrating (sharpens soft starts such as Wawa's shares). Default 2. */
    refinements?: number;
}

export interface CalibratedFit {
    /** items × classes, calibrated; gold items one-hot. */
    posterior: Float64Array;
    calibration: Calibration;
}

/** Largest number of answers the temperature is fit on (a deterministic stride through all of them). */
const TEMPERATURE_SAMPLE = 5_000;

interface LeaveOneOut {
    logPrior: Float64Array;
    /** items × classes: Σ over the item's answers of log P(answer | class), item left out of the matrices. */
    evidence: Float64Array;
    counts: Float64Array;
    rows: Float64Array;
}

export function calibratePosterior(encoded: EncodedAnswers, start: Float64Array, options: CalibrationOptions = {}): CalibratedFit {
    const K = encoded.classes.length;
    const { refinements = 2 } = options;
    let soft = start;
    for (let step = 0; step < refinements; step++) {
        soft = rawPosterior(encoded, leaveOneOutEvidence(encoded, soft, options));
    }
    const fit = leaveOneOutEvidence(encoded, soft, options);
    const temperature = fitTemperature(encoded, soft, fit);
    const cases: { row: Float64Array; truth: number }[] = [];
    const { gold } = encoded;
    for (let i = 0; i < gold.length; i++) {
        if (gold[i] >= 0) {
            cases.push({
                row: calibratedRow(fit.logPrior, fit.evidence.subarray(i * K, (i + 1) * K), { temperature } as Calibration, 0),
                truth: gold[i],
            });
        }
    }
    const calibration = fitFloor(cases, K, temperature);
    const posterior = new Float64Array(encoded.items.length * K);
    for (let i = 0; i < encoded.items.length; i++) {
        if (gold[i] >= 0) {
            posterior[i * K + gold[i]] = 1;
        } else {
            posterior.set(calibratedRow(fit.logPrior, fit.evidence.subarray(i * K, (i + 1) * K), calibration), i * K);
        }
    }
    return { posterior, calibration };
}

/** The untempered, unfloored posterior of every item (gold items one-hot): one Bayesian E-step. */
function rawPosterior(encoded: EncodedAnswers, fit: LeaveOneOut): Float64Array {
    const K = encoded.classes.length;
    const posterior = new Float64Array(encoded.items.length * K);
    for (let i = 0; i < encoded.items.length; i++) {
        if (encoded.gold[i] >= 0) {
            posterior[i * K + encoded.gold[i]] = 1;
        } else {
            posterior.set(calibratedRow(fit.logPrior, fit.evidence.subarray(i * K, (i + 1) * K), noCalibration), i * K);
        }
    }
    return posterior;
}

/**
 * Every labeler's prior confusion matrix: the crowd's as a whole (the labelers' soft counts pooled over everyone,
 * smoothed by `priorAccuracy`), worth `priorStrength` answers per row — a labeler seen a few times
 * is taken to be like the crowd, biases included, until their own answers say otherwise.
 */
function crowdPrior(workerCounts: Float64Array, K: number, priorAccuracy: number, priorStrength: number): Float64Array {
    const KK = K * K;
    const pooled = new Float64Array(KK);
    for (let k = 0; k < K; k++) {
        for (let l = 0; l < K; l++) {
            pooled[k * K + l] = k === l ? priorAccuracy : (1 - priorAccuracy) / Math.max(1, K - 1);
        }
    }
    for (let j = 0; j < workerCounts.length; j++) {
        pooled[j % KK] += workerCounts[j];
    }
    for (let k = 0; k < K; k++) {
        let sum = 0;
        for (let l = 0; l < K; l++) {
            sum += pooled[k * K + l];
        }
        for (let l = 0; l < K; l++) {
            pooled[k * K + l] *= priorStrength / sum;
        }
    }
    return pooled;
}

function leaveOneOutEvidence(encoded: EncodedAnswers, soft: Float64Array, options: CalibrationOptions): LeaveOneOut {
    const { priorAccuracy = 0.7, priorStrength = 4 } = options;
    const K = encoded.classes.length;
    const KK = K * K;
    const W = encoded.workers.length;
    const I = encoded.items.length;
    const { itemOf, workerOf, labelOf } = encoded;
    const counts = new Float64Array(W * KK);
    for (let a = 0; a < itemOf.length; a++) {
        const s = itemOf[a] * K;
        const base = workerOf[a] * KK + labelOf[a];
        for (let k = 0; k < K; k++) {
            counts[base + k * K] += soft[s + k];
        }
    }
    const prior = crowdPrior(counts, K, priorAccuracy, priorStrength);
    const rows = new Float64Array(W * K);
    for (let j = 0; j < counts.length; j++) {
        counts[j] += prior[j % KK];
        rows[Math.floor(j / K)] += counts[j];
    }
    const logPrior = new Float64Array(K);
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            logPrior[k] += soft[i * K + k];
        }
    }
    for (let k = 0; k < K; k++) {
        logPrior[k] = Math.log((logPrior[k] + 1) / (I + K));
    }
    const evidence = new Float64Array(I * K);
    addLeftOutEvidence(encoded, soft, counts, rows, evidence);
    return { logPrior, evidence, counts, rows };
}

/** Counts from which the third-order form of leaving one item out is used (error < 4e-4 per answer). */
const LARGE_COUNT = 5;

/**
 * evidence[i][k] += log((C[w][k][l] − s_ik) / (R[w][k] − s_ik)) for every answer (worker w said l on
 * item i, whose soft label is s_i). For counts ≥ LARGE_COUNT, the series log C/R − Σ_{n≤3} sⁿ(C⁻ⁿ − R⁻ⁿ)/n
 * with its coefficients precomputed per cell: a million answers need no logarithm each.
 */
function addLeftOutEvidence(
    encoded: EncodedAnswers,
    soft: Float64Array,
    counts: Float64Array,
    rows: Float64Array,
    evidence: Float64Array,
): void {
    const K = encoded.classes.length;
    const KK = K * K;
    const logTheta = new Float64Array(counts.length);
    const series = new Float64Array(counts.length * 3);
    const exact = new Uint8Array(counts.length);
    for (let j = 0; j < counts.length; j++) {
        const c = counts[j];
        const r = rows[Math.floor(j / KK) * K + Math.floor((j % KK) / K)];
        logTheta[j] = Math.log(c / r);
        exact[j] = c < LARGE_COUNT ? 1 : 0;
        for (let n = 1; n <= 3; n++) {
            series[j * 3 + n - 1] = (c ** -n - r ** -n) / n;
        }
    }
    const { itemOf, workerOf, labelOf } = encoded;
    for (let a = 0; a < itemOf.length; a++) {
        const s = itemOf[a] * K;
        const base = workerOf[a] * KK + labelOf[a];
        for (let k = 0; k < K; k++) {
            const cell = base + k * K;
            const x = soft[s + k];
            evidence[s + k] += exact[cell]
                ? Math.log((counts[cell] - x) / (rows[workerOf[a] * K + k] - x))
                : logTheta[cell] - x * (series[cell * 3] + x * (series[cell * 3 + 1] + x * series[cell * 3 + 2]));
        }
    }
}

/**
 * The temperature that best predicts each answer from the item's other answers (log-likelihood of
 * held-out answers over a grid in (0, 1]); 1 when answers behave as independent as the model assumes.
 */
function fitTemperature(encoded: EncodedAnswers, soft: Float64Array, fit: LeaveOneOut): number {
    const K = encoded.classes.length;
    const KK = K * K;
    const { itemOf, workerOf, labelOf } = encoded;
    const stride = Math.max(1, Math.ceil(itemOf.length / TEMPERATURE_SAMPLE));
    const grid = Array.from({ length: 20 }, (_, g) => 1 - g * 0.05);
    const logLikelihood = new Float64Array(grid.length);
    const theta = new Float64Array(K);
    const cavity = new Float64Array(K);
    for (let a = 0; a < itemOf.length; a += stride) {
        const s = itemOf[a] * K;
        const base = workerOf[a] * KK + labelOf[a];
        for (let k = 0; k < K; k++) {
            theta[k] = (fit.counts[base + k * K] - soft[s + k]) / (fit.rows[workerOf[a] * K + k] - soft[s + k]);
            cavity[k] = fit.evidence[s + k] - Math.log(theta[k]);
        }
        grid.forEach((t, g) => {
            let max = -Infinity;
            for (let k = 0; k < K; k++) {
                max = Math.max(max, fit.logPrior[k] + t * cavity[k]);
            }
            let sum = 0;
            let predicted = 0;
            for (let k = 0; k < K; k++) {
                const p = Math.exp(fit.logPrior[k] + t * cavity[k] - max);
                sum += p;
                predicted += p * theta[k];
            }
            logLikelihood[g] += Math.log(predicted / sum);
        });
    }
    let best = 0;
    for (let g = 1; g < grid.length; g++) {
        if (logLikelihood[g] > logLikelihood[best]) {
            best = g;
        }
    }
    return grid[best];
}
