/** How a task's items are routed to labelers and when an item is done (from the plan's `route` and `quality`). */
import type { AggregationMethod } from '../quality/result.js';

export type RoutingStrategy = 'cascade' | 'best';

export interface RoutedLabeler {
    name: string;
    kind: 'human' | 'model' | 'rules';
    /** Money per answer. */
    cost: number;
    /**
     * Prior belief in the probability of a right answer, in (0, 1], refined from gold and agreement (a declared 1
     * starts at 0.995: evidence can still lower it).
     */
    accuracy: number;
    /** Interchangeable people behind a human labeler (informational: replay uses the recorded people). */
    pool?: number;
}

export interface RoutingPolicy {
    strategy: RoutingStrategy;
    /** In route order (cascade asks in this order). */
    labelers: RoutedLabeler[];
    /** Each item's posterior must reach this, in (0, 1). */
    target: number;
    /** At most this many answers per item. */
    maxLabels: number;
    method: AggregationMethod;
    /** Share of human work that is known-answer (gold) questions, in [0, 1). */
    goldShare: number;
}

/** The most a declared accuracy is believed before evidence: a declared 100% still leaves room to learn otherwise. */
export const MAX_PRIOR_ACCURACY = 0.995;

/** A gold question gets at most this many answers (enough to score several people; more would overshoot the gold share). */
export const GOLD_ANSWER_CAP = 3;

/** Defaults for what a plan may leave out (language.md: route and quality are optional). */
export const defaultPolicy: Omit<RoutingPolicy, 'labelers'> = {
    strategy: 'cascade',
    target: 0.95,
    maxLabels: 5,
    method: 'dawid_skene',
    goldShare: 0,
};

/** Checks a policy's numbers; returns the problems, empty when it is usable. */
export function policyProblems(policy: RoutingPolicy): string[] {
    const problems: string[] = [];
    if (!(policy.target > 0 && policy.target < 1)) {
        problems.push(`target ${policy.target} must be in (0, 1)`);
    }
    if (!(Number.isInteger(policy.maxLabels) && policy.maxLabels >= 1)) {
        problems.push(`at most ${policy.maxLabels} labels: must be a whole number ≥ 1`);
    }
    if (!(policy.goldShare >= 0 && policy.goldShare < 1)) {
        problems.push(`gold share ${policy.goldShare} must be in [0, 1)`);
    }
    if (policy.labelers.length === 0) {
        problems.push('the route names no labeler');
    }
    for (const l of policy.labelers) {
        if (!(l.accuracy > 0 && l.accuracy <= 1)) {
            problems.push(`labeler ${l.name}: accuracy ${l.accuracy} must be in (0, 1]`);
        }
        if (!(l.cost >= 0)) {
            problems.push(`labeler ${l.name}: cost ${l.cost} must be ≥ 0`);
        }
    }
    return problems;
}

/**
 * Everyone a policy can ask about one item: each model and rules labeler by name, and each person
 * of a human labeler's pool (`crowd`, `crowd#2`, …), with the labeler's declared accuracy.
 */
export function policyMembers(policy: RoutingPolicy): Array<{ member: string; accuracy: number }> {
    return policy.labelers.flatMap((l) =>
        l.kind === 'human'
            ? Array.from({ length: Math.max(1, l.pool ?? 1) }, (_, k) => ({
                  member: k === 0 ? l.name : `${l.name}#${k + 1}`,
                  accuracy: l.accuracy,
              }))
            : [{ member: l.name, accuracy: l.accuracy }],
    );
}
