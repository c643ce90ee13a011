/**
 * The model step of a route and the item's image inputs, in process: a model answers the stage items
 * in one batch; when the batch fails, item by item, so only the items it cannot answer fail (with the
 * model's message in their state and in the run's failures). What the model is given: the image (read
 * once per item), a crop of it, the model's input field(s), or the value itself; crops people review
 * are written as PNG files. The model here is the run's `runModel` (the executor's seam for a model),
 * answering by rule; ModelRunner itself, with onnxruntime, is tested with the sample models.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng, readImage, type RgbImage } from '../../../engine/src/data/image.js';
import type { Crop } from '../../../engine/src/executor/evaluate.js';
import type { FlowItem } from '../../../engine/src/executor/flow-items.js';
import { ItemImages } from '../../../engine/src/executor/item-images.js';
import { ItemWork } from '../../../engine/src/executor/item-work.js';
import type { ModelInputValue } from '../../../engine/src/executor/model-runner.js';
import { askModel } from '../../../engine/src/executor/model-step.js';
import type { RunContext, RunFailure } from '../../../engine/src/executor/run-context.js';
import type { Open, StageRun } from '../../../engine/src/executor/stage-item.js';
import type { LabelingPlan, PlanModelLabeler, PlanStage, PlanTask } from '../../../engine/src/plan/types.js';
import { readingCrop } from '../../../engine/src/vision/rectify.js';

const dir = mkdtempSync(path.join(tmpdir(), 'model-step-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 40×20 image: black on the left half, white on the right. */
function halves(): RgbImage {
    const width = 40;
    const height = 20;
    return { width, height, data: new Uint8Array(width * height * 3).map((_, i) => (Math.floor(i / 3) % width < 20 ? 0 : 255)) };
}
writeFileSync(path.join(dir, 'page.png'), encodePng(halves()));

const plan = {
    datasets: [
        { name: 'scans', fields: [{ name: 'title', type: 'Image' }] },
        {
            name: 'docs',
            fields: [
                { name: 'page', type: 'Image' },
                { name: 'title', type: 'String' },
            ],
        },
    ],
} as unknown as LabelingPlan;
const task = (parameter: PlanTask['input'][number]['type']) =>
    ({ name: 'read', contractHash: 'c'.repeat(64), input: [{ name: 'x', type: parameter }] }) as unknown as PlanTask;
const overDocs = task({ kind: 'dataset', dataset: 'docs' } as PlanTask['input'][number]['type']);
const overImage = task({ kind: 'value', type: 'Image' } as PlanTask['input'][number]['type']);
const overText = task({ kind: 'value', type: 'Text' } as PlanTask['input'][number]['type']);
const stage = { id: '1:read' } as PlanStage;
const model = (input: Partial<PlanModelLabeler['input']>): PlanModelLabeler =>
    ({ kind: 'model', name: 'reader', input: { field: null, featurizer: null, normalization: null, ...input } }) as PlanModelLabeler;

const item: FlowItem = { dataset: 'docs', key: 'doc/1', split: null, fields: { page: 'page.png', title: 'Invoice', body: 'Pay now' } };
const crop: Crop = { kind: 'crop', image: 'page.png', box: { x: 2, y: 2, width: 10, height: 8 } as Crop['box'] };

/** A stage run whose model answers each text input by its length, failing on the input `bad`. */
function stageRun(derivedDir?: string) {
    const calls: ModelInputValue[][] = [];
    const failures: RunFailure[] = [];
    const ctx = {
        plan,
        programDir: dir,
        derivedDir,
        fail: (f: RunFailure) => failures.push(f),
        runModel: async (_: PlanModelLabeler, inputs: readonly ModelInputValue[]) => {
            calls.push([...inputs]);
            if (inputs.includes('bad')) {
                throw new Error('reader.onnx: cannot read this input');
            }
            return inputs.map((input) => ({ value: String(input).toUpperCase(), score: String(input).length / 10 }));
        },
    } as unknown as RunContext;
    const work = new ItemWork(ctx, 'docs', 'Prog/docs');
    const run: StageRun = { ctx, work, item, images: new ItemImages(ctx, item), stage, task: overText };
    return { run, calls, failures, work };
}

const open = (key: string, value: unknown): Open => ({
    instance: { key, elements: [] },
    input: [value],
    inputHash: `h-${key}`,
    answers: 0,
    given: [],
    seen: {},
});

