/** What every aggregation method returns. */
import type { Calibration } from './calibration.js';

export type AggregationMethod = 'majority' | 'dawid_skene' | 'one_coin' | 'wawa' | 'mace';

export interface ItemAggregate {
    item: string;
    /** The aggregated label; null when the top classes tie (majority reports ties, it never breaks them). */
    label: string | null;
    /** Posterior probability that `label` is right (for a tie: the tied classes' shared probability). */
    confidence: number;
    /** The classes that tie for first place, when there is a tie. */
    tie?: string[];
    /** Whether the label was known (gold) and fixed rather than estimated. */
    gold?: boolean;
}

export interface WorkerEstimate {
    worker: string;
    /** Estimated probability that this worker's answer is right (weighted by class frequency). */
    accuracy: number;
    /** Number of answers the estimate rests on. */
    answers: number;
    /** Row-stochastic confusion matrix [true class][answered class], when the method estimates one. */
    confusion?: number[][];
}

export interface AggregationResult {
    method: AggregationMethod;
    classes: string[];
    items: ItemAggregate[];
    workers: WorkerEstimate[];
    /** Per item × class posterior, row-major (items.length × classes.length). */
    posterior: Float64Array;
    /** Estimated class frequencies. */
    classPriors: number[];
    /** EM iterations run (iterative methods only). */
    iterations?: number;
    converged?: boolean;
    /** How the confidences were calibrated (every method but majority, whose confidence is the vote share). */
    calibration?: Calibration;
}
