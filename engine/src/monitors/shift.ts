/**
 * Covariate shift between a training reference and new data.
 * - PSI (population stability index): Σ (cur − ref) · ln(cur / ref) over bins cut at the
 *   reference's deciles; rule of thumb < 0.1 stable, 0.1–0.25 moderate, > 0.25 major shift.
 * - KS: the two-sample Kolmogorov–Smirnov statistic, the largest gap between the two empirical
 *   distribution functions, in [0, 1].
 * Vectors (featurized text, embeddings) are compared one projected dimension at a time and the
 * worst dimension is reported, so a shift along any direction shows up.
 * Small samples inflate PSI (its expected value without any shift is about (bins − 1)(1/n₁ + 1/n₂),
 * ~0.16 for 100 vs 100 items), so thresholds like 0.1/0.25 are meant for hundreds of items or more.
 */
import type { FeatureMatrix } from '../data/feature-matrix.js';
import { PROJECTED_DIMS, projectRows } from '../learning/k-center.js';

export type ShiftMetric = 'psi' | 'ks';
export type MonitorLevel = 'ok' | 'warn' | 'alert';

export interface ShiftThresholds {
    warn?: number;
    alert?: number;
}

export interface ShiftResult {
    metric: ShiftMetric;
    value: number;
    level: MonitorLevel;
    /** For vectors: the projected dimension with the largest shift. */
    dimension?: number;
}

const EPSILON = 1e-4;

/** PSI of `current` against `reference` with `bins` quantile bins of the reference. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10): number {
    if (reference.length === 0 || current.length === 0) {
        throw new Error('PSI needs values in both the reference and the current data');
    }
    const sorted = Float64Array.from(reference).sort();
    const edges: number[] = [];
    for (let b = 1; b < bins; b++) {
        const edge = sorted[Math.floor((b * sorted.length) / bins)];
        if (edges.length === 0 || edge > edges[edges.length - 1]) {
            edges.push(edge);
        }
    }
    const histogram = (values: ArrayLike<number>) => {
        const counts = new Float64Array(edges.length + 1);
        for (let i = 0; i < values.length; i++) {
            let lo = 0;
            let hi = edges.length;
            while (lo < hi) {
                const mid = (lo + hi) >> 1;
                if (values[i] < edges[mid]) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            counts[lo]++;
        }
        return counts.map((c) => Math.max(c / values.length, EPSILON));
    };
    const ref = histogram(reference);
    const cur = histogram(current);
    let sum = 0;
    for (let b = 0; b < ref.length; b++) {
        sum += (cur[b] - ref[b]) * Math.log(cur[b] / ref[b]);
    }
    return sum;
}

/** Two-sample KS statistic: max |F_ref(x) − F_cur(x)|. */
export function ks(reference: ArrayLike<number>, current: ArrayLike<number>): number {
    if (reference.length === 0 || current.length === 0) {
        throw new Error('KS needs values in both the reference and the current data');
    }
    const a = Float64Array.from(reference).sort();
    const b = Float64Array.from(current).sort();
    let i = 0;
    let j = 0;
    let gap = 0;
    while (i < a.length && j < b.length) {
        const x = Math.min(a[i], b[j]);
        while (i < a.length && a[i] <= x) {
            i++;
        }
        while (j < b.length && b[j] <= x) {
            j++;
        }
        gap = Math.max(gap, Math.abs(i / a.length - j / b.length));
    }
    return gap;
}

export function levelOf(value: number, thresholds: ShiftThresholds): MonitorLevel {
    if (thresholds.alert !== undefined && value > thresholds.alert) {
        return 'alert';
    }
    if (thresholds.warn !== undefined && value > thresholds.warn) {
        return 'warn';
    }
    return 'ok';
}

export function shiftOfValues(
    metric: ShiftMetric,
    reference: ArrayLike<number>,
    current: ArrayLike<number>,
    thresholds: ShiftThresholds = {},
): ShiftResult {
    const value = metric === 'psi' ? psi(reference, current) : ks(reference, current);
    return { metric, value, level: levelOf(value, thresholds) };
}

/** Shift of feature vectors: the worst of the per-dimension statistics after a shared projection. */
export function shiftOfVectors(
    metric: ShiftMetric,
    reference: FeatureMatrix,
    current: FeatureMatrix,
    thresholds: ShiftThresholds = {},
    seed = 1,
): ShiftResult {
    if (reference.dims !== current.dims) {
        throw new Error(`shift: reference has ${reference.dims} dimensions but the current data ${current.dims}`);
    }
    const dims = Math.min(reference.dims, PROJECTED_DIMS);
    const ref = projectRows(reference, PROJECTED_DIMS, seed);
    const cur = projectRows(current, PROJECTED_DIMS, seed);
    let worst: ShiftResult = { metric, value: 0, level: 'ok', dimension: 0 };
    const column = (data: Float32Array, d: number) => {
        const rows = data.length / dims;
        const out = new Float64Array(rows);
        for (let r = 0; r < rows; r++) {
            out[r] = data[r * dims + d];
        }
        return out;
    };
    for (let d = 0; d < dims; d++) {
        const r = shiftOfValues(metric, column(ref, d), column(cur, d), thresholds);
        if (r.value > worst.value) {
            worst = { ...r, dimension: d };
        }
    }
    return worst;
}
