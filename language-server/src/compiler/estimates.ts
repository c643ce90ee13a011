/**
 * Redundancy and cost estimates for a task: the engine's routing policy (the PolicyRun that
 * `dprog run`, `dprog simulate` and the editor's queue drive) labels simulated items whose
 * labelers answer with their declared accuracies. One policy, so the plan estimates what runs.
 */
import type { PlanQuality, PlanRedundancy, PlanRouteStage } from '../../../engine/src/plan/types.js';
import { estimatePolicy, type PolicyEstimate } from '../../../engine/src/routing/policy-estimate.js';
import { defaultPolicy, type RoutingPolicy } from '../../../engine/src/routing/policy.js';

export interface TaskEstimate {
    redundancy: PlanRedundancy;
    /** Expected money per item, gold overhead included. */
    perItem: number;
    /** Money per item when every answer up to the limit is bought. */
    maxPerItem: number;
}

/**
 * The policy of a task's route and quality. People's cost carries the gold overhead: a share `gold`
 * of human work is known-answer questions, so each real answer costs 1/(1-gold).
 */
export function policyOf(strategy: 'cascade' | 'best', stages: readonly PlanRouteStage[], quality: PlanQuality): RoutingPolicy {
    return {
        strategy,
        labelers: stages.map((s) => ({
            name: s.labeler,
            kind: s.kind,
            cost: s.kind === 'human' ? s.cost / (1 - quality.gold) : s.cost,
            accuracy: s.accuracy,
            pool: s.answers,
        })),
        target: quality.target,
        maxLabels: quality.maxLabels,
        method: quality.aggregate === 'box_consensus' ? defaultPolicy.method : quality.aggregate,
        goldShare: 0,
    };
}

/** `cache`: estimates already computed in this compile (many tasks share people and targets). */
export function estimateTask(
    strategy: 'cascade' | 'best',
    stages: readonly PlanRouteStage[],
    quality: PlanQuality,
    classes: number,
    cache: EstimateCache = new Map(),
): TaskEstimate {
    const policy = policyOf(strategy, stages, quality);
    if (stages.length === 0) {
        return {
            redundancy: {
                classes,
                minAnswers: null,
                maxAnswers: 0,
                expectedAnswers: 0,
                reachProbability: 0,
                expectedAccuracy: 1 / classes,
            },
            perItem: 0,
            maxPerItem: 0,
        };
    }
    const estimate = cachedEstimate(cache, policy, Math.max(2, classes));
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
        maxPerItem: round(mostExpensive(policy)),
    };
}

/** Money per item when every answer up to the limit is bought, the dearest first. */
function mostExpensive(policy: RoutingPolicy): number {
    const costs = policy.labelers
        .flatMap((l) => Array.from({ length: l.kind === 'human' ? Math.max(1, l.pool ?? 1) : 1 }, () => l.cost))
        .sort((a, b) => b - a);
    return costs.slice(0, policy.maxLabels).reduce((sum, c) => sum + c, 0);
}

/** Programs route many tasks through the same people with the same targets: equal policies are estimated once per compile. */
export type EstimateCache = Map<string, PolicyEstimate>;

function cachedEstimate(cache: EstimateCache, policy: RoutingPolicy, classes: number): PolicyEstimate {
    // Names do not change an estimate: tasks routed through labelers alike share one.
    const anonymous = { ...policy, labelers: policy.labelers.map((l, i) => ({ ...l, name: `labeler${i}` })) };
    const key = JSON.stringify([classes, anonymous]);
    let estimate = cache.get(key) ?? recent.get(key);
    if (!estimate) {
        estimate = estimatePolicy(
            anonymous,
            Array.from({ length: classes }, (_, k) => `c${k}`),
        );
        if (recent.size >= RECENT_LIMIT) {
            recent.delete(recent.keys().next().value!);
        }
        recent.set(key, estimate);
    }
    cache.set(key, estimate);
    return estimate;
}

/** Estimates are pure functions of the policy: the language server recompiles on every edit, so recent ones are kept across compiles. */
const recent = new Map<string, PolicyEstimate>();
const RECENT_LIMIT = 500;

/** Rounds to 6 significant decimals so plans do not carry floating-point noise between platforms. */
export function round(value: number): number {
    return Math.round(value * 1e6) / 1e6;
}
