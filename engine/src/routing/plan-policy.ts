/** A compiled task's route and quality (the plan) as the RoutingPolicy the router and the simulator run. */
import type { PlanTask } from '../plan/types.js';
import type { RoutingPolicy } from './policy.js';

export function policyFromPlanTask(task: PlanTask): RoutingPolicy {
    const { quality, route } = task;
    if (quality.aggregate === 'box_consensus') {
        throw new Error(`task ${task.name} aggregates boxes (box_consensus); routing by replay needs a choice task`);
    }
    return {
        strategy: route.strategy,
        labelers: route.stages.map((stage) => ({
            name: stage.labeler,
            kind: stage.kind,
            cost: stage.cost,
            accuracy: stage.accuracy,
            ...(stage.kind === 'human' ? { pool: stage.answers } : {}),
        })),
        target: quality.target,
        maxLabels: quality.maxLabels,
        method: quality.aggregate,
        goldShare: quality.gold,
    };
}
