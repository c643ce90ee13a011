/**
 * Uncertainty scores of a classifier's probabilities; higher means more worth labeling.
 * All are in [0, 1] so they read the same in `dprog sample` output whatever the strategy.
 */
export type SamplingStrategy = 'least_confidence' | 'margin' | 'entropy' | 'random';

export const SAMPLING_STRATEGIES: readonly SamplingStrategy[] = ['least_confidence', 'margin', 'entropy', 'random'];

/** One item's uncertainty from its class probabilities `p` (length = classes). */
export function uncertainty(strategy: Exclude<SamplingStrategy, 'random'>, p: ArrayLike<number>): number {
    let first = 0;
    let second = 0;
    let entropy = 0;
    for (let c = 0; c < p.length; c++) {
        const v = p[c];
        if (v > first) {
            second = first;
            first = v;
        } else if (v > second) {
            second = v;
        }
        if (v > 0) {
            entropy -= v * Math.log(v);
        }
    }
    switch (strategy) {
        case 'least_confidence':
            return 1 - first;
        case 'margin':
            return 1 - (first - second);
        case 'entropy':
            return p.length > 1 ? entropy / Math.log(p.length) : 0;
    }
}

/** Uncertainty of every row of a row-major [rows, classes] probability matrix. */
export function uncertainties(strategy: Exclude<SamplingStrategy, 'random'>, probabilities: Float32Array, classes: number): Float64Array {
    const rows = probabilities.length / classes;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
        out[r] = uncertainty(strategy, probabilities.subarray(r * classes, (r + 1) * classes));
    }
    return out;
}
