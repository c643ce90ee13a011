/**
 * The work waiting for people after a run, in the order to do it: per task, the items the models
 * were least sure of first (an item no model could answer at all is the least sure), as
 * uncertainty sampling would pick them, then by key so the order is stable. A task with a
 * `learn` block samples only `train` items for its model; review work is not sampling, so every
 * waiting item is listed.
 */
import type { LabelingPlan, PlanFlow } from '../plan/types.js';
import type { Store } from '../store/store.js';
import type { JsonValue } from '../store/types.js';
import { runName } from './executor.js';

export interface QueuedWork {
    flow: string;
    stage: string;
    task: string;
    item: string;
    /** The person (human labeler) the route asks next. */
    waitingFor: string;
    /** The best automatic answer so far and its confidence, when a model or rule answered. */
    proposal: JsonValue | null;
    score: number | null;
    /** A derived input's file (an image crop) to show. */
    derived: string | null;
    /** A re-asked item (a split member, language.md §10): the members to choose among; null: any. */
    among: string[] | null;
}

export async function peopleQueue(store: Store, plan: LabelingPlan, flows: readonly PlanFlow[]): Promise<QueuedWork[]> {
    const queue: QueuedWork[] = [];
    const seen = new Set<string>();
    for (const flow of flows) {
        for (const stage of flow.stages) {
            const states = await store.stageStates({ run: runName(plan, flow), stage: stage.id, status: 'waiting' });
            const waiting = states.flatMap((s) => {
                const d = (s.detail ?? {}) as {
                    waitingFor?: string;
                    value?: JsonValue;
                    score?: number;
                    derived?: string;
                    among?: string[];
                };
                // A task item reached by two flows is one piece of work.
                if (!d.waitingFor || seen.has(`${stage.task}\u0000${s.item}`)) {
                    return [];
                }
                seen.add(`${stage.task}\u0000${s.item}`);
                return [
                    {
                        flow: flow.name,
                        stage: stage.id,
                        task: stage.task,
                        item: s.item,
                        waitingFor: d.waitingFor,
                        proposal: d.value ?? null,
                        score: d.score ?? null,
                        derived: d.derived ?? null,
                        among: d.among ?? null,
                    },
                ];
            });
            waiting.sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
            for (const work of waiting) {
                queue.push(work);
            }
        }
    }
    return queue;
}
