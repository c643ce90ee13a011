/**
 * One flow item going through its flow's stages: expanding loops over list labels, deciding
 * conditions, deriving inputs (crops, span texts) and handing the ready stage items to the task's
 * route (route-policy.ts for a single choice, route-cascade.ts for anything else). What it
 * collects (labels, final answers, stage states) goes to the run's buffer when the item is done.
 * It sees the run only through RunContext.
 */
import { contentHash } from '../plan/hash.js';
import type { PlanCondition, PlanExpression, PlanFlow, PlanLoop, PlanStage, PlanTask } from '../plan/types.js';
import { StoreError } from '../store/errors.js';
import type { JsonValue, StageState } from '../store/types.js';
import { evaluate, readsLoop, UNKNOWN, type Scope } from './evaluate.js';
import type { FlowItem } from './flow-items.js';
import { ItemImages } from './item-images.js';
import { ItemWork } from './item-work.js';
import { keptState } from './kept-state.js';
import { labelAlongRoute } from './route-cascade.js';
import { labelByPolicy } from './route-policy.js';
import type { RunContext } from './run-context.js';
import type { Instance, Ready, StageRun } from './stage-item.js';
import type { StageDetail } from './stage-state.js';
import { routedByPolicy } from './task-routing.js';

/** A stage's enclosing loops, outermost first (plans list them all only when loops are nested). */
function loopsOf(stage: PlanStage): PlanLoop[] {
    return stage.loops ?? (stage.forEach ? [stage.forEach] : []);
}

/** One flow item going through the flow's stages. */
export class ItemRun {
    private readonly work: ItemWork;
    private readonly images: ItemImages;

    constructor(
        private readonly ctx: RunContext,
        private readonly flow: PlanFlow,
        runId: string,
        private readonly item: FlowItem,
        /** The stage states earlier runs stored, by stage id then stage item key. */
        private readonly previous: ReadonlyMap<string, ReadonlyMap<string, StageState>>,
    ) {
        this.work = new ItemWork(ctx, flow.name, runId);
        this.images = new ItemImages(ctx, item);
    }

    async run(): Promise<void> {
        for (const stage of this.flow.stages) {
            this.work.begin(stage);
            try {
                await this.runStage(stage);
            } catch (error) {
                if (error instanceof StoreError) {
                    throw error; // the store failing is the run failing
                }
                // A plan this executor cannot follow for this item (e.g. a condition over a value
                // without that member) fails the item at this stage; later stages wait on it.
                this.work.failed(stage, this.ctx.task(stage.task), this.item.key, '', error);
            }
        }
        this.ctx.buffer(this.work);
    }

    private async runStage(stage: PlanStage): Promise<void> {
        const task = this.ctx.task(stage.task);
        const instances = this.enter(stage, task);
        const ready: Ready[] = [];
        for (const instance of instances) {
            const r = await this.readyOrRecorded(stage, task, instance);
            if (r) {
                ready.push(r);
            }
        }
        if (ready.length > 0) {
            const run: StageRun = { ctx: this.ctx, work: this.work, item: this.item, images: this.images, stage, task };
            await (routedByPolicy(task) ? labelByPolicy(run, ready) : labelAlongRoute(run, ready));
        }
    }

    /**
     * The stage's instances this item enters, or none when the item as a whole is skipped or waits
     * (recorded here). Conditions on the item as a whole (an `if` around a `for`) are decided
     * before the loop's list is needed.
     */
    private enter(stage: PlanStage, task: PlanTask): Instance[] {
        const whole: Instance = { key: this.item.key, elements: [] };
        const outer = stage.conditions.filter((c) => !this.perElement(stage, c)).map((c) => this.holds(c, this.scope(stage, whole)));
        if (stage.forEach && outer.includes(false)) {
            this.work.record(stage, this.item.key, 'skipped', { contract: task.contractHash });
            return [];
        }
        if (stage.forEach && outer.includes(UNKNOWN)) {
            this.work.record(stage, this.item.key, 'pending', {
                contract: task.contractHash,
                reason: 'waiting for the labels its conditions read',
            });
            return [];
        }
        const instances = this.instances(stage, task);
        if (instances === 'blocked') {
            this.work.record(stage, this.item.key, 'pending', {
                contract: task.contractHash,
                reason: `waiting for ${stage.forEach!.over}`,
            });
            return [];
        }
        this.expandPlaceholder(stage, task, this.item.key, stage.forEach !== null);
        return instances;
    }

