/**
 * Labeling along the route (a task the routing policy does not route: text, boxes, …), in process
 * on a real sql.js store: labelers are asked in route order; an item whose combined answer reaches
 * the quality target, or `at most N labels`, is final with an aggregate; an answer a model gave before
 * is reused, not asked again; an item people answered is decided with their answers; a route without
 * a person ends below the target, saying so; a person on the route means the rest wait for them.
 * The models are the run's `runModel` (the executor's seam), answering from a table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../engine/src/data/image.js';
import type { FlowItem } from '../../../engine/src/executor/flow-items.js';
import { ItemImages } from '../../../engine/src/executor/item-images.js';
import { ItemWork } from '../../../engine/src/executor/item-work.js';
import type { ModelInputValue } from '../../../engine/src/executor/model-runner.js';
import { labelAlongRoute } from '../../../engine/src/executor/route-cascade.js';
import type { RunContext, RunFailure } from '../../../engine/src/executor/run-context.js';
import { automaticLabelId, type Ready, type StageRun } from '../../../engine/src/executor/stage-item.js';
import type { LabelingPlan, PlanLabeler, PlanModelLabeler, PlanStage, PlanTask } from '../../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore } from '../../../engine/src/store/index.js';
import type { JsonValue, NewLabel, StageState } from '../../../engine/src/store/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'route-cascade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const labelers = [
    { kind: 'model', name: 'fast', accuracy: 0.7, input: { field: null } },
    { kind: 'model', name: 'slow', accuracy: 0.8, input: { field: null } },
    { kind: 'human', name: 'agent', accuracy: 0.95 },
    { kind: 'rules', name: 'always', accuracy: 0.9, rules: [{ name: 'any', tree: { kind: 'literal', value: true }, member: 'x' }] },
    { kind: 'rules', name: 'broken', accuracy: 0.9, rules: [{ name: 'bad', tree: { kind: 'parameter', name: 'p' }, member: 'x' }] },
] as unknown as PlanLabeler[];
const plan = { program: 'Cascade', hash: 'v1', labelers } as unknown as LabelingPlan;

const stageOf = (labeler: string) => ({
    labeler,
    kind: labelers.find((l) => l.name === labeler)?.kind ?? 'model',
    accuracy: 0.95,
    answers: labeler === 'agent' ? 2 : 1,
});

/** A task routed along `route`, with the quality target and label cap given. */
function taskOf(route: string[], quality: { target: number; maxLabels: number }, classes: string[] = []): PlanTask {
    return {
        name: 'read',
        contractHash: 'c'.repeat(64),
        classes,
        input: [{ name: 'x', type: { kind: 'value', type: 'Text' } }],
        quality: { ...quality, aggregate: 'majority' },
        route: { strategy: 'cascade', stages: route.map(stageOf) },
    } as unknown as PlanTask;
}

const stage = { id: '1:read', task: 'read', inputs: [{ parameter: 'x', derivation: 'value' }] } as unknown as PlanStage;
const item: FlowItem = { dataset: 'docs', key: 'doc', split: null, fields: {} };

/** The models answer each input from `answers[labeler][input]`; `bad` makes a model fail. */
type Answers = Record<string, Record<string, { value: JsonValue; score: number }>>;

let stores = 0;
/**
 * Runs the route over the inputs (one stage item each, keyed by the input, or by `key` for a value
 * that is not text), with `stored` labels in the store first.
 */
async function route(
    task: PlanTask,
    inputs: unknown[],
    answers: Answers,
    stored: NewLabel[] = [],
    options: { stage?: PlanStage; derivedDir?: string; key?: (input: unknown, i: number) => string } = {},
) {
    const store = await LabelStore.open(path.join(dir, `s${++stores}.sqlite`));
    const asked: string[] = [];
    const failures: RunFailure[] = [];
    try {
        await store.addLabels(stored);
        const ctx = {
            plan,
            programDir: dir,
            derivedDir: options.derivedDir,
            store: new EmbeddedStore(store),
            fail: (f: RunFailure) => failures.push(f),
            runModel: async (labeler: PlanModelLabeler, batch: readonly ModelInputValue[]) => {
                asked.push(...batch.map((input) => `${labeler.name} ${String(input)}`));
                if (batch.includes('bad')) {
                    throw new Error(`${labeler.name}: cannot read`);
                }
                return batch.map((input) => answers[labeler.name][String(input)]);
            },
        } as unknown as RunContext;
        const work = new ItemWork(ctx, 'docs', 'Cascade/docs');
        const at = options.stage ?? stage;
        work.begin(at);
        const run: StageRun = { ctx, work, item, images: new ItemImages(ctx, item), stage: at, task };
        const keyOf = options.key ?? ((input: unknown) => String(input));
        const ready: Ready[] = inputs.map((input, i) => ({
            instance: { key: keyOf(input, i), elements: [] },
            input: Array.isArray(input) ? input : [input],
            inputHash: `h-${keyOf(input, i)}`,
        }));
        await labelAlongRoute(run, ready);
        const states = new Map<string, StageState>(work.states.map((s) => [s.item, s]));
        return { work, states, asked, failures };
    } finally {
        await store.close();
    }
}

