/**
 * Redundancy and cost estimates for a task: the answers the router will ask for, in the order it
 * asks (mirroring engine/src/routing/router.ts), fed to the analytic estimator.
 */
import { estimateRedundancy, type Answerer, type RedundancyEstimate } from '../../../engine/src/routing/redundancy.js';
import type { PlanQuality, PlanRedundancy, PlanRouteStage } from '../../../engine/src/plan/types.js';

export interface TaskEstimate {
    redundancy: PlanRedundancy;
    /** Expected money per item, gold overhead included. */
    perItem: number;
    /** Money per item when every answer up to the limit is bought. */
    maxPerItem: number;
}

/**
 * The sequence of answerers for one item. `cascade`: each labeler once in route order, then the
 * remaining people of the pools from the last labeler backwards. `best`: stages are already ranked,
 * and each labeler's whole pool is used before the next. Human answers carry the gold overhead:
 * a share `gold` of human work is known-answer questions, so each real answer costs 1/(1-gold).
 */
export function answerSequence(strategy: 'cascade' | 'best', stages: readonly PlanRouteStage[], gold: number, limit: number): Answerer[] {
    const answerer = (s: PlanRouteStage): Answerer => ({ accuracy: s.accuracy, cost: s.kind === 'human' ? s.cost / (1 - gold) : s.cost });
    const sequence: Answerer[] = [];
    if (strategy === 'cascade') {
        for (const s of stages) sequence.push(answerer(s));
        for (const s of [...stages].reverse()) for (let i = 1; i < s.answers; i++) sequence.push(answerer(s));
    } else {
        for (const s of stages) for (let i = 0; i < s.answers; i++) sequence.push(answerer(s));
    }
    return sequence.slice(0, limit);
}

/** `cache`: estimates already computed in this compile (many tasks share people and targets). */
export function estimateTask(
    strategy: 'cascade' | 'best',
    stages: readonly PlanRouteStage[],
    quality: PlanQuality,
    classes: number,
    cache: EstimateCache = new Map(),
): TaskEstimate {
    const sequence = answerSequence(strategy, stages, quality.gold, quality.maxLabels);
    if (sequence.length === 0) {
        return {
            redundancy: { classes, minAnswers: null, maxAnswers: 0, expectedAnswers: 0, reachProbability: 0, expectedAccuracy: 1 / classes },
            perItem: 0,
            maxPerItem: 0,
        };
    }
    const estimate = cachedEstimate(cache, sequence, classes, quality.target);
    return {
        redundancy: {
            classes,
            minAnswers: estimate.minAnswers,
            maxAnswers: estimate.maxAnswers,
            expectedAnswers: round(estimate.meanAnswers),
            reachProbability: round(estimate.reachProbability),
            expectedAccuracy: round(estimate.accuracy),
        },
        perItem: round(estimate.meanCost),
        maxPerItem: round(sequence.reduce((sum, a) => sum + (a.cost ?? 0), 0)),
    };
}

/**
 * The estimator is exact but not free (a few thousand states per task); programs route many tasks
 * through the same people with the same targets, so equal inputs are computed once per compile.
 */
export type EstimateCache = Map<string, RedundancyEstimate>;

function cachedEstimate(cache: EstimateCache, sequence: Answerer[], classes: number, target: number): RedundancyEstimate {
    const key = `${classes}|${target}|${sequence.map((a) => `${a.accuracy}:${a.cost ?? 0}`).join(',')}`;
    let estimate = cache.get(key);
    if (!estimate) {
        estimate = estimateRedundancy({ answerers: sequence, classes, target, maxLabels: sequence.length });
        cache.set(key, estimate);
    }
    return estimate;
}

/** Rounds to 6 significant decimals so plans do not carry floating-point noise between platforms. */
export function round(value: number): number {
    return Math.round(value * 1e6) / 1e6;
}
