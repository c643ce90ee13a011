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
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cropImage, encodePng, readImage, type PixelBox, type RgbImage } from '../data/image.js';
import type { SessionCache } from '../learning/session-cache.js';
import { contentHash } from '../plan/hash.js';
import type { Migration } from '../plan/migration.js';
import type { LabelingPlan, PlanFlow, PlanModelLabeler, PlanRulesLabeler, PlanStage, PlanTask } from '../plan/types.js';
import { StoreError } from '../store/errors.js';
import type { LabelStore } from '../store/label-store.js';
import type { Aggregate, JsonValue, Label, NewLabel, StageState } from '../store/types.js';
import { evaluate, parseExpression, UNKNOWN, type Environment, type Expr } from './expression.js';
import { readFlowItems, type FlowItem } from './flow-items.js';
import { ModelRunner, type ModelAnswer, type ModelInputValue } from './model-runner.js';
import { runRules } from './rules-runner.js';

export type StageStatus = 'done' | 'pending' | 'waiting' | 'failed' | 'skipped';

export interface RunOptions {
    plan: LabelingPlan;
    /** The program file's folder: dataset, model and vocabulary paths are relative to it. */
    programDir: string;
    store: LabelStore;
    sessions: SessionCache;
    /** At most this many items of each flow's dataset (the first ones in key order). */
    limit?: number;
    /** The migration from the plan the store last ran, when the program changed since. */
    migration?: Migration;
    /** Where derived inputs (image crops) are written for people to review; none when absent. */
    derivedDir?: string;
    onProgress?: (progress: { flow: string; done: number; total: number }) => void;
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

export interface RunFailure {
    flow: string;
    stage: string;
    item: string;
    message: string;
}

export interface RunSummary {
    stages: StageSummary[];
    /** Current (not superseded) labels of the plan's tasks, by labeler. */
    labels: Record<string, number>;
    /** Items that failed in this run, with why. */
    failures: RunFailure[];
}

/** Work of finished items not yet written to the store. */
interface Pending {
    labels: NewLabel[];
    aggregates: Aggregate[];
    states: StageState[];
}

/**
 * Buffered labels and states are written once about this many have gathered, or this long after
 * the last write (so slow models lose little work to a kill), and at the end of each flow.
 */
const FLUSH_EVERY = 256;
const FLUSH_AFTER_MS = 2000;

/** What the stage state's `detail` holds. */
interface Detail {
    contract: string;
    input?: string;
    value?: JsonValue;
    labeler?: string;
    score?: number;
    waitingFor?: string;
    error?: string;
    /** The derived input's file (an image crop), for people to review. */
    derived?: string;
    /** Inputs computed from other labels (`m.text`), by parameter, as people will be shown them. */
    shown?: Record<string, JsonValue>;
    reason?: string;
}

interface Instance {
    /** The stage item key: the flow item's key, then `#index` per enclosing loop. */
    key: string;
    /** The loop variable's element, when inside `for`. */
    element?: JsonValue;
}

interface Crop {
    kind: 'crop';
    image: string;
    box: PixelBox;
}

function isCrop(value: unknown): value is Crop {
    return typeof value === 'object' && value !== null && (value as Crop).kind === 'crop';
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
            stages: [{ id: `1:${t.name}`, task: t.name, binds: null, dependsOn: [], conditions: [], inputs: [{ parameter: t.input[0].name, expression: t.input[0].name, derivation: 'item' }], forEach: null, via: [] }],
        }));
    return [...plan.flows.filter((f) => !calledFlows.has(f.name)), ...implicit];
}

export function runName(plan: LabelingPlan, flow: PlanFlow): string {
    return `${plan.program}/${flow.name}`;
}

export class PlanExecutor {
    private readonly models: ModelRunner;
    private readonly tasks: Map<string, PlanTask>;
    private readonly expressions = new Map<string, Expr>();
    private readonly failures: RunFailure[] = [];
    private pending: Pending = { labels: [], aggregates: [], states: [] };
    private flushedAt = Date.now();

