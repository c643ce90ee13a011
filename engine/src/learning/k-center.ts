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
 */
export function kCenterGreedy(points: Float32Array, dims: number, candidates: readonly number[], centers: readonly number[], k: number, rng: Rng): KCenterPick[] {
    const n = candidates.length;
    const picks: KCenterPick[] = [];
    if (n === 0 || k <= 0) return picks;
    const minDistance = new Float64Array(n).fill(Infinity);
    const cand = Int32Array.from(candidates);
    const update = (center: number) => {
        const ic = center * dims;
        for (let i = 0; i < n; i++) {
            if (minDistance[i] === 0) continue;
            const ia = cand[i] * dims;
            let sum = 0;
            for (let d = 0; d < dims; d++) {
                const diff = points[ia + d] - points[ic + d];
                sum += diff * diff;
            }
            if (sum < minDistance[i]) minDistance[i] = sum;
        }
    };
    for (const center of centers) update(center);
    const taken = new Uint8Array(n);
    if (centers.length === 0) {
        const first = Math.floor(rng() * n);
        picks.push({ position: cand[first], distance: Infinity });
        taken[first] = 1;
        minDistance[first] = 0;
        update(cand[first]);
    }
    while (picks.length < Math.min(k, n)) {
        let best = -1;
        let bestDistance = -1;
        for (let i = 0; i < n; i++) {
            if (!taken[i] && minDistance[i] > bestDistance) {
                bestDistance = minDistance[i];
                best = i;
            }
        }
        if (best < 0) break;
        taken[best] = 1;
        picks.push({ position: cand[best], distance: Math.sqrt(bestDistance) });
        minDistance[best] = 0;
        update(cand[best]);
    }
    return picks;
}
