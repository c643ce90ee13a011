/**
 * How good are the labels, without the gold column? If confidences are calibrated, the expected
 * share of right labels is their mean. The 90% interval adds the two things that mean hides:
 * - sampling: which items happen to be right is a sum of independent Bernoullis (Poisson-binomial),
 *   standard deviation √(Σ p(1 − p)) / n;
 * - the floor (the share of items on which the crowd is misled), known only as well as the planted
 *   gold questions pin it down: the mean is recomputed at the floor's 5% and 95% quantiles.
 * The interval is [mean at the high floor − 1.645·sd, mean at the low floor + 1.645·sd].
 */
import { floorConfidence, unfloorConfidence, type Calibration } from './calibration.js';

export interface AccuracyEstimate {
    /** Expected share of right labels: the mean calibrated confidence. */
    estimatedAccuracy: number;
    /** 90% interval [lo, hi] of the share of right labels. */
    accuracyInterval: [number, number];
    /** Items the estimate covers (labelled items, gold questions left out). */
    items: number;
    /** Planted gold questions the floor was learned from. */
    goldQuestions: number;
}

const Z90 = 1.6448536269514722;

/**
 * `confidences`: each labelled item's calibrated confidence (a tie: its confidence; an item with no
 * answers: 1/K). `K`: number of classes.
 */
export function estimateAccuracy(confidences: readonly number[], calibration: Calibration, K: number): AccuracyEstimate {
    const n = confidences.length;
    if (n === 0) {
        return { estimatedAccuracy: NaN, accuracyInterval: [0, 1], items: 0, goldQuestions: calibration.gold.questions };
    }
    let mean = 0;
    let variance = 0;
    let atLow = 0;
    let atHigh = 0;
    const [low, high] = calibration.floorRange;
    for (const p of confidences) {
        mean += p;
        variance += p * (1 - p);
        const raw = unfloorConfidence(p, calibration.floor, K);
        atLow += floorConfidence(raw, low, K);
        atHigh += floorConfidence(raw, high, K);
    }
    const sd = Math.sqrt(variance) / n;
    const clamp = (x: number) => Math.min(1, Math.max(0, x));
    return {
        estimatedAccuracy: mean / n,
        accuracyInterval: [clamp(Math.min(atHigh, mean) / n - Z90 * sd), clamp(Math.max(atLow, mean) / n + Z90 * sd)],
        items: n,
        goldQuestions: calibration.gold.questions,
    };
}

/** True only when the evidence says so: the interval's lower end reaches the target. */
export function targetReached(estimate: AccuracyEstimate, target: number): boolean {
    return estimate.items > 0 && estimate.accuracyInterval[0] >= target;
}