    constructor(private readonly options: RunOptions) {
        this.models = new ModelRunner(options.plan, options.programDir, options.sessions);
        this.tasks = new Map(options.plan.tasks.map((t) => [t.name, t]));
    }

    async run(): Promise<RunSummary> {
        const flows = flowsToRun(this.options.plan);
        for (const flow of flows) await this.runFlow(flow);
        return this.summary(flows);
    }

    summary(flows = flowsToRun(this.options.plan)): RunSummary {
        const { store, plan } = this.options;
        const stages: StageSummary[] = [];
        for (const flow of flows) {
            for (const stage of flow.stages) {
                const counts = store.stageCounts(runName(plan, flow), stage.id);
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
            store.forEachLabel({ task: task.name }, (label) => {
                labels[label.labeler] = (labels[label.labeler] ?? 0) + 1;
            });
        }
        return { stages, labels, failures: this.failures };
    }

    private expression(text: string): Expr {
        let e = this.expressions.get(text);
        if (!e) {
            e = parseExpression(text);
            this.expressions.set(text, e);
        }
        return e;
    }

    private async runFlow(flow: PlanFlow): Promise<void> {
        const { plan, programDir, store, limit } = this.options;
        const parameter = flow.input[0];
        if (!parameter || parameter.type.kind !== 'dataset') return; // flows over values are only ever called by other flows
        const datasetName = parameter.type.dataset;
        const dataset = plan.datasets.find((d) => d.name === datasetName);
        if (!dataset) throw new Error(`plan: flow '${flow.name}' reads dataset '${datasetName}', which the plan does not have`);
        const run = runName(plan, flow);
        const items = readFlowItems(dataset, programDir).slice(0, limit ?? Infinity);
        const previous = new Map<string, Map<string, StageState>>();
        for (const stage of flow.stages) previous.set(stage.id, new Map(store.stageStates({ run, stage: stage.id }).map((s) => [s.item, s])));
        let done = 0;
        this.options.onProgress?.({ flow: flow.name, done, total: items.length });
        for (const item of items) {
            await new ItemRun(this, flow, run, item, parameter.name, previous).run();
            if (this.pending.states.length + this.pending.labels.length >= FLUSH_EVERY || Date.now() - this.flushedAt >= FLUSH_AFTER_MS) await this.flush();
            this.options.onProgress?.({ flow: flow.name, done: ++done, total: items.length });
        }
        await this.flush();
    }

    /** @internal Records an item's work, written with the next flush. */
    buffer(work: Pending): void {
        this.pending.labels.push(...work.labels);
        this.pending.aggregates.push(...work.aggregates);
        this.pending.states.push(...work.states);
    }

    /**
     * Writes buffered work: labels, then final answers, then stage states, so a state never says
     * `done` before what it stands for is durable. A run killed before a flush redoes those items;
     * the labels' deterministic ids keep a model's answer from being stored twice.
     */
    private async flush(): Promise<void> {
        const { labels, aggregates, states } = this.pending;
        this.pending = { labels: [], aggregates: [], states: [] };
        this.flushedAt = Date.now();
        const { store } = this.options;
        // The same task item reached twice in a flow (two branches) is one label.
        const unique = [...new Map(labels.map((l) => [l.id, l])).values()];
        if (unique.length > 0) await store.addLabels(unique);
        if (aggregates.length > 0) await store.setAggregates(aggregates);
        if (states.length > 0) await store.setStageStates(states);
    }

    // ---------------------------------------------------------------- used by ItemRun

    /** @internal */
    get opts(): RunOptions {
        return this.options;
    }

    /** @internal */
    task(name: string): PlanTask {
        const task = this.tasks.get(name);
        if (!task) throw new Error(`plan: stage task '${name}' is not among the plan's tasks`);
        return task;
    }

    /** @internal */
    parse(text: string): Expr {
        return this.expression(text);
    }

    /** @internal */
    fail(failure: RunFailure): void {
        this.failures.push(failure);
    }

    /** @internal */
    get modelRunner(): ModelRunner {
        return this.models;
    }

    /**
     * @internal Whether a stored state still holds for `task` with this input: same contract and
     * input, or a migration that keeps or maps the task's labels. Returns the (mapped) value, or null.
     */
    validState(state: StageState | undefined, task: PlanTask, input: string): { status: StageStatus; detail: Detail } | null {
        if (!state) return null;
        const detail = state.detail as unknown as Detail | undefined;
        if (!detail || detail.input !== input) return null;
        if (detail.contract === task.contractHash) return { status: state.status as StageStatus, detail };
        const migration = this.options.migration?.tasks.find((t) => t.task === task.name);
        if (!migration || migration.action === 'invalidate') return null;
        if (migration.action === 'keep') return { status: state.status as StageStatus, detail: { ...detail, contract: task.contractHash } };
        // migrate: a choice value moves to its member's new name; split or removed members are redone.
        if (typeof detail.value !== 'string') return null;
        const member = migration.members.find((m) => m.old === detail.value);
        if (!member || (member.action !== 'keep' && member.action !== 'map') || member.new.length !== 1) return null;
        return { status: state.status as StageStatus, detail: { ...detail, contract: task.contractHash, value: member.new[0] } };
    }
}

/** One flow item going through the flow's stages. */
class ItemRun {
    /** stage id -> instance key -> final value (only instances whose stage is done). */
    private readonly results = new Map<string, Map<string, JsonValue>>();
    private image: RgbImage | Error | undefined;
    private imagePath: string | undefined;
    private readonly states: StageState[] = [];
    private readonly aggregates: Aggregate[] = [];
    private readonly labels: NewLabel[] = [];