const sure = {
    fast: {
        a: { value: 'A', score: 0.95 },
        b: { value: 'B', score: 0.4 },
        c: { value: 'C', score: 0.95 },
        e: { value: 'E', score: 0.9 - 1e-9 },
    },
    slow: { b: { value: 'B2', score: 0.6 } },
};

describe('labeling along the route', () => {
    it("a model's answer that reaches the target is final: a label, an aggregate, a done state; the others go on", async () => {
        const task = taskOf(['fast', 'slow'], { target: 0.9, maxLabels: 5 });
        const { work, states, asked } = await route(task, ['a', 'b'], sure);
        expect(asked).toEqual(['fast a', 'fast b', 'slow b']);
        expect(work.labels).toEqual([
            {
                id: automaticLabelId(task, 'a', 'fast'),
                task: 'read',
                item: 'a',
                labeler: 'fast',
                labelerKind: 'model',
                value: 'A',
                score: 0.95,
                programVersion: 'v1',
            },
            {
                id: automaticLabelId(task, 'b', 'fast'),
                task: 'read',
                item: 'b',
                labeler: 'fast',
                labelerKind: 'model',
                value: 'B',
                score: 0.4,
                programVersion: 'v1',
            },
            {
                id: automaticLabelId(task, 'b', 'slow'),
                task: 'read',
                item: 'b',
                labeler: 'slow',
                labelerKind: 'model',
                value: 'B2',
                score: 0.6,
                programVersion: 'v1',
            },
        ]);
        expect(work.aggregates[0]).toEqual({ task: 'read', item: 'a', value: 'A', confidence: 0.95, method: 'route cascade', answers: 1 });
        expect(states.get('a')).toMatchObject({
            status: 'done',
            detail: { contract: task.contractHash, input: 'h-a', value: 'A', labeler: 'fast', score: 0.95 },
        });
        // b is below the target after both models and no person is on the route: the surest answer stands, marked.
        expect(states.get('b')).toMatchObject({
            status: 'done',
            detail: { value: 'B2', labeler: 'slow', score: 0.6, reason: 'below the quality target; no person on the route' },
        });
        expect(work.aggregates[1]).toMatchObject({ item: 'b', value: 'B2', answers: 2 });
        expect(work.resultsOf('1:read')?.get('b')).toBe('B2');
    });

    it('a target reached exactly counts as reached; `at most N labels` ends the route too', async () => {
        const exact = await route(taskOf(['fast', 'slow'], { target: 0.4, maxLabels: 5 }), ['b'], sure);
        expect(exact.asked).toEqual(['fast b']);
        expect(exact.states.get('b')?.detail).not.toHaveProperty('reason');
        const capped = await route(taskOf(['fast', 'slow'], { target: 0.9, maxLabels: 1 }), ['b'], sure);
        expect(capped.asked).toEqual(['fast b']);
        expect(capped.states.get('b')).toMatchObject({ status: 'done', detail: { value: 'B' } });
    });

    it('answers of two models that agree on a class combine into a surer one', async () => {
        const agree = { fast: { c: { value: 'x', score: 0.8 } }, slow: { c: { value: 'x', score: 0.8 } } };
        const { states, work } = await route(taskOf(['fast', 'slow'], { target: 0.9, maxLabels: 5 }, ['x', 'y', 'z']), ['c'], agree);
        expect(states.get('c')).toMatchObject({ status: 'done', detail: { value: 'x', labeler: 'fast+slow' } });
        expect(work.aggregates[0].confidence).toBeGreaterThan(0.9);
        expect(work.aggregates[0].answers).toBe(2);
    });

    it('reuses the answer a model gave before instead of asking it again (a superseded one is asked again)', async () => {
        const task = taskOf(['fast'], { target: 0.9, maxLabels: 5 });
        const before: NewLabel[] = [
            {
                id: automaticLabelId(task, 'a', 'fast'),
                task: 'read',
                item: 'a',
                labeler: 'fast',
                labelerKind: 'model',
                value: 'OLD',
                score: 0.97,
            },
            { id: automaticLabelId(task, 'b', 'fast'), task: 'read', item: 'b', labeler: 'fast', labelerKind: 'model', value: 'NOSCORE' },
        ];
        const { asked, work, states } = await route(task, ['a', 'b'], sure, before);
        expect(asked).toEqual([]);
        expect(work.labels).toEqual([]);
        expect(states.get('a')).toMatchObject({ status: 'done', detail: { value: 'OLD', score: 0.97 } });
        expect(states.get('b')).toMatchObject({ status: 'done', detail: { value: 'NOSCORE', score: 0 } });
        const replaced: NewLabel = { ...before[0], id: 'newer', value: 'NEW', supersedes: before[0].id };
        expect((await route(task, ['a'], sure, [before[0], replaced])).asked).toEqual(['fast a']);
    });

    it('an item the model fails on fails (and is not finished); a labeler the plan lacks is passed over', async () => {
        const { states, failures } = await route(taskOf(['ghost', 'fast'], { target: 0.9, maxLabels: 5 }), ['bad'], sure);
        expect(states.get('bad')).toMatchObject({ status: 'failed', detail: { error: 'fast: cannot read' } });
        expect(failures).toHaveLength(1);
        expect([...states.values()]).toHaveLength(1);
    });

    it('an item no labeler on the route could answer waits, saying so', async () => {
        const { states, work } = await route(taskOf(['ghost'], { target: 0.9, maxLabels: 5 }), ['a'], sure);
        expect(states.get('a')).toEqual({
            run: 'Cascade/docs',
            stage: '1:read',
            item: 'a',
            status: 'waiting',
            detail: { contract: 'c'.repeat(64), input: 'h-a', reason: 'no labeler on the route could answer', shown: { x: 'a' } },
        });
        expect(work.aggregates).toEqual([]);
    });

    it('a person on the route: the items the models left open wait for them, with the best answer so far', async () => {
        const { states, asked } = await route(taskOf(['fast', 'agent', 'slow'], { target: 0.9, maxLabels: 5 }), ['a', 'b'], sure);
        expect(asked).toEqual(['fast a', 'fast b']);
        expect(states.get('a')?.status).toBe('done');
        expect(states.get('b')).toMatchObject({
            status: 'waiting',
            detail: { waitingFor: 'agent', value: 'B', score: 0.4, labeler: 'fast' },
        });
    });

    it("an item a person has answered is decided with the person's answer, even when a model reached the target", async () => {
        const person: NewLabel = { task: 'read', item: 'a', labeler: 'agent', labelerKind: 'human', value: 'A (checked)' };
        const { states, work } = await route(taskOf(['fast', 'agent'], { target: 0.9, maxLabels: 5 }), ['a', 'b', 'c'], sure, [person]);
        expect(states.get('a')).toMatchObject({ status: 'done', detail: { value: 'A (checked)', labeler: 'agent', score: 0.95 } });
        // Nobody answered b or c: c is settled by the model, b waits for the agent.
        expect(states.get('c')).toMatchObject({ status: 'done', detail: { value: 'C', labeler: 'fast' } });
        expect(states.get('b')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent', value: 'B' } });
        expect(work.aggregates.find((a) => a.item === 'a')).toEqual({
            task: 'read',
            item: 'a',
            value: 'A (checked)',
            confidence: 0.95,
            method: 'route cascade',
            answers: 1,
        });
    });

    it('once every person on the route has answered, the best answer stands; a model after them is not waited for', async () => {
        const answer = (value: string): NewLabel => ({ task: 'read', item: 'a', labeler: 'agent', labelerKind: 'human', value });
        const task = taskOf(['agent', 'slow'], { target: 0.99, maxLabels: 5 }, ['x', 'y', 'z']);
        const { states, asked } = await route(task, ['a'], sure, [answer('x'), answer('y')]);
        expect(asked).toEqual([]);
        expect(states.get('a')).toMatchObject({ status: 'done', detail: { labeler: 'agent+agent' } });
        const nobody = await route(taskOf(['agent'], { target: 0.9, maxLabels: 5 }), ['a'], sure);
        expect(nobody.states.get('a')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent' } });
        expect((nobody.states.get('a')!.detail as { value?: unknown }).value).toBeUndefined();
    });

    it('a score within rounding of the target reaches it', async () => {
        const { states, asked } = await route(taskOf(['fast', 'slow'], { target: 0.9, maxLabels: 5 }), ['e'], sure);
        expect(asked).toEqual(['fast e']);
        expect(states.get('e')).toMatchObject({ status: 'done', detail: { value: 'E' } });
        expect(states.get('e')!.detail).not.toHaveProperty('reason');
    });

    it('rules on the route answer at once; rules that cannot be evaluated fail the item, naming the rule', async () => {
        const task = taskOf(['always'], { target: 0.5, maxLabels: 5 }, ['x', 'y']);
        const { states, work } = await route(task, ['a'], sure);
        expect(states.get('a')).toMatchObject({ status: 'done', detail: { value: 'x', labeler: 'always', score: 0.9 } });
        expect(work.labels[0]).toMatchObject({ labeler: 'always', labelerKind: 'rules', value: 'x', score: 0.9 });
        const broken = await route(taskOf(['broken'], { target: 0.5, maxLabels: 5 }, ['x', 'y']), ['a'], sure);
        expect(broken.states.get('a')).toMatchObject({ status: 'failed' });
        expect((broken.states.get('a')!.detail as { error: string }).error).toMatch(/^rule broken\.bad: item 'doc': /);
    });

    it("a model's or rule's answer is stored under one id per task, item, labeler and task contract", () => {
        expect(automaticLabelId(taskOf([], { target: 0.9, maxLabels: 5 }), 'doc#1', 'fast')).toBe('read/doc#1/fast/cccccccccccc');
    });
});

describe('what people are shown with a stage item', () => {
    it('the text, number and yes/no values of its computed inputs; not the item itself or a record', async () => {
        const inputs = ['value', 'value', 'value', 'value', 'item'].map((derivation, i) => ({ parameter: `p${i}`, derivation }));
        const many = { id: '1:read', task: 'read', inputs } as unknown as PlanStage;
        const key = () => 'a';
        const values = [['t', 3, true, { k: 1 }, 'whole']];
        const { states } = await route(taskOf(['ghost'], { target: 0.9, maxLabels: 5 }), values, sure, [], { stage: many, key });
        expect((states.get('a')!.detail as { shown: unknown }).shown).toEqual({ p0: 't', p1: 3, p2: true });
        const itemOnly = { id: '1:read', task: 'read', inputs: [inputs[4]] } as unknown as PlanStage;
        const none = await route(taskOf(['ghost'], { target: 0.9, maxLabels: 5 }), [['whole']], sure, [], { stage: itemOnly, key });
        expect(none.states.get('a')!.detail).not.toHaveProperty('shown');
    });

    it('a crop of the item’s image, written for review; a crop that cannot be made fails the item', async () => {
        writeFileSync(path.join(dir, 'page.png'), encodePng({ width: 20, height: 20, data: new Uint8Array(20 * 20 * 3).fill(128) }));
        const box = { x: 2, y: 2, width: 8, height: 6 };
        const crops = [
            { kind: 'crop', image: 'page.png', box },
            { kind: 'crop', image: 'missing.png', box },
        ];
        const derivedDir = path.join(dir, 'derived');
        const { states, failures } = await route(taskOf(['ghost'], { target: 0.9, maxLabels: 5 }), crops, sure, [], {
            derivedDir,
            key: (_, i) => `doc#${i}`,
        });
        expect(states.get('doc#0')).toMatchObject({ status: 'waiting', detail: { derived: path.join(derivedDir, 'read', 'doc_0.png') } });
        expect(states.get('doc#1')).toMatchObject({ status: 'failed', detail: { input: 'h-doc#1' } });
        expect(failures.map((f) => f.item)).toEqual(['doc#1']);
        expect((states.get('doc#1')!.detail as { error: string }).error).toMatch(/missing\.png/);
    });
});
