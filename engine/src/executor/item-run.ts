/**
 * One flow item going through its flow's stages: expanding loops over list labels, deciding
 * conditions, deriving inputs (crops, span texts), following each task's route, and collecting
 * the labels, final answers and stage states the executor then writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodePng, readImage, type RgbImage } from '../data/image.js';
import type { RotatedBox } from '../data/rotated-box.js';
import { readingCrop } from '../vision/rectify.js';
import { joinFields } from '../data/hashed-featurizer.js';
import { contentHash } from '../plan/hash.js';
import type { PlanFlow, PlanModelLabeler, PlanRulesLabeler, PlanStage, PlanTask } from '../plan/types.js';
import { StoreError } from '../store/errors.js';
import type { Aggregate, JsonValue, Label, NewLabel, StageState } from '../store/types.js';
import { combine, latestHuman } from './answers.js';
import type { PlanExecutor } from './executor.js';
import { evaluate, UNKNOWN, type Environment, type Expr } from './expression.js';
import type { FlowItem } from './flow-items.js';
import type { ModelAnswer, ModelInputValue } from './model-runner.js';
import { runRules } from './rules-runner.js';
import { replayedLabel, routedByPolicy, type TaskRouting } from './task-routing.js';
import type { StageDetail, StageStatus } from './stage-state.js';

interface Instance {
    /** The stage item key: the flow item's key, then `#index` per enclosing loop. */
    key: string;
    /** The element of each enclosing loop bound so far, outermost first (fewer than the stage's loops while expanding). */
    elements: JsonValue[];
}

/** A stage item ready to be labeled: its instance, input values and their hash. */
interface Ready {
    instance: Instance;
    input: unknown[];
    inputHash: string;
}

/** A ready stage item being labeled, with the answers it has so far. */
type Open = Ready & {
    best?: { value: JsonValue; score: number; labeler: string };
    answers: number;
    given: Array<{ value: JsonValue; score: number; labeler: string }>;
    seen: Pick<StageDetail, 'derived' | 'shown'>;
};

/** A stage's enclosing loops, outermost first (plans list them all only when loops are nested). */
function loopsOf(stage: PlanStage): Array<NonNullable<PlanStage['forEach']>> {
    return stage.loops ?? (stage.forEach ? [stage.forEach] : []);
}

/** A derived `crop(image, box)` input, cut out when a model or a person needs it (upright, with a reading margin: vision/rectify.ts). */
interface Crop {
    kind: 'crop';
    image: string;
    box: RotatedBox;
}

function isCrop(value: unknown): value is Crop {
    return typeof value === 'object' && value !== null && (value as Crop).kind === 'crop';
}