    constructor(
        private readonly executor: PlanExecutor,
        private readonly flow: PlanFlow,
        private readonly runId: string,
        private readonly item: FlowItem,
        private readonly parameter: string,
        private readonly previous: Map<string, Map<string, StageState>>,
    ) {}

    async run(): Promise<void> {
        for (const stage of this.flow.stages) {
            this.results.set(stage.id, new Map());
            try {
                await this.runStage(stage);
            } catch (error) {
                if (error instanceof StoreError) throw error; // the store failing is the run failing
                // A plan this executor cannot follow for this item (e.g. a condition over a value
                // without that member) fails the item at this stage; later stages wait on it.
                const task = this.executor.task(stage.task);
                this.failed(stage, task, this.item.key, '', error);
            }
        }
        this.executor.buffer({ labels: this.labels, aggregates: this.aggregates, states: this.states });
    }

    private record(stage: PlanStage, key: string, status: StageStatus | 'expanded', detail: Detail): void {
        this.states.push({ run: this.runId, stage: stage.id, item: key, status, detail: detail as unknown as JsonValue });
        if (status === 'done' && detail.value !== undefined) this.results.get(stage.id)!.set(key, detail.value);
    }

    private environment(stage: PlanStage, instance: Instance): Environment {
        return {
            name: (name) => {
                if (stage.forEach && name === stage.forEach.variable) return instance.element ?? UNKNOWN;
                if (name === this.parameter || this.calleeParameters(stage).has(name)) return { key: this.item.key, split: this.item.split, ...this.item.fields };
                const bound = this.flow.stages.find((s) => s.binds === name);
                if (bound) return this.resultOf(bound, instance.key);
                return name; // a label-set member
            },
            call: (call, args) => {
                if (call.callee === 'crop') {
                    const [image, box] = args();
                    if (image === UNKNOWN || box === UNKNOWN) return UNKNOWN;
                    return { kind: 'crop', image: String(image), box: box as unknown as PixelBox } satisfies Crop;
                }
                if (call.callee === 'length') {
                    const [value] = args();
                    return value === UNKNOWN ? UNKNOWN : Array.isArray(value) ? value.length : String(value).length;
                }
                const candidates = this.flow.stages.filter((s) => s.task === call.callee);
                const source = candidates.find((s) => stage.dependsOn.includes(s.id) || stage.conditions.some((c) => c.reads.includes(s.id))) ?? candidates[0];
                if (!source) throw new TypeError(`flow ${this.flow.name}: '${call.text}' calls '${call.callee}', which no stage of the flow runs`);
                return this.resultOf(source, instance.key);
            },
        };
    }