    /** A list is known now: the placeholder state under `key` (pending or skipped) gives way to one state per element. */
    private expandPlaceholder(stage: PlanStage, task: PlanTask, key: string, inLoop: boolean): void {
        const placeholder = this.previous.get(stage.id)?.get(key)?.status;
        if (inLoop && (placeholder === 'pending' || placeholder === 'skipped')) {
            this.work.record(stage, key, 'expanded', { contract: task.contractHash });
        }
    }

    /**
     * A stage instance ready to be labeled, or null when its state is recorded already: its
     * conditions do not hold (skipped), are not decided yet or its inputs not known (pending),
     * it failed, or an earlier run's state still holds (kept).
     */
    private async readyOrRecorded(stage: PlanStage, task: PlanTask, instance: Instance): Promise<Ready | null> {
        const env = this.scope(stage, instance);
        const pending = (reason: string) => this.work.record(stage, instance.key, 'pending', { contract: task.contractHash, reason });
        let where: Array<boolean | typeof UNKNOWN>;
        try {
            where = stage.conditions.map((c) => this.holds(c, env));
        } catch (error) {
            this.work.failed(stage, task, instance.key, '', error);
            return null;
        }
        if (where.includes(false)) {
            this.work.record(stage, instance.key, 'skipped', { contract: task.contractHash });
            return null;
        }
        if (where.includes(UNKNOWN)) {
            pending('waiting for the labels its conditions read');
            return null;
        }
        const input = stage.inputs.map((i) => evaluate(i.tree, env));
        if (input.includes(UNKNOWN)) {
            pending('waiting for the labels its inputs read');
            return null;
        }
        const ready = { instance, input, inputHash: contentHash(input).slice(0, 16) };
        return (await this.keep(stage, task, ready)) ? null : ready;
    }

    /** Records the state an earlier run stored when it still holds; whether it did. */
    private async keep(stage: PlanStage, task: PlanTask, { instance, inputHash }: Ready): Promise<boolean> {
        const state = this.previous.get(stage.id)?.get(instance.key);
        const kept = keptState(state, task, inputHash, this.ctx.migration);
        if (!kept || (kept.status !== 'done' && kept.status !== 'skipped')) {
            return false;
        }
        const stored = state?.detail as unknown as StageDetail;
        if (kept.status === 'done' && (await this.answeredSince(task, instance.key, stored.people, state?.updatedAt))) {
            return false; // a person answered after the item was final (a review, a correction): decide again
        }
        if (kept.status === 'done' && stored.value !== kept.detail.value && kept.detail.value !== undefined) {
            // Carried over by a migration (a renamed member): the final answer follows.
            const previous = await this.ctx.store.getAggregate(task.name, instance.key);
            if (previous) {
                this.work.aggregates.push({ ...previous, value: kept.detail.value, updatedAt: undefined });
            }
        }
        this.work.record(stage, instance.key, kept.status, kept.detail);
        return true;
    }

    /**
     * Whether people answered this task item since it was decided: the store holds more of their labels
     * than the decision had (`people`, whatever the new labels' times: one saved while the run decided
     * is counted too), or, for a state that does not say, one stored after `since` (an ISO time).
     */
    private async answeredSince(task: PlanTask, key: string, people: number | undefined, since: string | undefined): Promise<boolean> {
        if (people === undefined && !since) {
            return false;
        }
        const answers = await this.ctx.store.labels({ task: task.name, item: key, labelerKind: 'human' });
        return people !== undefined ? answers.length > people : answers.some((l) => l.createdAt > since!);
    }

    /**
     * The stage's instances for this item: one, or one per combination of its loops' elements, an
     * inner list read once per outer element. An outer element its conditions already rule out is
     * skipped as a whole, and one whose inner list is not known yet waits, both recorded here under
     * the outer element's key. 'blocked' when the outermost list is not known yet.
     */
    private instances(stage: PlanStage, task: PlanTask): Instance[] | 'blocked' {
        let level: Instance[] = [{ key: this.item.key, elements: [] }];
        for (const [depth, loop] of loopsOf(stage).entries()) {
            const next: Instance[] = [];
            for (const outer of level) {
                if (depth > 0 && this.ruledOut(stage, outer)) {
                    this.work.record(stage, outer.key, 'skipped', { contract: task.contractHash });
                    continue;
                }
                const list = evaluate(loop.tree, this.scope(stage, outer));
                if (list === UNKNOWN && depth === 0) {
                    return 'blocked';
                }
                if (list === UNKNOWN) {
                    this.work.record(stage, outer.key, 'pending', { contract: task.contractHash, reason: `waiting for ${loop.over}` });
                    continue;
                }
                if (!Array.isArray(list)) {
                    throw new TypeError(`flow ${this.flow.name}: \`for ${loop.variable} in ${loop.over}\` is not over a list`);
                }
                this.expandPlaceholder(stage, task, outer.key, depth > 0);
                const spanText = this.spanSource(loop.tree, outer);
                list.forEach((element, index) =>
                    next.push({
                        key: `${outer.key}#${index}`,
                        elements: [...outer.elements, withSpanText(element as JsonValue, spanText)],
                    }),
                );
            }
            level = next;
        }
        return level;
    }

