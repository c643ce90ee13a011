/**
 * Greedy k-center (farthest-first traversal) for batch diversity: repeatedly pick the candidate
 * farthest from everything already labeled or chosen, so a batch covers the input space instead of
 * piling up near one decision boundary. A 2-approximation of the optimal k-center cover; cost is
 * O((centers + k) × candidates × dims). High-dimensional sparse features are first projected to a
 * few dozen dense dimensions (random signs; Johnson–Lindenstrauss keeps distances roughly intact).
 */
import type { FeatureMatrix } from '../data/feature-matrix.js';
import type { Rng } from './random.js';
import { seededRng } from './random.js';

export const PROJECTED_DIMS = 64;

/** Dense [rows, outDims] points: the matrix itself when narrow enough, else a seeded random-sign projection. */
export function projectRows(x: FeatureMatrix, outDims = PROJECTED_DIMS, seed = 1): Float32Array {
    if (x.dims <= outDims) return x.denseRows(0, x.rows);
    const rng = seededRng(seed);
    // Each input dimension adds ±1/sqrt(outDims) to 4 output dimensions (a sparse projection).
    const spread = 4;
    const targets = new Int32Array(x.dims * spread);
    const signs = new Float32Array(x.dims * spread);
    const scale = 1 / Math.sqrt(spread);
    for (let i = 0; i < targets.length; i++) {
        targets[i] = Math.floor(rng() * outDims);
        signs[i] = rng() < 0.5 ? -scale : scale;
    }
    const out = new Float32Array(x.rows * outDims);
    for (let r = 0; r < x.rows; r++) {
        const base = r * outDims;
        for (let k = x.rowStart[r]; k < x.rowStart[r + 1]; k++) {
            const d = x.indices[k] * spread;
            for (let j = 0; j < spread; j++) out[base + targets[d + j]] += signs[d + j] * x.values[k];
        }
    }
    return out;
}

export interface KCenterPick {
    position: number;
    /** Distance to the nearest center when picked (how much new ground the item covers). */
    distance: number;
}

/**
 * Picks `k` of `candidates` (row positions in `points`) by farthest-first traversal, starting from
 * the `centers` already covered (e.g. labeled items). With no centers the first pick is random.
 * `covered`, when given, holds every row's squared distance to centers handled earlier (see
 * Coverage), so a loop does not re-measure against all labeled items every round.
 */
export function kCenterGreedy(
    points: Float32Array,
    dims: number,
    candidates: readonly number[],
    centers: readonly number[],
    k: number,
    rng: Rng,
    covered?: Float64Array,
): KCenterPick[] {
    const n = candidates.length;
    const picks: KCenterPick[] = [];
    if (n === 0 || k <= 0) return picks;
    // The candidates' points, contiguous, so the scan below reads memory in order.
    const own = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) own.set(points.subarray(candidates[i] * dims, (candidates[i] + 1) * dims), i * dims);
    // Squared distance to the nearest center; −1 marks a candidate already picked.
    const minDistance = new Float64Array(n).fill(Infinity);
    if (covered) for (let i = 0; i < n; i++) minDistance[i] = covered[candidates[i]];
    const center = new Float64Array(dims);
    for (const c of centers) {
        center.set(points.subarray(c * dims, (c + 1) * dims));
        lowerDistances(own, dims, center, minDistance);
    }
    const take = (i: number, distance: number) => {
        picks.push({ position: candidates[i], distance });
        minDistance[i] = -1;
        center.set(own.subarray(i * dims, (i + 1) * dims));
        lowerDistances(own, dims, center, minDistance);
    };
    if (centers.length === 0 && !minDistance.some(Number.isFinite)) take(Math.floor(rng() * n), Infinity);
    while (picks.length < Math.min(k, n)) {
        let best = -1;
        let bestDistance = -1;
        for (let i = 0; i < n; i++) {
            if (minDistance[i] > bestDistance) {
                bestDistance = minDistance[i];
                best = i;
            }
        }
        if (best < 0) break;
        take(best, Math.sqrt(bestDistance));
    }
    return picks;
}

/** minDistance[i] = min(minDistance[i], |own_i − center|²) for every candidate not yet picked. This loop is the whole cost. */
function lowerDistances(own: Float32Array, dims: number, center: Float64Array, minDistance: Float64Array): void {
    const n = minDistance.length;
    const wide = dims - (dims % 4);
    for (let i = 0; i < n; i++) {
        const best = minDistance[i];
        if (best <= 0) continue;
        const base = i * dims;
        // Four running sums let the CPU overlap the multiply-adds.
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let d = 0;
        for (; d < wide; d += 4) {
            const x0 = own[base + d] - center[d];
            const x1 = own[base + d + 1] - center[d + 1];
            const x2 = own[base + d + 2] - center[d + 2];
            const x3 = own[base + d + 3] - center[d + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; d < dims; d++) {
            const x = own[base + d] - center[d];
            s0 += x * x;
        }
        const sum = s0 + s1 + s2 + s3;
        if (sum < best) minDistance[i] = sum;
    }
}

/** Every row's squared distance to the nearest of the centers added so far, kept up to date incrementally. */
export class Coverage {
    readonly distances: Float64Array;
    private readonly center: Float64Array;

    constructor(
        private readonly points: Float32Array,
        private readonly dims: number,
    ) {
        this.distances = new Float64Array(points.length / dims).fill(Infinity);
        this.center = new Float64Array(dims);
    }

    add(rows: Iterable<number>): void {
        for (const r of rows) {
            this.center.set(this.points.subarray(r * this.dims, (r + 1) * this.dims));
            lowerDistances(this.points, this.dims, this.center, this.distances);
        }
    }
}
