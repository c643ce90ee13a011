/**
 * The next train items worth labeling, from a learning workspace: the current model's scores over
 * every unlabeled train item (when a model exists), then the batch (uncertainty with k-center
 * diversity, or k-center alone on a cold start). `dprog sample` prints it; the VS Code extension
 * computes it in-process once per store state and shares it between its panels.
 *
 * The pool's scores (every candidate's score under the same rule the batch is chosen by) come from
 * the same pass, so a histogram of the pool needs no second sampling run.
 */
import { projectRows } from './k-center.js';
import type { LearningWorkspace } from './learning-workspace.js';
import { scoreModel } from './scoring.js';
import { selectBatch, type PickReason } from './select-batch.js';
import type { SessionCache } from './session-cache.js';
import { uncertainty } from './uncertainty.js';

export interface SampledItem {
    key: string;
    score: number;
    split: string;
    reason: PickReason;
}

export interface NextSample {
    task: string;
    strategy: string;
    coldStart: boolean;
    /** The model file scored with, or null on a cold start. */
    model: string | null;
    diversity: number;
    /** Train items with a person's (or aggregated) label. */
    labeled: number;
    /** Unlabeled train items the batch was chosen from. */
    candidates: number;
    items: SampledItem[];
}

export interface NextSampleWithPool extends NextSample {
    /** Every candidate's score (uncertainty under the strategy), or null on a cold start or with `random`. */
    poolScores: number[] | null;
}

export interface SampleOptions {
    /** Batch size (default: the learn block's batch). */
    n?: number;
    /** Random seed (default: the learn block's seed). */
    seed?: number;
    /** Dense projected points of the workspace's features, when the caller keeps them between calls. */
    points?: Float32Array;
}

/** Scores the pool with the current model and chooses the batch. */
export async function sampleNext(ws: LearningWorkspace, sessions: SessionCache, options: SampleOptions = {}): Promise<NextSampleWithPool> {
    const learn = ws.program.learn;
    const seed = options.seed ?? learn.seed;
    const candidates = ws.splits.flatMap((s, i) => (s === 'train' && !ws.known.has(i) ? [i] : []));
    const classes = ws.program.labels.length;
    let probabilities: Float32Array | undefined;
    if (ws.modelPath) {
        const scores = await scoreModel(sessions, ws.modelPath, ws.features.select(candidates));
        // Scatter the candidates' probabilities back to row positions.
        probabilities = new Float32Array(ws.items.length * scores.classes);
        candidates.forEach((r, i) =>
            probabilities!.set(scores.values.subarray(i * scores.classes, (i + 1) * scores.classes), r * scores.classes),
        );
    }
    const picks = selectBatch({
        candidates,
        labeled: [...ws.known.keys()],
        points: options.points ?? projectedPoints(ws, seed),
        pointDims: Math.min(ws.features.dims, 64),
        probabilities,
        classes: probabilities ? classes : undefined,
        strategy: learn.strategy,
        diversity: learn.diversity,
        size: options.n ?? learn.batch,
        seed,
    });
    const strategy = learn.strategy;
    const poolScores =
        probabilities && strategy !== 'random'
            ? candidates.map((r) => round(uncertainty(strategy, probabilities!.subarray(r * classes, (r + 1) * classes))))
            : null;
    return {
        task: ws.program.task,
        strategy,
        coldStart: !ws.modelPath,
        model: ws.modelPath ?? null,
        diversity: learn.diversity,
        labeled: ws.known.size,
        candidates: candidates.length,
        items: picks.map((p) => ({ key: ws.items[p.position].key, score: round(p.score), split: ws.splits[p.position], reason: p.reason })),
        poolScores,
    };
}

/** The dense points k-center measures distances in (a seeded projection of the features). */
export function projectedPoints(ws: Pick<LearningWorkspace, 'features'>, seed: number): Float32Array {
    return projectRows(ws.features, undefined, seed);
}

function round(n: number): number {
    return Number(n.toFixed(6));
}
