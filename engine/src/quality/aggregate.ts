/** One entry point for categorical aggregation: pick the method by name. */
import type { EncodedAnswers } from './answers.js';
import { calibratePosterior, type CalibrationOptions } from './calibrated-posterior.js';
import { dawidSkene } from './dawid-skene.js';
import type { EmOptions } from './em.js';
import { mace } from './mace.js';
import { majorityVote } from './majority.js';
import { oneCoin } from './one-coin.js';
import type { AggregationMethod, AggregationResult } from './result.js';
import { wawa } from './wawa.js';

export const aggregationMethods: readonly AggregationMethod[] = ['majority', 'dawid_skene', 'one_coin', 'wawa', 'mace'];

export function isAggregationMethod(name: string): name is AggregationMethod {
    return (aggregationMethods as readonly string[]).includes(name);
}

export interface AggregateOptions extends EmOptions, CalibrationOptions {
    /** Report the method's own posterior instead of calibrated confidences (for comparison only). */
    uncalibrated?: boolean;
}

/**
 * Aggregates with the named method: its labels (majority's ties stay ties), with calibrated
 * confidences — the probability of that label under the calibrated posterior
 * (calibrated-posterior.ts; of a tie: the tied classes' mean). The items `encoded.gold` fixes are
 * the planted gold questions the calibration learns its floor from.
 */
export function aggregate(method: AggregationMethod, encoded: EncodedAnswers, options: AggregateOptions = {}): AggregationResult {
    const fitted = fitMethod(method, encoded, options);
    if (options.uncalibrated) {
        return fitted;
    }
    const { posterior, calibration } = calibratePosterior(encoded, fitted.posterior, options);
    const K = encoded.classes.length;
    const classId = new Map(encoded.classes.map((c, k) => [c, k]));
    const items = fitted.items.map((item, i) => {
        const chosen = item.tie ?? [item.label!];
        const confidence = chosen.reduce((sum, c) => sum + posterior[i * K + classId.get(c)!], 0) / chosen.length;
        return { ...item, confidence };
    });
    return { ...fitted, posterior, items, calibration };
}

function fitMethod(method: AggregationMethod, encoded: EncodedAnswers, options: EmOptions): AggregationResult {
    switch (method) {
        case 'majority':
            return majorityVote(encoded);
        case 'dawid_skene':
            return dawidSkene(encoded, options);
        case 'one_coin':
            return oneCoin(encoded, options);
        case 'wawa':
            return wawa(encoded);
        case 'mace':
            return mace(encoded, { maxIterations: options.maxIterations, tolerance: options.tolerance });
    }
}
