/**
 * Labeling along the route (a task the routing policy does not route: text, boxes, …), in process
 * on a real sql.js store: labelers are asked in route order; an item whose combined answer reaches
 * the quality target, or `at most N labels`, is final with an aggregate; an answer a model gave before
 * is reused, not asked again; an item people answered is decided with their answers; a route without
 * a person ends below the target, saying so; a person on the route means the rest wait for them.
 * The models are the run's `runModel` (the executor's seam), answering from a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
/** Runs the route over the inputs (one stage item each, keyed by the input), with `stored` labels in the store first. */
async function route(task: PlanTask, inputs: string[], answers: Answers, stored: NewLabel[] = []) {
    const store = await LabelStore.open(path.join(dir, `s${++stores}.sqlite`));
    const asked: string[] = [];
    const failures: RunFailure[] = [];
    try {
        await store.addLabels(stored);
        const ctx = {
            plan,
            programDir: dir,
            derivedDir: undefined,
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
        work.begin(stage);
        const run: StageRun = { ctx, work, item, images: new ItemImages(ctx, item), stage, task };
        const ready: Ready[] = inputs.map((input) => ({ instance: { key: input, elements: [] }, input: [input], inputHash: `h-${input}` }));
        await labelAlongRoute(run, ready);
        const states = new Map<string, StageState>(work.states.map((s) => [s.item, s]));
        return { work, states, asked, failures };
    } finally {
        await store.close();
    }
}

const sure = { fast: { a: { value: 'A', score: 0.95 }, b: { value: 'B', score: 0.4 } }, slow: { b: { value: 'B2', score: 0.6 } } };

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
        const { states, work } = await route(taskOf(['fast', 'agent'], { target: 0.9, maxLabels: 5 }), ['a'], sure, [person]);
        expect(states.get('a')).toMatchObject({ status: 'done', detail: { value: 'A (checked)', labeler: 'agent', score: 0.95 } });
        expect(work.aggregates).toEqual([
            { task: 'read', item: 'a', value: 'A (checked)', confidence: 0.95, method: 'route cascade', answers: 1 },
        ]);
    });
});