    /** What the stage's expressions read for this instance: the item, the bound loop elements, stage results. */
    private scope(stage: PlanStage, instance: Instance): Scope {
        return {
            item: () => ({ key: this.item.key, split: this.item.split, ...this.item.fields }),
            loop: (depth) => (depth < instance.elements.length ? instance.elements[depth] : UNKNOWN),
            result: (id) => {
                const source = this.flow.stages.find((s) => s.id === id);
                if (!source) {
                    throw new TypeError(`flow ${this.flow.name}: stage '${stage.id}' reads stage '${id}', which the flow does not have`);
                }
                return this.resultOf(source, instance);
            },
        };
    }

    /** The final value of `source` for this item (or the same elements of the loops it is in), or UNKNOWN. */
    private resultOf(source: PlanStage, instance: Instance): unknown {
        const results = this.work.resultsOf(source.id);
        const depth = loopsOf(source).length;
        if (!results || depth > instance.elements.length) {
            return UNKNOWN; // not run yet, or a deeper loop's element is not bound here
        }
        const indices = instance.key
            .slice(this.item.key.length)
            .split('#')
            .slice(1, depth + 1);
        const key = this.item.key + indices.map((i) => `#${i}`).join('');
        return results.has(key) ? results.get(key) : UNKNOWN;
    }

    /** Whether a condition is already false for these outer elements, whatever the inner ones are. */
    private ruledOut(stage: PlanStage, partial: Instance): boolean {
        const env = this.scope(stage, partial);
        return stage.conditions.some((c) => {
            try {
                return this.holds(c, env) === false;
            } catch {
                return false; // decided (and reported) per element
            }
        });
    }

    /**
     * The text a list of spans was highlighted in: the first Text field its task shows, or, for a
     * task over a Text value (`mentions(p.text)` inside an outer loop), that value for these outer elements.
     */
    private spanSource(over: PlanExpression, outer: Instance): string | undefined {
        const source = over.kind === 'result' ? this.flow.stages.find((s) => s.id === over.stage) : undefined;
        if (!source) {
            return undefined;
        }
        const task = this.ctx.task(source.task);
        const field = task.show.find((s) => s.type === 'Text' && s.field)?.field ?? task.show.find((s) => s.field)?.field;
        let value: unknown = field ? this.item.fields[field] : undefined;
        const parameter = task.input[0]?.type;
        if (value === undefined && parameter?.kind === 'value' && parameter.type === 'Text' && source.inputs[0]) {
            try {
                value = evaluate(source.inputs[0].tree, this.scope(source, outer));
            } catch {
                value = undefined; // the span keeps only its offsets
            }
        }
        return typeof value === 'string' ? value : undefined;
    }

    /** Whether a condition is decided per loop element (it reads a loop's element or a stage inside a loop). */
    private perElement(stage: PlanStage, condition: PlanCondition): boolean {
        if (loopsOf(stage).length === 0) {
            return false;
        }
        if (condition.kind === 'where' || readsLoop(condition.tree)) {
            return true;
        }
        return condition.reads.some((id) => this.flow.stages.find((s) => s.id === id)?.forEach);
    }

    /** true, false, or UNKNOWN when a label it reads is not final yet. */
    private holds(condition: PlanCondition, env: Scope): boolean | typeof UNKNOWN {
        let value: unknown;
        try {
            value = evaluate(condition.tree, env);
        } catch (error) {
            const keyword = condition.kind === 'else' ? 'if' : condition.kind;
            throw new TypeError(`\`${keyword} ${condition.expression}\`: ${(error as Error).message}; correct the answer it reads`);
        }
        return value === UNKNOWN ? UNKNOWN : condition.kind === 'else' ? !value : Boolean(value);
    }
}

/** A span label (`start`, `end`) gets its `text` from the text it was highlighted in, when it has none. */
function withSpanText(element: JsonValue, text: string | undefined): JsonValue {
    if (text === undefined || element === null || typeof element !== 'object' || Array.isArray(element)) {
        return element;
    }
    const { start, end } = element as { start?: unknown; end?: unknown };
    if (typeof start !== 'number' || typeof end !== 'number' || 'text' in element) {
        return element;
    }
    return { ...element, text: text.slice(start, end) };
}