/** One flow item going through the flow's stages. */
export class ItemRun {
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
                if (error instanceof StoreError) {
                    throw error; // the store failing is the run failing
                }
                // A plan this executor cannot follow for this item (e.g. a condition over a value
                // without that member) fails the item at this stage; later stages wait on it.
                const task = this.executor.task(stage.task);
                this.failed(stage, task, this.item.key, '', error);
            }
        }
        this.executor.buffer({ labels: this.labels, aggregates: this.aggregates, states: this.states });
    }

    private record(stage: PlanStage, key: string, status: StageStatus | 'expanded', detail: StageDetail): void {
        this.states.push({ run: this.runId, stage: stage.id, item: key, status, detail: detail as unknown as JsonValue });
        if (status === 'done' && detail.value !== undefined) {
            this.results.get(stage.id)!.set(key, detail.value);
        }
    }

    private environment(stage: PlanStage, instance: Instance): Environment {
        return {
            name: (name) => {
                // A called flow's parameter is its argument, evaluated where the call was (earlier bindings only).
                const bindings = stage.bindings ?? [];
                for (let i = bindings.length - 1; i >= 0; i--) {
                    if (name === bindings[i].name) {
                        return evaluate(
                            this.executor.parse(bindings[i].expression),
                            this.environment({ ...stage, bindings: bindings.slice(0, i) }, instance),
                        );
                    }
                }
                const loops = loopsOf(stage);
                // Innermost first, so an inner loop variable hides an outer one of the same name.
                for (let depth = loops.length - 1; depth >= 0; depth--) {
                    if (name === loops[depth].variable) {
                        return depth < instance.elements.length ? instance.elements[depth] : UNKNOWN;
                    }
                }
                if (name === this.parameter || this.calleeParameters(stage).has(name)) {
                    return { key: this.item.key, split: this.item.split, ...this.item.fields };
                }
                const bound = this.flow.stages.find((s) => s.binds === name);
                if (bound) {
                    return this.resultOf(bound, instance);
                }
                return name; // a label-set member
            },
            call: (call, args) => {
                if (call.callee === 'crop') {
                    const [image, box] = args();
                    if (image === UNKNOWN || box === UNKNOWN) {
                        return UNKNOWN;
                    }
                    return { kind: 'crop', image: String(image), box: box as unknown as RotatedBox } satisfies Crop;
                }
                if (call.callee === 'length') {
                    const [value] = args();
                    return value === UNKNOWN ? UNKNOWN : Array.isArray(value) ? value.length : String(value).length;
                }
                const candidates = this.flow.stages.filter((s) => s.task === call.callee);
                const source =
                    candidates.find((s) => stage.dependsOn.includes(s.id) || stage.conditions.some((c) => c.reads.includes(s.id))) ??
                    candidates[0];
                if (!source) {
                    throw new TypeError(`flow ${this.flow.name}: '${call.text}' calls '${call.callee}', which no stage of the flow runs`);
                }
                return this.resultOf(source, instance);
            },
        };
    }

    /** The item parameters of the flows a stage was inlined from (`via`): the same item under their names. */
    private calleeParameters(stage: PlanStage): Set<string> {
        const names = new Set<string>();
        for (const flowName of stage.via) {
            const input = this.executor.opts.plan.flows.find((f) => f.name === flowName)?.input[0];
            if (input?.type.kind === 'dataset') {
                names.add(input.name);
            }
        }
        return names;
    }

    /** The final value of `source` for this item (or the same elements of the loops it is in), or UNKNOWN. */
    private resultOf(source: PlanStage, instance: Instance): unknown {
        const results = this.results.get(source.id);
        if (!results) {
            return UNKNOWN;
        }
        const depth = loopsOf(source).length;
        if (depth > instance.elements.length) {
            return UNKNOWN; // a deeper loop's element is not bound here
        }
        const key =
            this.item.key +
            instance.key
                .slice(this.item.key.length)
                .split('#')
                .slice(1, depth + 1)
                .map((i) => `#${i}`)
                .join('');
        return results.has(key) ? results.get(key) : UNKNOWN;
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
            const over = this.executor.parse(loop.over);
            const next: Instance[] = [];
            for (const outer of level) {
                if (depth > 0 && this.ruledOut(stage, outer)) {
                    this.record(stage, outer.key, 'skipped', { contract: task.contractHash });
                    continue;
                }
                const list = evaluate(over, this.environment(stage, outer));
                if (list === UNKNOWN) {
                    if (depth === 0) {
                        return 'blocked';
                    }
                    this.record(stage, outer.key, 'pending', { contract: task.contractHash, reason: `waiting for ${loop.over}` });
                    continue;
                }
                if (!Array.isArray(list)) {
                    throw new TypeError(`flow ${this.flow.name}: \`for ${loop.variable} in ${loop.over}\` is not over a list`);
                }
                const placeholder = this.previous.get(stage.id)?.get(outer.key)?.status;
                if (depth > 0 && (placeholder === 'pending' || placeholder === 'skipped')) {
                    // The inner list is known now: the outer element's placeholder gives way to one state per element.
                    this.record(stage, outer.key, 'expanded', { contract: task.contractHash });
                }
                const spanText = this.spanSource(over, outer);
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

    /** Whether a condition is already false for these outer elements, whatever the inner ones are. */
    private ruledOut(stage: PlanStage, partial: Instance): boolean {
        const env = this.environment(stage, partial);
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
    private spanSource(over: Expr, outer: Instance): string | undefined {
        const source =
            over.kind === 'call'
                ? this.flow.stages.find((s) => s.task === over.callee)
                : over.kind === 'name'
                  ? this.flow.stages.find((s) => s.binds === over.name)
                  : undefined;
        if (!source) {
            return undefined;
        }
        const task = this.executor.task(source.task);
        const field = task.show.find((s) => s.type === 'Text' && s.field)?.field ?? task.show.find((s) => s.field)?.field;
        let value: unknown = field ? this.item.fields[field] : undefined;
        const parameter = task.input[0]?.type;
        if (value === undefined && parameter?.kind === 'value' && parameter.type === 'Text' && source.inputs[0]) {
            try {
                value = evaluate(this.executor.parse(source.inputs[0].expression), this.environment(source, outer));
            } catch {
                value = undefined; // the span keeps only its offsets
            }
        }
        return typeof value === 'string' ? value : undefined;
    }

    /** Whether a condition is decided per loop element (it reads the loop variable or a stage inside the loop). */
    private perElement(stage: PlanStage, condition: PlanStage['conditions'][number]): boolean {
        const loops = loopsOf(stage);
        if (loops.length === 0) {
            return false;
        }
        if (condition.kind === 'where') {
            return true;
        }
        if (loops.some((loop) => new RegExp(`\\b${loop.variable}\\b`).test(condition.expression))) {
            return true;
        }
        return condition.reads.some((id) => this.flow.stages.find((s) => s.id === id)?.forEach);
    }

    /** true, false, or UNKNOWN when a label it reads is not final yet. */
    private holds(condition: PlanStage['conditions'][number], env: Environment): boolean | typeof UNKNOWN {
        let value: unknown;
        try {
            value = evaluate(this.executor.parse(condition.expression), env);
        } catch (error) {
            throw new TypeError(
                `\`${condition.kind === 'else' ? 'if' : condition.kind} ${condition.expression}\`: ${(error as Error).message}; ` +
                    `correct the answer it reads`,
            );
        }
        return value === UNKNOWN ? UNKNOWN : condition.kind === 'else' ? !value : Boolean(value);
    }

    private async runStage(stage: PlanStage): Promise<void> {
        const task = this.executor.task(stage.task);
        // Conditions on the item as a whole (an `if` around a `for`) are decided before the loop's list is needed.
        const outer = stage.conditions
            .filter((c) => !this.perElement(stage, c))
            .map((c) => this.holds(c, this.environment(stage, { key: this.item.key, elements: [] })));
        if (stage.forEach && outer.includes(false)) {
            this.record(stage, this.item.key, 'skipped', { contract: task.contractHash });
            return;
        }
        if (stage.forEach && outer.includes(UNKNOWN)) {
            this.record(stage, this.item.key, 'pending', {
                contract: task.contractHash,
                reason: 'waiting for the labels its conditions read',
            });
            return;
        }
        const instances = this.instances(stage, task);
        if (instances === 'blocked') {
            this.record(stage, this.item.key, 'pending', { contract: task.contractHash, reason: `waiting for ${stage.forEach!.over}` });
            return;
        }
        const placeholder = this.previous.get(stage.id)?.get(this.item.key)?.status;
        if (stage.forEach && (placeholder === 'pending' || placeholder === 'skipped')) {
            // The list is known now: the item's placeholder gives way to one state per element.
            this.record(stage, this.item.key, 'expanded', { contract: task.contractHash });
        }
        const ready: Ready[] = [];
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
                this.record(stage, instance.key, 'pending', {
                    contract: task.contractHash,
                    reason: 'waiting for the labels its conditions read',
                });
                continue;
            }
            const input = stage.inputs.map((i) => evaluate(this.executor.parse(i.expression), env));
            if (input.includes(UNKNOWN)) {
                this.record(stage, instance.key, 'pending', {
                    contract: task.contractHash,
                    reason: 'waiting for the labels its inputs read',
                });
                continue;
            }
            const inputHash = contentHash(input).slice(0, 16);
            const kept = this.executor.validState(this.previous.get(stage.id)?.get(instance.key), task, inputHash);
            const state = this.previous.get(stage.id)?.get(instance.key);
            if (kept?.status === 'done' && (await this.answeredSince(task, instance.key, state?.updatedAt))) {
                // A person answered after the item was final (a review, a correction): decide again.
                ready.push({ instance, input, inputHash });
                continue;
            }
            if (kept && (kept.status === 'done' || kept.status === 'skipped')) {
                const stored = this.previous.get(stage.id)?.get(instance.key)?.detail as unknown as StageDetail;
                if (kept.status === 'done' && stored.value !== kept.detail.value && kept.detail.value !== undefined) {
                    // Carried over by a migration (a renamed member): the final answer follows.
                    const previous = await this.executor.opts.store.getAggregate(task.name, instance.key);
                    if (previous) {
                        this.aggregates.push({ ...previous, value: kept.detail.value, updatedAt: undefined });
                    }
                }
                this.record(stage, instance.key, kept.status, kept.detail);
                continue;
            }
            ready.push({ instance, input, inputHash });
        }
        if (ready.length > 0) {
            await this.label(stage, task, ready);
        }
    }

    /** Whether people answered this task item after `since` (an ISO time). */
    private async answeredSince(task: PlanTask, key: string, since: string | undefined): Promise<boolean> {
        if (!since) {
            return false;
        }
        const answers = await this.executor.opts.store.labels({ task: task.name, item: key, labelerKind: 'human' });
        return answers.some((l) => l.createdAt > since);
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
        if (this.image instanceof Error) {
            throw this.image;
        }
        return this.image!;
    }

    /** The model input for one stage item: the parameter's value (an image, a crop) or the model's input field of the item. */
    private modelInput(labeler: PlanModelLabeler, task: PlanTask, value: unknown): ModelInputValue {
        if (isCrop(value)) {
            return readingCrop(this.readItemImage(value.image), value.box);
        }
        const parameter = task.input[0]?.type;
        // An `Image` parameter given a field's value (`task(d.image)`) holds the image's path.
        if (typeof value === 'string' && parameter?.kind === 'value' && parameter.type === 'Image') {
            return this.readItemImage(value);
        }
        if (typeof value === 'object' && value !== null && labeler.input.fields) {
            const record = value as Record<string, unknown>;
            const missing = labeler.input.fields.find((f) => record[f] === undefined);
            if (missing) {
                throw new TypeError(`model '${labeler.name}' reads field '${missing}', which item '${this.item.key}' does not have`);
            }
            return joinFields(labeler.input.fields.map((f) => record[f]));
        }
        if (typeof value === 'object' && value !== null) {
            const field = labeler.input.field;
            const fieldValue = field ? (value as Record<string, unknown>)[field] : undefined;
            if (fieldValue === undefined) {
                throw new TypeError(`model '${labeler.name}' reads field '${field}', which item '${this.item.key}' does not have`);
            }
            const fieldType = this.executor.opts.plan.datasets
                .find((d) => d.name === this.item.dataset)
                ?.fields.find((f) => f.name === field)?.type;
            return fieldType === 'Image' ? this.readItemImage(String(fieldValue)) : String(fieldValue);
        }
        return String(value);
    }

    private derive(task: PlanTask, key: string, value: unknown): string | undefined {
        const dir = this.executor.opts.derivedDir;
        if (!dir || !isCrop(value)) {
            return undefined;
        }
        const file = path.join(dir, task.name, `${key.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, encodePng(readingCrop(this.readItemImage(value.image), value.box)));
        return file;
    }

    /** The ready stage items with what people will be shown (derived crops, computed inputs). */
    private prepare(stage: PlanStage, task: PlanTask, ready: Ready[]): Open[] {
        const open: Open[] = [];
        for (const r of ready) {
            try {
                const shown = Object.fromEntries(
                    stage.inputs.flatMap((input, i) =>
                        input.derivation === 'value' && ['string', 'number', 'boolean'].includes(typeof r.input[i])
                            ? [[input.parameter, r.input[i] as JsonValue]]
                            : [],
                    ),
                );
                const derived = this.derive(task, r.instance.key, r.input[0]);
                open.push({
                    ...r,
                    answers: 0,
                    given: [],
                    seen: { ...(derived ? { derived } : {}), ...(Object.keys(shown).length > 0 ? { shown } : {}) },
                });
            } catch (error) {
                this.failed(stage, task, r.instance.key, r.inputHash, error);
            }
        }
        return open;
    }

    /** Follows the task's route for the ready stage items: a choice by the routing policy, anything else along the route in order. */
    private async label(stage: PlanStage, task: PlanTask, ready: Ready[]): Promise<void> {
        if (routedByPolicy(task)) {
            return this.labelByPolicy(stage, task, this.prepare(stage, task, ready));
        }
        const { store, plan } = this.executor.opts;
        const target = task.quality.target;
        const peopleAnswered = new Set<string>();
        for (const r of ready) {
            if ((await store.countLabels({ task: task.name, item: r.instance.key, labelerKind: 'human' })) > 0) {
                peopleAnswered.add(r.instance.key);
            }
        }
        let open = this.prepare(stage, task, ready);
        const finish = (o: Open, extra: Partial<StageDetail> = {}) => {
            if (o.best) {
                this.aggregates.push({
                    task: task.name,
                    item: o.instance.key,
                    value: o.best.value,
                    confidence: o.best.score,
                    method: `route ${task.route.strategy}`,
                    answers: Math.max(1, o.answers),
                });
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
            if (open.length === 0) {
                break;
            }
            const labeler = plan.labelers.find((l) => l.name === routeStage.labeler);
            if (!labeler) {
                continue;
            }
            const id = (o: Open) => automaticLabelId(task, o.instance.key, labeler.name);
            const answered: Array<{ o: Open; value: JsonValue; score: number }> = [];
            if (labeler.kind === 'human') {
                const people = task.route.stages.slice(task.route.stages.indexOf(routeStage)).filter((r) => r.kind === 'human');
                for (const o of open) {
                    const answers = await store.labels({ task: task.name, item: o.instance.key, labelerKind: 'human' });
                    const next = this.afterPeople(task, o, answers, people, (best) => (o.best = best));
                    if (next === null) {
                        finish(o);
                    } else {
                        this.record(stage, o.instance.key, 'waiting', {
                            contract: task.contractHash,
                            input: o.inputHash,
                            waitingFor: next,
                            ...o.seen,
                            value: o.best?.value,
                            score: o.best?.score,
                            labeler: o.best?.labeler,
                        });
                    }
                }
                open = [];
                break; // people answer outside the run; the next run reads their answers
            }
            const fresh: Open[] = [];
            for (const o of open) {
                const stored = await store.getLabel(id(o));
                if (stored && stored.supersededBy === undefined) {
                    answered.push({ o, value: stored.value, score: stored.score ?? 0 });
                } else {
                    fresh.push(o);
                }
            }
            const newLabels: NewLabel[] = [];
            if (labeler.kind === 'rules') {
                for (const o of fresh) {
                    try {
                        const answer = runRules(labeler as PlanRulesLabeler, this.item);
                        if (!answer) {
                            continue; // abstains
                        }
                        newLabels.push({
                            id: id(o),
                            task: task.name,
                            item: o.instance.key,
                            labeler: labeler.name,
                            labelerKind: 'rules',
                            value: answer.value,
                            score: answer.score,
                            programVersion: plan.hash,
                        });
                        answered.push({ o, value: answer.value, score: answer.score });
                    } catch (error) {
                        this.failed(stage, task, o.instance.key, o.inputHash, error);
                    }
                }
            } else if (fresh.length > 0) {
                const batch = this.modelBatch(stage, task, labeler, fresh);
                for (const { o, answer } of await this.runModel(stage, task, labeler, batch)) {
                    newLabels.push({
                        id: id(o),
                        task: task.name,
                        item: o.instance.key,
                        labeler: labeler.name,
                        labelerKind: 'model',
                        value: answer.value,
                        score: answer.score,
                        programVersion: plan.hash,
                    });
                    answered.push({ o, value: answer.value, score: answer.score });
                }
            }
            for (const label of newLabels) {
                this.labels.push(label);
            }
            const failedKeys = new Set(this.states.filter((s) => s.stage === stage.id && s.status === 'failed').map((s) => s.item));
            for (const a of answered) {
                a.o.answers++;
                a.o.given.push({ value: a.value, score: a.score, labeler: labeler.name });
                a.o.best = combine(a.o.given, task.classes.length);
            }
            const next: Open[] = [];
            for (const o of open) {
                if (failedKeys.has(o.instance.key)) {
                    continue;
                }
                // People's answers, when there are any, are always heard before the item is final.
                const heard = peopleAnswered.has(o.instance.key);
                if (!heard && o.best && (o.best.score >= target - 1e-9 || o.answers >= task.quality.maxLabels)) {
                    finish(o);
                } else {
                    next.push(o);
                }
            }
            open = next;
        }
        // Route exhausted without a person: the best answer stands, marked as below the target.
        for (const o of open) {
            if (o.best) {
                finish(o, { reason: 'below the quality target; no person on the route' });
            } else {
                this.record(stage, o.instance.key, 'waiting', {
                    contract: task.contractHash,
                    input: o.inputHash,
                    reason: 'no labeler on the route could answer',
                    ...o.seen,
                });
            }
        }
    }

    /**
     * The routing policy labels a choice: the route's models and rules give their answers (each run
     * once per item, kept in the store), then the task's PolicyRun asks whom it chooses until the
     * item is done — a person it asks means the item waits for people (or, replaying, the recorded
     * answer is taken). Every answer updates the item's aggregate at once.
     */
    private async labelByPolicy(stage: PlanStage, task: PlanTask, open: Open[]): Promise<void> {
        const { plan } = this.executor.opts;
        const routing = await this.executor.routing(task);
        const automatic = await this.automaticAnswers(stage, task, open, routing);
        const failedKeys = new Set(this.states.filter((s) => s.stage === stage.id && s.status === 'failed').map((s) => s.item));
        for (const o of open) {
            const key = o.instance.key;
            if (failedKeys.has(key)) {
                continue;
            }
            const given = automatic.get(key) ?? new Map<string, { value: JsonValue; score: number }>();
            const outcome = routing.route(key, new Map([...given].map(([labeler, a]) => [labeler, String(a.value)])));
            for (const answer of outcome.newLabels) {
                if (answer.labeler.kind === 'human') {
                    this.labels.push(replayedLabel(task, key, answer.member, routing.valueOf(answer.value), plan.hash));
                } else {
                    const { value, score } = given.get(answer.member)!;
                    this.labels.push({
                        id: automaticLabelId(task, key, answer.member),
                        task: task.name,
                        item: key,
                        labeler: answer.member,
                        labelerKind: answer.labeler.kind,
                        value,
                        score,
                        programVersion: plan.hash,
                    });
                }
            }
            const aggregate = routing.aggregateOf(key);
            if (aggregate) {
                this.aggregates.push(aggregate);
            }
            const best = aggregate ? { value: aggregate.value, score: aggregate.confidence, labeler: routing.answeredBy(key) } : {};
            const among = routing.restrictedTo(key);
            const base = { contract: task.contractHash, input: o.inputHash, ...o.seen, ...best, ...(among ? { among: [...among] } : {}) };
            const closed = outcome.status !== 'waiting' ? routing.reaskClosed(key) : undefined;
            if (closed) {
                this.states.push(closed); // the re-ask is decided: later answers may be any member again
            }
            if (outcome.status === 'waiting') {
                this.record(stage, key, 'waiting', { ...base, waitingFor: outcome.waitingFor!.labeler.name });
            } else if (!aggregate) {
                this.record(stage, key, 'waiting', { ...base, reason: 'nobody on the route could answer' });
            } else if (outcome.status === 'exhausted') {
                this.record(stage, key, 'done', { ...base, reason: 'below the quality target; nobody left to ask' });
            } else {
                this.record(stage, key, 'done', base);
            }
        }
    }

    /** The answers of the route's models and rules that the item has not had yet, by item then labeler. */
    private async automaticAnswers(
        stage: PlanStage,
        task: PlanTask,
        open: Open[],
        routing: TaskRouting,
    ): Promise<Map<string, Map<string, { value: JsonValue; score: number }>>> {
        const { plan } = this.executor.opts;
        const out = new Map<string, Map<string, { value: JsonValue; score: number }>>();
        const put = (key: string, labeler: string, value: JsonValue, score: number) => {
            if (!out.has(key)) {
                out.set(key, new Map());
            }
            out.get(key)!.set(labeler, { value, score });
        };
        for (const routeStage of task.route.stages) {
            const labeler = plan.labelers.find((l) => l.name === routeStage.labeler);
            if (!labeler || labeler.kind === 'human') {
                continue;
            }
            const fresh = open.filter((o) => !routing.run.router.answers(o.instance.key).some(([m]) => m === labeler.name));
            if (labeler.kind === 'rules') {
                for (const o of fresh) {
                    try {
                        const answer = runRules(labeler as PlanRulesLabeler, this.item);
                        if (answer) {
                            put(o.instance.key, labeler.name, answer.value, answer.score);
                        }
                    } catch (error) {
                        this.failed(stage, task, o.instance.key, o.inputHash, error);
                    }
                }
                continue;
            }
            const batch = this.modelBatch(stage, task, labeler, fresh);
            for (const { o, answer } of await this.runModel(stage, task, labeler, batch)) {
                put(o.instance.key, labeler.name, answer.value, answer.score);
            }
        }
        return out;
    }

    /**
     * Folds people's answers into the answer of an item the routing policy does not route (a single
     * choice goes through `labelByPolicy`). Several choices are combined with the automatic answers
     * (the surest stands) until the target or `at most N labels`, asking the same labeler while its
     * pool lasts, then the next person on the route. Any other answer (text, boxes) is a person's
     * review of the proposal: the latest stands. Returns who to wait for, or null when final.
     */
    private afterPeople(
        task: PlanTask,
        o: {
            answers: number;
            given: Array<{ value: JsonValue; score: number; labeler: string }>;
            best?: { value: JsonValue; score: number; labeler: string };
        },
        answers: readonly Label[],
        people: PlanTask['route']['stages'],
        setBest: (best: { value: JsonValue; score: number; labeler: string }) => void,
    ): string | null {
        if (answers.length === 0) {
            return people[0].labeler;
        }
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
        if (best.score >= task.quality.target - 1e-9 || given.length >= task.quality.maxLabels) {
            return null;
        }
        // Ask the first person on the route whose pool is not used up.
        for (const person of people) {
            if (
                answers.filter((a) => a.labeler === person.labeler || !plan.labelers.some((l) => l.name === a.labeler)).length <
                person.answers
            ) {
                return person.labeler;
            }
        }
        return null; // every person has answered: the best answer stands below the target
    }

    /** The model inputs of the stage items (an item whose input cannot be read fails here). */
    private modelBatch(
        stage: PlanStage,
        task: PlanTask,
        labeler: PlanModelLabeler,
        items: Open[],
    ): Array<{ o: Open; input: ModelInputValue }> {
        const batch: Array<{ o: Open; input: ModelInputValue }> = [];
        for (const o of items) {
            try {
                batch.push({ o, input: this.modelInput(labeler, task, o.input[0]) });
            } catch (error) {
                this.failed(stage, task, o.instance.key, o.inputHash, error);
            }
        }
        return batch;
    }

    /** Runs a model on a batch; when the batch fails, item by item, so only the bad items fail. */
    private async runModel<O extends { instance: Instance; inputHash: string }>(
        stage: PlanStage,
        task: PlanTask,
        labeler: PlanModelLabeler,
        batch: Array<{ o: O; input: ModelInputValue }>,
    ): Promise<Array<{ o: O; answer: ModelAnswer }>> {
        const runner = this.executor.modelRunner;
        if (batch.length === 0) {
            return [];
        }
        try {
            const answers = await runner.run(
                labeler,
                batch.map((b) => b.input),
            );
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

/** The id of a model's or rules' answer: one per task item and labeler, so a resumed run does not ask twice. */
function automaticLabelId(task: PlanTask, key: string, labeler: string): string {
    return `${task.name}/${key}/${labeler}/${task.contractHash.slice(0, 12)}`;
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
