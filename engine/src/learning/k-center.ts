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
    if (x.dims <= outDims) {
        return x.denseRows(0, x.rows);
    }
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
            for (let j = 0; j < spread; j++) {
                out[base + targets[d + j]] += signs[d + j] * x.values[k];
            }
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
    if (n === 0 || k <= 0) {
        return picks;
    }
    // The candidates' points, contiguous, so full scans read memory in order.
    const own = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) {
        own.set(points.subarray(candidates[i] * dims, (candidates[i] + 1) * dims), i * dims);
    }
    // Squared distance to the nearest center; −1 marks a candidate already picked.
    const minDistance = new Float64Array(n).fill(Infinity);
    if (covered) {
        for (let i = 0; i < n; i++) {
            minDistance[i] = covered[candidates[i]];
        }
    }
    const center = new Float64Array(dims);
    for (const c of centers) {
        center.set(points.subarray(c * dims, (c + 1) * dims));
        lowerDistances(own, dims, center, minDistance);
    }
    if (centers.length === 0 && !minDistance.some(Number.isFinite)) {
        const first = Math.floor(rng() * n);
        picks.push({ position: candidates[first], distance: Infinity });
        minDistance[first] = -1;
        center.set(own.subarray(first * dims, (first + 1) * dims));
        lowerDistances(own, dims, center, minDistance);
    }
    // Lazy farthest-first: distances only shrink as centers are added, so a stale distance is an
    // upper bound. Keep candidates in a max-heap by (possibly stale) distance; bring the top up to
    // date against the centers added since it was last measured; once the top is current it is the
    // true farthest. Most candidates are far from each new center and never need re-measuring.
    const heap = new LazyMaxHeap(minDistance);
    const measured = new Int32Array(n); // how many of `added` each candidate has been measured against
    const added: number[] = []; // picks made below, as candidate indices
    while (picks.length < Math.min(k, n) && heap.size > 0) {
        const top = heap.top();
        if (measured[top] < added.length) {
            let best = minDistance[top];
            for (let a = measured[top]; a < added.length; a++) {
                const d = squaredDistance(own, dims, top, added[a]);
                if (d < best) {
                    best = d;
                }
            }
            measured[top] = added.length;
            minDistance[top] = best;
            heap.fixTop();
            continue;
        }
        heap.pop();
        picks.push({ position: candidates[top], distance: Math.sqrt(minDistance[top]) });
        minDistance[top] = -1;
        added.push(top);
    }
    return picks;
}

function squaredDistance(own: Float32Array, dims: number, a: number, b: number): number {
    const ia = a * dims;
    const ib = b * dims;
    let sum = 0;
    for (let d = 0; d < dims; d++) {
        const x = own[ia + d] - own[ib + d];
        sum += x * x;
    }
    return sum;
}

/** A binary max-heap of indices ordered by `keys[index]` (ties: lower index first), for keys that only decrease. */
class LazyMaxHeap {
    private readonly items: Int32Array;
    size: number;

    constructor(private readonly keys: Float64Array) {
        const live: number[] = [];
        for (let i = 0; i < keys.length; i++) {
            if (keys[i] >= 0) {
                live.push(i);
            }
        }
        this.items = Int32Array.from(live);
        this.size = live.length;
        for (let i = (this.size >> 1) - 1; i >= 0; i--) {
            this.siftDown(i);
        }
    }

    top(): number {
        return this.items[0];
    }

    pop(): number {
        const top = this.items[0];
        this.size--;
        this.items[0] = this.items[this.size];
        this.siftDown(0);
        return top;
    }

    /** Restores order after the top's key decreased. */
    fixTop(): void {
        this.siftDown(0);
    }

    private before(a: number, b: number): boolean {
        const ka = this.keys[a];
        const kb = this.keys[b];
        return ka > kb || (ka === kb && a < b);
    }

    private siftDown(i: number): void {
        const items = this.items;
        for (;;) {
            const left = 2 * i + 1;
            if (left >= this.size) {
                return;
            }
            const right = left + 1;
            const child = right < this.size && this.before(items[right], items[left]) ? right : left;
            if (!this.before(items[child], items[i])) {
                return;
            }
            [items[i], items[child]] = [items[child], items[i]];
            i = child;
        }
    }
}

/** minDistance[i] = min(minDistance[i], |own_i − center|²) for every candidate not yet picked. This loop is the whole cost. */
function lowerDistances(own: Float32Array, dims: number, center: Float64Array, minDistance: Float64Array): void {
    const n = minDistance.length;
    const wide = dims - (dims % 4);
    for (let i = 0; i < n; i++) {
        const best = minDistance[i];
        if (best <= 0) {
            continue;
        }
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
        if (sum < best) {
            minDistance[i] = sum;
        }
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
