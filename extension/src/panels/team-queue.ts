/**
 * The labeling panel's queue for one person (`dprog.labeler`) within a human labeler pool: what the
 * routing policy wants from that person — their own estimate counts, and items they answered are
 * left out — and, on a shared (PostgreSQL) store, only the items leased to them for now, so two
 * people at once are not handed the same item unless it wants more answers (see Store.lease).
 * No `vscode` import: tested directly against a real server.
 */
import * as path from 'node:path';
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import { personMember, routedByPolicy } from '../../../engine/src/executor/task-routing.js';
import type { DprogEngine, SampleResult } from '../engine-bridge/dprog-engine.js';
import { buildQueue, type Queue } from './label-queue.js';
import { personEstimateNote } from '../engine-bridge/person-estimate.js';
import type { DataItem } from '../../../engine/src/data/dataset.js';

/** How many items are leased to one person at a time on a shared store (the rest stay free for others). */
export const LEASED_AT_ONCE = 20;

export interface TeamQueueInput {
    engine: Pick<DprogEngine, 'labels' | 'labelerEstimates' | 'lease' | 'migrationStates'>;
    program: string;
    plan: LabelingPlan;
    task: PlanTask;
    /** The human labeler (pool) the panel labels as (`dprog.labelerName`). */
    labeler: string;
    /** The person at the editor (`dprog.labeler`). */
    person: string;
    /** Whether the store is shared by several people (PostgreSQL): then the queue is leased. */
    shared: boolean;
    leaseMs: number;
    batch: SampleResult | undefined;
    items: readonly DataItem[] | undefined;
    imageUri: (relativePath: string) => string;
}

/** The person's queue, and a note on their own estimate (for tasks the routing policy decides). */
export async function teamQueue(input: TeamQueueInput): Promise<{ queue: Queue; note?: string }> {
    const { engine, program, task } = input;
    const [labels, estimates, migrationStates] = await Promise.all([
        engine.labels(program, task.name),
        engine.labelerEstimates(program, task.name),
        engine.migrationStates(program, input.plan.program),
    ]);
    const queue = buildQueue({
        programDir: path.dirname(program),
        plan: input.plan,
        task,
        labels,
        batch: input.batch,
        person: personMember(input.labeler, input.person),
        estimates,
        migrationStates,
        items: input.items,
        imageUri: input.imageUri,
    });
    const note = routedByPolicy(task) ? personEstimateNote(estimates, input.labeler, input.person) : undefined;
    if (!input.shared) {
        return { queue, note };
    }
    const leases = await engine.lease(program, {
        task: task.name,
        person: input.person,
        candidates: queue.items.map((item) => item.key),
        limit: LEASED_AT_ONCE,
        leaseMs: input.leaseMs,
    });
    const mine = new Set(leases.map((l) => l.item));
    return { queue: { ...queue, items: queue.items.filter((item) => mine.has(item.key)) }, note };
}
