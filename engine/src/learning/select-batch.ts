/**
 * Choosing the next batch to label. With a model: the most uncertain candidates under the
 * strategy fill (1 − diversity) of the batch and k-center picks fill the rest, measured from
 * everything labeled or already chosen. Before any model exists (cold start) the whole batch is
 * chosen by k-center over the featurized inputs, so the first labels already cover the data.
 */
import { kCenterGreedy } from './k-center.js';
import { seededRng, shuffled } from './random.js';
import { uncertainty, type SamplingStrategy } from './uncertainty.js';

export interface BatchRequest {
    /** Row positions that may be chosen (train bucket, not yet labeled). */
    candidates: readonly number[];
    /** Row positions already labeled: k-center treats them as covered. */
    labeled: readonly number[];
    /** Optional: squared distances of every row to the labeled rows, kept by the caller (then `labeled` is not re-measured). */
    covered?: Float64Array;
    /** Dense [rows, dims] points for k-center (see projectRows). */
    points: Float32Array;
    pointDims: number;
    /** Row-major [rows, classes] probabilities of the current model; absent before the first model. */
    probabilities?: Float32Array;
    classes?: number;
    strategy: SamplingStrategy;
    /** Share of the batch chosen for coverage, in [0, 1]. */
    diversity: number;
    size: number;
    seed: number;
}

export type PickReason = 'uncertainty' | 'diversity' | 'random' | 'cold_start';

export interface BatchPick {
    position: number;
    /** Higher = more valuable: the uncertainty under the strategy, or the coverage distance on a cold start. */
    score: number;
    reason: PickReason;
}

export function selectBatch(request: BatchRequest): BatchPick[] {
    const { candidates, probabilities, strategy } = request;
    const size = Math.min(request.size, candidates.length);
    const rng = seededRng(request.seed);
    if (size <= 0) {
        return [];
    }
    if (!probabilities || !request.classes) {
        const picks = request.covered
            ? kCenterGreedy(request.points, request.pointDims, candidates, [], size, rng, request.covered)
            : kCenterGreedy(request.points, request.pointDims, candidates, request.labeled, size, rng);
        const maxFinite = picks.reduce((max, p) => (Number.isFinite(p.distance) ? Math.max(max, p.distance) : max), 1e-12);
        return picks.map((p) => ({
            position: p.position,
            score: Number.isFinite(p.distance) ? p.distance / maxFinite : 1,
            reason: 'cold_start',
        }));
    }
    const classes = request.classes;
    const score = (position: number) =>
        strategy === 'random' ? 0 : uncertainty(strategy, probabilities.subarray(position * classes, (position + 1) * classes));
    const diverse = Math.round(size * Math.min(1, Math.max(0, request.diversity)));
    const focused = size - diverse;
    let first: BatchPick[];
    if (strategy === 'random') {
        first = shuffled(candidates, rng)
            .slice(0, focused)
            .map((position) => ({ position, score: 0, reason: 'random' as const }));
    } else {
        first = candidates
            .map((position) => ({ position, score: score(position), reason: 'uncertainty' as const }))
            .sort((a, b) => b.score - a.score || a.position - b.position)
            .slice(0, focused);
    }
    if (diverse === 0) {
        return first;
    }
    const chosen = new Set(first.map((p) => p.position));
    const rest = candidates.filter((p) => !chosen.has(p));
    const centers = request.covered ? [...chosen] : [...request.labeled, ...chosen];
    const second = kCenterGreedy(request.points, request.pointDims, rest, centers, diverse, rng, request.covered).map((p) => ({
        position: p.position,
        score: score(p.position),
        reason: 'diversity' as const,
    }));
    return [...first, ...second];
}
