/**
 * The plan executor (`dprog run`). For each flow, item by item and stage by stage in dependency
 * order: an item (or, inside `for`, each element of a list label) enters a stage only when the
 * labels it depends on are final and its `where`/`if` conditions hold; its inputs are derived
 * (the item, a field, an image crop to a box); the task's route is followed — rules and models
 * answer at once, and an answer whose confidence reaches the quality target is final; otherwise
 * the next labeler is asked, and a person on the route means the item waits for people.
 *
 * Every transition is a stage state in the store (status and the final value), and every model
 * or rules answer is a label with a deterministic id, so a run that is stopped anywhere resumes
 * where it was without asking a model twice or duplicating a label. A state stays valid while its
 * task's contract and its input are unchanged, or while the migration from the previous program
 * version keeps (or maps) the task's labels; otherwise the stage is redone for that item.
 */
import type { SessionCache } from '../learning/session-cache.js';
import type { Migration } from '../plan/migration.js';
import type { LabelingPlan, PlanFlow, PlanTask } from '../plan/types.js';
import type { Store } from '../store/store.js';
import type { StageState } from '../store/types.js';
import { readFlowItems, type FlowItem } from './flow-items.js';
import type { RunReport } from '../routing/policy-run.js';
import { TaskRouting, type ReplayAnswers } from './task-routing.js';
import { ItemRun } from './item-run.js';
import { ModelRunner } from './model-runner.js';
import { RunBuffer } from './run-buffer.js';
import type { RunContext, RunFailure } from './run-context.js';

export type { StageStatus } from './stage-state.js';
export type { RunFailure } from './run-context.js';
export { combine } from './answers.js';

export interface RunOptions {
    plan: LabelingPlan;
    /** The program file's folder: dataset, model and vocabulary paths are relative to it. */
    programDir: string;
    store: Store;
    sessions: SessionCache;
    /** At most this many items of each flow's dataset (the first ones in key order). */
    limit?: number;
    /** The migration from the plan the store last ran, when the program changed since. */
    migration?: Migration;
    /** Where derived inputs (image crops) are written for people to review; none when absent. */
    derivedDir?: string;
    onProgress?: (progress: { flow: string; done: number; total: number }) => void;
    /**
     * People answer from recorded answers instead of later (`dprog run --replay`): items arrive in
     * the order of `order` (the recorded items, already shuffled by the seed), the rest after them.
     */
    replay?: ReplayAnswers & { order: readonly string[] };
}

export interface StageSummary {
    flow: string;
    stage: string;
    task: string;
    done: number;
    pending: number;
    waitingForPeople: number;
    failed: number;
    skipped: number;
}

/** What the routing policy did for one choice task in this run. */
export interface TaskRoutingSummary extends RunReport {
    task: string;
    /** Answers bought in this run, and what they cost. */
    labelsUsed: number;
    cost: number;
    byLabeler: Record<string, { answers: number; cost: number }>;
}

export interface RunSummary {
    stages: StageSummary[];
    /** Per choice task routed by the policy in this run. */
    routing: TaskRoutingSummary[];
    /** Current (not superseded) labels of the plan's tasks, by labeler. */
    labels: Record<string, number>;
    /** Items that failed in this run, with why. */
    failures: RunFailure[];
}
/**
 * Flows to run: the program's top-level flows (a flow another flow calls runs as part of it, its
 * stages inlined by the compiler), plus one per task over a dataset that no flow calls.
 */
export function flowsToRun(plan: LabelingPlan): PlanFlow[] {
    const called = new Set(plan.flows.flatMap((f) => f.stages.map((s) => s.task)));
    const calledFlows = new Set(plan.flows.flatMap((f) => f.stages.flatMap((s) => s.via)));
    const implicit: PlanFlow[] = plan.tasks
        .filter((t) => !called.has(t.name) && t.input.length === 1 && t.input[0].type.kind === 'dataset')
        .map((t) => ({
            name: t.name,
            description: null,
            input: t.input,
            stages: [
                {
                    id: `1:${t.name}`,
                    task: t.name,
                    binds: null,
                    dependsOn: [],
                    conditions: [],
                    inputs: [{ parameter: t.input[0].name, expression: t.input[0].name, tree: { kind: 'item' }, derivation: 'item' }],
                    forEach: null,
                    via: [],
                },
            ],
        }));
    return [...plan.flows.filter((f) => !calledFlows.has(f.name)), ...implicit];
}

/** How many of a stage's items are in each status. */
async function stageCounts(store: Store, run: string, stage: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const state of await store.stageStates({ run, stage })) {
        counts[state.status] = (counts[state.status] ?? 0) + 1;
    }
    return counts;
}

export function runName(plan: LabelingPlan, flow: PlanFlow): string {
    return `${plan.program}/${flow.name}`;
}

export class PlanExecutor {
    private readonly models: ModelRunner;
    private readonly tasks: Map<string, PlanTask>;
    private readonly failures: RunFailure[] = [];
    private readonly routings = new Map<string, TaskRouting>();
    private readonly buffer: RunBuffer;
    /** What each item's run sees of this run. */
    private readonly context: RunContext;