    /** The item parameters of the flows a stage was inlined from (`via`): the same item under their names. */
    private calleeParameters(stage: PlanStage): Set<string> {
        const names = new Set<string>();
        for (const flowName of stage.via) {
            const input = this.executor.opts.plan.flows.find((f) => f.name === flowName)?.input[0];
            if (input?.type.kind === 'dataset') names.add(input.name);
        }
        return names;
    }

    /** The final value of `source` for this item (or the same loop element), or UNKNOWN. */
    private resultOf(source: PlanStage, instanceKey: string): unknown {
        const results = this.results.get(source.id);
        if (!results) return UNKNOWN;
        const key = source.forEach ? instanceKey : this.item.key;
        return results.has(key) ? results.get(key) : UNKNOWN;
    }

    /** The stage's instances for this item: one, or one per element of the loop's list. */
    private instances(stage: PlanStage): Instance[] | 'blocked' {
        if (!stage.forEach) return [{ key: this.item.key }];
        const over = this.executor.parse(stage.forEach.over);
        const list = evaluate(over, this.environment(stage, { key: this.item.key }));
        if (list === UNKNOWN) return 'blocked';
        if (!Array.isArray(list)) throw new TypeError(`flow ${this.flow.name}: \`for ${stage.forEach.variable} in ${stage.forEach.over}\` is not over a list`);
        const spanText = this.spanSource(over);
        return list.map((element, index) => ({ key: `${this.item.key}#${index}`, element: withSpanText(element as JsonValue, spanText) }));
    }

    /** The text a list of spans was highlighted in: the first Text field its task shows. */
    private spanSource(over: Expr): string | undefined {
        const source =
            over.kind === 'call' ? this.flow.stages.find((s) => s.task === over.callee) : over.kind === 'name' ? this.flow.stages.find((s) => s.binds === over.name) : undefined;
        if (!source) return undefined;
        const task = this.executor.task(source.task);
        const field = task.show.find((s) => s.type === 'Text' && s.field)?.field ?? task.show.find((s) => s.field)?.field;
        const value = field ? this.item.fields[field] : undefined;
        return typeof value === 'string' ? value : undefined;
    }

    /** Whether a condition is decided per loop element (it reads the loop variable or a stage inside the loop). */
    private perElement(stage: PlanStage, condition: PlanStage['conditions'][number]): boolean {
        if (!stage.forEach) return false;
        if (condition.kind === 'where') return true;
        if (new RegExp(`\\b${stage.forEach.variable}\\b`).test(condition.expression)) return true;
        return condition.reads.some((id) => this.flow.stages.find((s) => s.id === id)?.forEach);
    }

    /** true, false, or UNKNOWN when a label it reads is not final yet. */
    private holds(condition: PlanStage['conditions'][number], env: Environment): boolean | typeof UNKNOWN {
        let value: unknown;
        try {
            value = evaluate(this.executor.parse(condition.expression), env);
        } catch (error) {
            throw new TypeError(`\`${condition.kind === 'else' ? 'if' : condition.kind} ${condition.expression}\`: ${(error as Error).message}; correct the answer it reads`);
        }
        return value === UNKNOWN ? UNKNOWN : condition.kind === 'else' ? !value : Boolean(value);
    }

