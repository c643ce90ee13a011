/**
 * What one item's run needs from the run it belongs to: the plan, the store's reads, the routing
 * policy of a task, the model runner, the migration, and where to hand its work and failures.
 * PlanExecutor provides it; ItemRun and the route steps depend on this and nothing else of it.
 */
import type { Migration } from '../plan/migration.js';
import type { LabelingPlan, PlanModelLabeler, PlanTask } from '../plan/types.js';
import type { Store } from '../store/store.js';
import type { ModelAnswer, ModelInputValue } from './model-runner.js';
import type { PendingWork } from './stage-state.js';
import type { TaskRouting } from './task-routing.js';

/** An item that failed at a stage, with why. */
export interface RunFailure {
    flow: string;
    stage: string;
    item: string;
    message: string;
}

/** The store reads an item's run makes (people's answers, stored model answers, final answers). */
export type StoreReads = Pick<Store, 'getLabel' | 'labels' | 'countLabels' | 'getAggregate'>;

export interface RunContext {
    readonly plan: LabelingPlan;
    /** The program file's folder: images and other paths are relative to it. */
    readonly programDir: string;
    /** Where derived inputs (image crops) are written for people to review; none when undefined. */
    readonly derivedDir: string | undefined;
    /** The migration from the plan the store last ran, when the program changed since. */
    readonly migration: Migration | undefined;
    readonly store: StoreReads;
    /** The plan's task of that name (a plan naming a task it lacks is an error). */
    task(name: string): PlanTask;
    /** The routing policy of a choice task in this run (one per task, shared by its flows). */
    routing(task: PlanTask): Promise<TaskRouting>;
    /** Runs a model on inputs, one answer per input. */
    runModel(labeler: PlanModelLabeler, inputs: readonly ModelInputValue[]): Promise<ModelAnswer[]>;
    /** Hands over an item's work (labels, final answers, stage states), written with the next flush. */
    buffer(work: PendingWork): void;
    /** Records an item that failed at a stage. */
    fail(failure: RunFailure): void;
}
