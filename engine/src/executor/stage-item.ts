/**
 * A stage item (an item at a stage, or one element of its loops) on its way through the task's
 * route, and what every route step is given: the stage, its task, the item and where to record.
 */
import type { PlanStage, PlanTask } from '../plan/types.js';
import type { JsonValue } from '../store/types.js';
import type { ScoredAnswer } from './answers.js';
import type { FlowItem } from './flow-items.js';
import type { ItemImages } from './item-images.js';
import type { ItemWork } from './item-work.js';
import type { RunContext } from './run-context.js';
import type { StageDetail } from './stage-state.js';

export interface Instance {
    /** The stage item key: the flow item's key, then `#index` per enclosing loop. */
    key: string;
    /** The element of each enclosing loop bound so far, outermost first (fewer than the stage's loops while expanding). */
    elements: JsonValue[];
}

/** A stage item ready to be labeled: its instance, input values and their hash. */
export interface Ready {
    instance: Instance;
    input: unknown[];
    inputHash: string;
}

/** A ready stage item being labeled, with the answers it has so far. */
export type Open = Ready & {
    best?: ScoredAnswer;
    answers: number;
    given: ScoredAnswer[];
    seen: Pick<StageDetail, 'derived' | 'shown'>;
};

/** An answer a model or rules gave a stage item. */
export interface Given {
    o: Open;
    value: JsonValue;
    score: number;
}

/** One stage of one item's run: what a route step works with. */
export interface StageRun {
    ctx: RunContext;
    work: ItemWork;
    item: FlowItem;
    images: ItemImages;
    stage: PlanStage;
    task: PlanTask;
}

/** The id of a model's or rules' answer: one per task item and labeler, so a resumed run does not ask twice. */
export function automaticLabelId(task: PlanTask, key: string, labeler: string): string {
    return `${task.name}/${key}/${labeler}/${task.contractHash.slice(0, 12)}`;
}

/** The ready stage items with what people will be shown (derived crops, computed inputs); an item whose crop fails fails here. */
export function prepare(run: StageRun, ready: Ready[]): Open[] {
    const open: Open[] = [];
    for (const r of ready) {
        try {
            const shown = Object.fromEntries(
                run.stage.inputs.flatMap((input, i) =>
                    input.derivation === 'value' && ['string', 'number', 'boolean'].includes(typeof r.input[i])
                        ? [[input.parameter, r.input[i] as JsonValue]]
                        : [],
                ),
            );
            const derived = run.images.derive(run.task, r.instance.key, r.input[0]);
            open.push({
                ...r,
                answers: 0,
                given: [],
                seen: { ...(derived ? { derived } : {}), ...(Object.keys(shown).length > 0 ? { shown } : {}) },
            });
        } catch (error) {
            run.work.failed(run.stage, run.task, r.instance.key, r.inputHash, error);
        }
    }
    return open;
}