    constructor(private readonly options: RunOptions) {
        this.models = new ModelRunner(options.plan, options.programDir, options.sessions);
        this.tasks = new Map(options.plan.tasks.map((t) => [t.name, t]));
        this.buffer = new RunBuffer(options.store, () => this.saveEstimates());
        this.context = {
            plan: options.plan,
            programDir: options.programDir,
            derivedDir: options.derivedDir,
            migration: options.migration,
            store: options.store,
            task: (name) => this.task(name),
            routing: (task) => this.routing(task),
            runModel: (labeler, inputs) => this.models.run(labeler, inputs),
            buffer: (work) => this.buffer.add(work),
            fail: (failure) => this.failures.push(failure),
        };
    }

    async run(): Promise<RunSummary> {
        const flows = flowsToRun(this.options.plan);
        for (const flow of flows) {
            await this.runFlow(flow);
        }
        const routing: TaskRoutingSummary[] = [];
        for (const [name, r] of this.routings) {
            const { cost, answers, byLabeler } = r.run.totals;
            routing.push({ task: name, ...(await r.finish(this.options.store)), labelsUsed: answers, cost, byLabeler });
        }
        return { ...(await this.summary(flows)), routing };
    }

    async summary(flows = flowsToRun(this.options.plan)): Promise<Omit<RunSummary, 'routing'>> {
        const { store, plan } = this.options;
        const stages: StageSummary[] = [];
        for (const flow of flows) {
            for (const stage of flow.stages) {
                const counts = await stageCounts(store, runName(plan, flow), stage.id);
                stages.push({
                    flow: flow.name,
                    stage: stage.id,
                    task: stage.task,
                    done: counts.done ?? 0,
                    pending: counts.pending ?? 0,
                    waitingForPeople: counts.waiting ?? 0,
                    failed: counts.failed ?? 0,
                    skipped: counts.skipped ?? 0,
                });
            }
        }
        const labels: Record<string, number> = {};
        for (const task of plan.tasks) {
            for (const [labeler, count] of Object.entries(await store.countLabelsByLabeler({ task: task.name }))) {
                labels[labeler] = (labels[labeler] ?? 0) + count;
            }
        }
        return { stages, labels, failures: this.failures };
    }

    private async runFlow(flow: PlanFlow): Promise<void> {
        const { plan, programDir, store, limit } = this.options;
        const parameter = flow.input[0];
        if (parameter?.type.kind !== 'dataset') {
            return; // flows over values are only ever called by other flows
        }
        const datasetName = parameter.type.dataset;
        const dataset = plan.datasets.find((d) => d.name === datasetName);
        if (!dataset) {
            throw new Error(`plan: flow '${flow.name}' reads dataset '${datasetName}', which the plan does not have`);
        }
        const run = runName(plan, flow);
        const items = this.arrivalOrder(readFlowItems(dataset, programDir).slice(0, limit ?? Infinity));
        const previous = new Map<string, Map<string, StageState>>();
        for (const stage of flow.stages) {
            previous.set(stage.id, new Map((await store.stageStates({ run, stage: stage.id })).map((s) => [s.item, s])));
        }
        let done = 0;
        this.options.onProgress?.({ flow: flow.name, done, total: items.length });
        for (const item of items) {
            await new ItemRun(this.context, flow, run, item, previous).run();
            if (this.buffer.due()) {
                await this.buffer.flush();
            }
            this.options.onProgress?.({ flow: flow.name, done: ++done, total: items.length });
        }
        await this.buffer.flush();
    }

    /** Replaying: the recorded items first, in the replay's order, then the others as read. */
    private arrivalOrder(items: FlowItem[]): FlowItem[] {
        const order = this.options.replay?.order;
        if (!order) {
            return items;
        }
        const byKey = new Map(items.map((item) => [item.key, item]));
        const first = order.flatMap((key) => byKey.get(key) ?? []);
        const recorded = new Set(order);
        return [...first, ...items.filter((item) => !recorded.has(item.key))];
    }

    /** The routing policy of a choice task in this run (one per task, shared by its flows). */
    private async routing(task: PlanTask): Promise<TaskRouting> {
        let routing = this.routings.get(task.name);
        if (!routing) {
            const migration = this.options.migration?.tasks.find((t) => t.task === task.name);
            // Items a migration re-asks are asked only among their members (language.md §10).
            routing = await TaskRouting.fromStore(task, this.options.store, this.options.replay, migration, this.options.plan.program);
            this.routings.set(task.name, routing);
        }
        return routing;
    }

    private async saveEstimates(): Promise<void> {
        for (const routing of this.routings.values()) {
            await routing.saveEstimates(this.options.store);
        }
    }

    private task(name: string): PlanTask {
        const task = this.tasks.get(name);
        if (!task) {
            throw new Error(`plan: stage task '${name}' is not among the plan's tasks`);
        }
        return task;
    }
}

/** Runs every flow of the plan; see PlanExecutor. */
export async function runPlan(options: RunOptions): Promise<RunSummary> {
    return new PlanExecutor(options).run();
}