describe('a model answering the stage items', () => {
    it('answers them all in one batch, in order', async () => {
        const { run, calls } = stageRun();
        const given = await askModel(run, model({}), [open('a', 'one'), open('b', 'three')]);
        expect(calls).toEqual([['one', 'three']]);
        expect(given.map((g) => [g.o.instance.key, g.value, g.score])).toEqual([
            ['a', 'ONE', 0.3],
            ['b', 'THREE', 0.5],
        ]);
    });

    it('after a failed batch, asks item by item: only the item the model fails on fails, saying why', async () => {
        const { run, calls, failures, work } = stageRun();
        const given = await askModel(run, model({}), [open('a', 'one'), open('b', 'bad'), open('c', 'two')]);
        expect(calls).toEqual([['one', 'bad', 'two'], ['one'], ['bad'], ['two']]);
        expect(given.map((g) => g.o.instance.key)).toEqual(['a', 'c']);
        expect(failures).toEqual([{ flow: 'docs', stage: '1:read', item: 'b', message: 'reader.onnx: cannot read this input' }]);
        expect(work.states).toEqual([
            {
                run: 'Prog/docs',
                stage: '1:read',
                item: 'b',
                status: 'failed',
                detail: { contract: overText.contractHash, input: 'h-b', error: 'reader.onnx: cannot read this input' },
            },
        ]);
    });

    it('a batch of one that fails is not asked again', async () => {
        const { run, calls, failures } = stageRun();
        expect(await askModel(run, model({}), [open('b', 'bad')])).toEqual([]);
        expect(calls).toHaveLength(1);
        expect(failures.map((f) => f.item)).toEqual(['b']);
    });

    it('an item whose input cannot be read fails before the model is asked', async () => {
        const { run, calls, failures } = stageRun();
        const given = await askModel(run, model({ field: 'summary' }), [open('x', { title: 'Invoice' })]);
        expect(given).toEqual([]);
        expect(calls).toEqual([]);
        expect(failures[0].message).toBe("model 'reader' reads field 'summary', which item 'doc/1' does not have");
    });
});

describe("an item's model inputs", () => {
    const images = (derivedDir?: string) => new ItemImages({ plan, programDir: dir, derivedDir }, item);

    it('gives the model its input field of the item: text as text, an Image field as the image; several fields joined', () => {
        const record = { ...item.fields };
        expect(images().modelInput(model({ field: 'title' }), overDocs, record)).toBe('Invoice');
        expect(images().modelInput(model({ field: 'page' }), overDocs, record)).toEqual(halves());
        expect(images().modelInput(model({ field: null, fields: ['title', 'body'] }), overDocs, record)).toBe('Invoice\nPay now');
        expect(() => images().modelInput(model({ fields: ['title', 'missing'] }), overDocs, record)).toThrow(
            "model 'reader' reads field 'missing', which item 'doc/1' does not have",
        );
        expect(() => images().modelInput(model({ field: null }), overDocs, record)).toThrow("reads field 'null'");
        // A field the dataset does not declare, or an item of a dataset the plan does not list, is read as text.
        expect(images().modelInput(model({ field: 'body' }), overDocs, record)).toBe('Pay now');
        const elsewhere = new ItemImages({ plan, programDir: dir, derivedDir: undefined }, { ...item, dataset: 'other' });
        expect(elsewhere.modelInput(model({ field: 'title' }), overDocs, record)).toBe('Invoice');
    });

    it('gives an Image parameter the image at its path, a crop its rectified region, any other value as text', () => {
        expect(images().modelInput(model({}), overImage, 'page.png')).toEqual(halves());
        expect(images().modelInput(model({}), overText, 'page.png')).toBe('page.png');
        expect(images().modelInput(model({}), overText, 42)).toBe('42');
        expect(images().modelInput(model({}), overImage, 42)).toBe('42');
        expect(images().modelInput(model({}), overText, null)).toBe('null');
        expect(images().modelInput(model({ field: 'title' }), overImage, { title: 'Invoice' })).toBe('Invoice');
        expect(images().modelInput(model({}), overText, crop)).toEqual(readingCrop(halves(), crop.box));
    });

    it("reads the item's image once; an unreadable image fails every stage item that needs it", () => {
        writeFileSync(path.join(dir, 'once.png'), encodePng(halves()));
        const once = images();
        once.modelInput(model({}), overImage, 'once.png');
        unlinkSync(path.join(dir, 'once.png'));
        expect(once.modelInput(model({}), overImage, 'once.png')).toEqual(halves());
        expect(() => once.modelInput(model({}), overImage, 'missing.png')).toThrow(/missing\.png/);
        expect(() => once.modelInput(model({}), overImage, 'missing.png')).toThrow(/missing\.png/);
        expect(once.modelInput(model({}), overImage, 'page.png')).toEqual(halves());
    });

    it('writes a crop for people to review under the task, named after the stage item; nothing else is derived', () => {
        const derivedDir = path.join(dir, 'derived');
        expect(images().derive(overText, 'doc/1#0', crop)).toBeUndefined();
        expect(images(derivedDir).derive(overText, 'doc/1#0', 'page.png')).toBeUndefined();
        const file = images(derivedDir).derive(overText, 'doc/ 1#0', crop)!;
        expect(file).toBe(path.join(derivedDir, 'read', 'doc_1_0.png'));
        expect(existsSync(file)).toBe(true);
        expect(readImage(file)).toEqual(readingCrop(halves(), crop.box));
        expect(readFileSync(file)).toEqual(Buffer.from(encodePng(readingCrop(halves(), crop.box))));
    });
});