    private async runStage(stage: PlanStage): Promise<void> {
        const task = this.executor.task(stage.task);
        // Conditions on the item as a whole (an `if` around a `for`) are decided before the loop's list is needed.
        const outer = stage.conditions.filter((c) => !this.perElement(stage, c)).map((c) => this.holds(c, this.environment(stage, { key: this.item.key })));
        if (stage.forEach && outer.includes(false)) {
            this.record(stage, this.item.key, 'skipped', { contract: task.contractHash });
            return;
        }
        if (stage.forEach && outer.includes(UNKNOWN)) {
            this.record(stage, this.item.key, 'pending', { contract: task.contractHash, reason: 'waiting for the labels its conditions read' });
            return;
        }
        const instances = this.instances(stage);
        if (instances === 'blocked') {
            this.record(stage, this.item.key, 'pending', { contract: task.contractHash, reason: `waiting for ${stage.forEach!.over}` });
            return;
        }
        const placeholder = this.previous.get(stage.id)?.get(this.item.key)?.status;
        if (stage.forEach && (placeholder === 'pending' || placeholder === 'skipped')) {
            // The list is known now: the item's placeholder gives way to one state per element.
            this.record(stage, this.item.key, 'expanded', { contract: task.contractHash });
        }
        const ready: Array<{ instance: Instance; input: unknown[]; inputHash: string }> = [];
        for (const instance of instances) {
            const env = this.environment(stage, instance);
            let where: Array<boolean | typeof UNKNOWN>;
            try {
                where = stage.conditions.map((c) => this.holds(c, env));
            } catch (error) {
                this.failed(stage, task, instance.key, '', error);
                continue;
            }
            if (where.includes(false)) {
                this.record(stage, instance.key, 'skipped', { contract: task.contractHash });
                continue;
            }
            if (where.includes(UNKNOWN)) {
                this.record(stage, instance.key, 'pending', { contract: task.contractHash, reason: 'waiting for the labels its conditions read' });
                continue;
            }
            const input = stage.inputs.map((i) => evaluate(this.executor.parse(i.expression), env));
            if (input.includes(UNKNOWN)) {
                this.record(stage, instance.key, 'pending', { contract: task.contractHash, reason: 'waiting for the labels its inputs read' });
                continue;
            }
            const inputHash = contentHash(input).slice(0, 16);
            const kept = this.executor.validState(this.previous.get(stage.id)?.get(instance.key), task, inputHash);
            if (kept && (kept.status === 'done' || kept.status === 'skipped')) {
                const stored = this.previous.get(stage.id)?.get(instance.key)?.detail as unknown as Detail;
                if (kept.status === 'done' && stored.value !== kept.detail.value && kept.detail.value !== undefined) {
                    // Carried over by a migration (a renamed member): the final answer follows.
                    const previous = this.executor.opts.store.getAggregate(task.name, instance.key);
                    if (previous) this.aggregates.push({ ...previous, value: kept.detail.value, updatedAt: undefined });
                }
                this.record(stage, instance.key, kept.status, kept.detail);
                continue;
            }
            ready.push({ instance, input, inputHash });
        }
        if (ready.length > 0) await this.label(stage, task, ready);
    }

    /** Reads this item's image once (a failure is remembered and reported per stage item). */
    private readItemImage(file: string): RgbImage {
        if (this.imagePath !== file) {
            this.imagePath = file;
            try {
                this.image = readImage(path.resolve(this.executor.opts.programDir, file));
            } catch (error) {
                this.image = error as Error;
            }
        }
        if (this.image instanceof Error) throw this.image;
        return this.image!;
    }

    /** The model input for one stage item: the parameter's value (an image, a crop) or the model's input field of the item. */
    private modelInput(labeler: PlanModelLabeler, task: PlanTask, value: unknown): ModelInputValue {
        if (isCrop(value)) return cropImage(this.readItemImage(value.image), value.box);
        const parameter = task.input[0]?.type;
        // An `Image` parameter given a field's value (`task(d.image)`) holds the image's path.
        if (typeof value === 'string' && parameter?.kind === 'value' && parameter.type === 'Image') return this.readItemImage(value);
        if (typeof value === 'object' && value !== null) {
            const field = labeler.input.field;
            const fieldValue = field ? (value as Record<string, unknown>)[field] : undefined;
            if (fieldValue === undefined) throw new TypeError(`model '${labeler.name}' reads field '${field}', which item '${this.item.key}' does not have`);
            const fieldType = this.executor.opts.plan.datasets.find((d) => d.name === this.item.dataset)?.fields.find((f) => f.name === field)?.type;
            return fieldType === 'Image' ? this.readItemImage(String(fieldValue)) : String(fieldValue);
        }
        return String(value);
    }

    private derive(task: PlanTask, key: string, value: unknown): string | undefined {
        const dir = this.executor.opts.derivedDir;
        if (!dir || !isCrop(value)) return undefined;
        const file = path.join(dir, task.name, `${key.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, encodePng(cropImage(this.readItemImage(value.image), value.box)));
        return file;
    }

    /** Follows the task's route for the ready stage items, in batches per model. */
    private async label(stage: PlanStage, task: PlanTask, ready: Array<{ instance: Instance; input: unknown[]; inputHash: string }>): Promise<void> {
        const { store, plan } = this.executor.opts;
        const target = task.quality.target;
        type Open = (typeof ready)[number] & {
            best?: { value: JsonValue; score: number; labeler: string };
            answers: number;
            given: Array<{ value: JsonValue; score: number; labeler: string }>;
            seen: Pick<Detail, 'derived' | 'shown'>;
        };
        let open: Open[] = [];
        for (const r of ready) {
            try {
                const shown = Object.fromEntries(
                    stage.inputs.flatMap((input, i) => (input.derivation === 'value' && ['string', 'number', 'boolean'].includes(typeof r.input[i]) ? [[input.parameter, r.input[i] as JsonValue]] : [])),
                );
                const derived = this.derive(task, r.instance.key, r.input[0]);
                open.push({ ...r, answers: 0, given: [], seen: { ...(derived ? { derived } : {}), ...(Object.keys(shown).length > 0 ? { shown } : {}) } });
            } catch (error) {
                this.failed(stage, task, r.instance.key, r.inputHash, error);
            }
        }
        const finish = (o: Open, extra: Partial<Detail> = {}) => {
            if (o.best) {
                this.aggregates.push({ task: task.name, item: o.instance.key, value: o.best.value, confidence: o.best.score, method: `route ${task.route.strategy}`, answers: Math.max(1, o.answers) });
            }
            this.record(stage, o.instance.key, 'done', {
                contract: task.contractHash,
                input: o.inputHash,
                value: o.best?.value,
                labeler: o.best?.labeler,
                score: o.best?.score,
                ...o.seen,
                ...extra,
            });
        };
        for (const routeStage of task.route.stages) {
            if (open.length === 0) break;
            const labeler = plan.labelers.find((l) => l.name === routeStage.labeler);
            if (!labeler) continue;
            const id = (o: Open) => `${task.name}/${o.instance.key}/${labeler.name}/${task.contractHash.slice(0, 12)}`;
            const answered: Array<{ o: Open; value: JsonValue; score: number }> = [];
            if (labeler.kind === 'human') {
                const people = task.route.stages.slice(task.route.stages.indexOf(routeStage)).filter((r) => r.kind === 'human');
                for (const o of open) {
                    const answers = store.labels({ task: task.name, item: o.instance.key, labelerKind: 'human' });
                    const next = this.afterPeople(task, o, answers, people, (best) => (o.best = best));
                    if (next === null) finish(o);
                    else this.record(stage, o.instance.key, 'waiting', { contract: task.contractHash, input: o.inputHash, waitingFor: next, ...o.seen, value: o.best?.value, score: o.best?.score, labeler: o.best?.labeler });
                }
                open = [];
                break; // people answer outside the run; the next run reads their answers
            }
            const fresh: Open[] = [];
            for (const o of open) {
                const stored = store.getLabel(id(o));
                if (stored && stored.supersededBy === undefined) answered.push({ o, value: stored.value, score: stored.score ?? 0 });
                else fresh.push(o);
            }
            const newLabels: NewLabel[] = [];
            if (labeler.kind === 'rules') {
                for (const o of fresh) {
                    try {
                        const answer = runRules(labeler as PlanRulesLabeler, this.item);
                        if (!answer) continue; // abstains
                        newLabels.push({ id: id(o), task: task.name, item: o.instance.key, labeler: labeler.name, labelerKind: 'rules', value: answer.value, score: answer.score, programVersion: plan.hash });
                        answered.push({ o, value: answer.value, score: answer.score });
                    } catch (error) {
                        this.failed(stage, task, o.instance.key, o.inputHash, error);
                    }
                }
            } else if (fresh.length > 0) {
                const batch: Array<{ o: Open; input: ModelInputValue }> = [];
                for (const o of fresh) {
                    try {
                        batch.push({ o, input: this.modelInput(labeler, task, o.input[0]) });
                    } catch (error) {
                        this.failed(stage, task, o.instance.key, o.inputHash, error);
                    }
                }
                for (const { o, answer } of await this.runModel(stage, task, labeler, batch)) {
                    newLabels.push({ id: id(o), task: task.name, item: o.instance.key, labeler: labeler.name, labelerKind: 'model', value: answer.value, score: answer.score, programVersion: plan.hash });
                    answered.push({ o, value: answer.value, score: answer.score });
                }
            }
            this.labels.push(...newLabels);
            const failedKeys = new Set(this.states.filter((s) => s.stage === stage.id && s.status === 'failed').map((s) => s.item));
            for (const a of answered) {
                a.o.answers++;
                a.o.given.push({ value: a.value, score: a.score, labeler: labeler.name });
                a.o.best = combine(a.o.given, task.classes.length);
            }
            const next: Open[] = [];
            for (const o of open) {
                if (failedKeys.has(o.instance.key)) continue;
                if (o.best && (o.best.score >= target - 1e-9 || o.answers >= task.quality.maxLabels)) finish(o);
                else next.push(o);
            }
            open = next;
        }
        // Route exhausted without a person: the best answer stands, marked as below the target.
        for (const o of open) {
            if (o.best) finish(o, { reason: 'below the quality target; no person on the route' });
            else this.record(stage, o.instance.key, 'waiting', { contract: task.contractHash, input: o.inputHash, reason: 'no labeler on the route could answer', ...o.seen });
        }
    }

    /**
     * Folds people's answers into an item's answer. A choice combines them with the automatic
     * answers as votes weighted by each person's declared accuracy, and is final once it reaches
     * the target or `at most N labels`; otherwise more people are asked (the same labeler while its
     * pool lasts, then the next person on the route). Any other answer (text, boxes) is a person's
     * review of the proposal: the latest stands. Returns who to wait for, or null when final.
     */
    private afterPeople(
        task: PlanTask,
        o: { answers: number; given: Array<{ value: JsonValue; score: number; labeler: string }>; best?: { value: JsonValue; score: number; labeler: string } },
        answers: readonly Label[],
        people: PlanTask['route']['stages'],
        setBest: (best: { value: JsonValue; score: number; labeler: string }) => void,
    ): string | null {
        if (answers.length === 0) return people[0].labeler;
        const { plan } = this.executor.opts;
        const accuracyOf = (name: string) => {
            const declared = plan.labelers.find((l) => l.name === name);
            return declared ? declared.accuracy : people[0].accuracy; // a person's own id: the route's prior
        };
        if (task.classes.length < 2) {
            const latest = latestHuman(answers)!;
            setBest({ value: latest.value, score: accuracyOf(latest.labeler), labeler: latest.labeler });
            return null;
        }
        const given = [...o.given, ...answers.map((a) => ({ value: a.value, score: accuracyOf(a.labeler), labeler: a.labeler }))];
        const best = combine(given, task.classes.length);
        setBest(best);
        if (best.score >= task.quality.target - 1e-9 || given.length >= task.quality.maxLabels) return null;
        // Ask the first person on the route whose pool is not used up.
        for (const person of people) {
            if (answers.filter((a) => a.labeler === person.labeler || !plan.labelers.some((l) => l.name === a.labeler)).length < person.answers) return person.labeler;
        }
        return null; // every person has answered: the best answer stands below the target
    }

    /** Runs a model on a batch; when the batch fails, item by item, so only the bad items fail. */
    private async runModel<O extends { instance: Instance; inputHash: string }>(
        stage: PlanStage,
        task: PlanTask,
        labeler: PlanModelLabeler,
        batch: Array<{ o: O; input: ModelInputValue }>,
    ): Promise<Array<{ o: O; answer: ModelAnswer }>> {
        const runner = this.executor.modelRunner;
        if (batch.length === 0) return [];
        try {
            const answers = await runner.run(labeler, batch.map((b) => b.input));
            return batch.map((b, i) => ({ o: b.o, answer: answers[i] }));
        } catch (error) {
            if (batch.length === 1) {
                this.failed(stage, task, batch[0].o.instance.key, batch[0].o.inputHash, error);
                return [];
            }
        }
        const out: Array<{ o: O; answer: ModelAnswer }> = [];
        for (const b of batch) {
            try {
                out.push({ o: b.o, answer: (await runner.run(labeler, [b.input]))[0] });
            } catch (error) {
                this.failed(stage, task, b.o.instance.key, b.o.inputHash, error);
            }
        }
        return out;
    }

    private failed(stage: PlanStage, task: PlanTask, key: string, inputHash: string, error: unknown): void {
        const message = error instanceof Error ? error.message : String(error);
        this.record(stage, key, 'failed', { contract: task.contractHash, input: inputHash, error: message });
        this.executor.fail({ flow: this.flow.name, stage: stage.id, item: key, message });
    }
}

/**
 * The item's answer so far. For a choice among K classes, answers are combined as one-coin votes
 * (each right with its confidence, wrong answers spread evenly over the other classes), so a rule
 * and a model that agree are surer together than either alone; otherwise the surest answer stands.
 */
export function combine(given: ReadonlyArray<{ value: JsonValue; score: number; labeler: string }>, classes: number): { value: JsonValue; score: number; labeler: string } {
    const surest = given.reduce((a, b) => (b.score > a.score ? b : a));
    if (given.length === 1 || classes < 2 || given.some((g) => typeof g.value !== 'string' && typeof g.value !== 'boolean')) return surest;
    const values = [...new Set(given.map((g) => String(g.value)))];
    const logLikelihood = (candidate: string) =>
        given.reduce((sum, g) => {
            const p = Math.min(Math.max(g.score, 1e-6), 1 - 1e-6);
            return sum + Math.log(String(g.value) === candidate ? p : (1 - p) / (classes - 1));
        }, 0);
    // Classes nobody answered share one likelihood; there are classes - values.length of them.
    const unseen = classes - values.length;
    const scores = values.map(logLikelihood);
    const unseenScore = given.reduce((sum, g) => sum + Math.log((1 - Math.min(Math.max(g.score, 1e-6), 1 - 1e-6)) / (classes - 1)), 0);
    const top = Math.max(...scores, unseen > 0 ? unseenScore : -Infinity);
    const total = scores.reduce((s, x) => s + Math.exp(x - top), 0) + unseen * Math.exp(unseenScore - top);
    const best = scores.indexOf(Math.max(...scores));
    const winner = given.filter((g) => String(g.value) === values[best]).reduce((a, b) => (b.score > a.score ? b : a));
    return { value: winner.value, score: Math.exp(scores[best] - top) / total, labeler: given.length > 1 ? given.map((g) => g.labeler).join('+') : winner.labeler };
}

/** A span label (`start`, `end`) gets its `text` from the text it was highlighted in, when it has none. */
function withSpanText(element: JsonValue, text: string | undefined): JsonValue {
    if (text === undefined || element === null || typeof element !== 'object' || Array.isArray(element)) return element;
    const { start, end } = element as { start?: unknown; end?: unknown };
    if (typeof start !== 'number' || typeof end !== 'number' || 'text' in element) return element;
    return { ...element, text: text.slice(start, end) };
}

function latestHuman(labels: readonly Label[]): Label | undefined {
    return [...labels].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
}

/** Runs every flow of the plan; see PlanExecutor. */
export async function runPlan(options: RunOptions): Promise<RunSummary> {
    return new PlanExecutor(options).run();
}
