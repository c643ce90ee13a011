/**
 * The model runner on real ONNX models (onnxruntime-node, models written here with onnx-proto): an
 * image classifier's answer and score, and the message a person reads for each way a labeler's
 * declaration and its model or inputs do not fit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, test } from 'vitest';
import type { RgbImage } from '../../../engine/src/data/image.js';
import { hashText } from '../../../engine/src/data/hashed-featurizer.js';
import { ModelRunner } from '../../../engine/src/executor/model-runner.js';
import { valueInfo } from '../../../engine/src/learning/onnx-export.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan, PlanModelLabeler } from '../../../engine/src/plan/types.js';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'dprog-model-runner-'));
const sessions = new SessionCache();
afterAll(() => {
    sessions.releaseAll();
    rmSync(dir, { recursive: true, force: true });
});

const ints = onnx.AttributeProto.AttributeType.INTS;
const int = onnx.AttributeProto.AttributeType.INT;

function writeModel(
    file: string,
    name: string,
    nodes: onnxProto.onnx.INodeProto[],
    input: (number | string)[],
    output: number[],
    outputType: number = onnx.TensorProto.DataType.FLOAT,
): void {
    const model: onnxProto.onnx.IModelProto = {
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: { name, node: nodes, input: [valueInfo('x', input)], output: [valueInfo('y', output, outputType)] },
    };
    writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

/** The image's mean per channel (x [1, 3, H, W] → [1, 3]). */
const channelMeans: onnxProto.onnx.INodeProto = {
    opType: 'ReduceMean',
    input: ['x'],
    output: ['means'],
    attribute: [
        { name: 'axes', type: ints, ints: [2, 3] },
        { name: 'keepdims', type: int, i: 0 },
    ],
};

/** A classifier of colours: the softmax of the image's mean red, green and blue. */
function writeColourModel(file: string): void {
    writeModel(file, 'colour', [channelMeans, { opType: 'Softmax', input: ['means'], output: ['y'] }], [1, 3, 'h', 'w'], [1, 3]);
}

/** Whether an image is greener than it is red: the softmax of its mean red and green. */
function writeGreenModel(file: string): void {
    const slice: onnxProto.onnx.INodeProto = {
        opType: 'Slice',
        input: ['means', 'starts', 'ends', 'axes'],
        output: ['two'],
    };
    const model: onnxProto.onnx.IModelProto = {
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
            name: 'green',
            initializer: [
                { name: 'starts', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [0] },
                { name: 'ends', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [2] },
                { name: 'axes', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] },
            ],
            node: [channelMeans, slice, { opType: 'Softmax', input: ['two'], output: ['y'] }],
            input: [valueInfo('x', [1, 3, 'h', 'w'])],
            output: [valueInfo('y', [1, 2])],
        },
    };
    writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

writeColourModel(join(dir, 'colour.onnx'));
writeGreenModel(join(dir, 'green.onnx'));
// A text classifier over 3 hashed features: the softmax of the features themselves.
writeModel(join(dir, 'words.onnx'), 'words', [{ opType: 'Softmax', input: ['x'], output: ['y'] }], [1, 3], [1, 3]);
// The colour classifier's probabilities as float64.
writeModel(
    join(dir, 'double.onnx'),
    'double',
    [
        channelMeans,
        { opType: 'Softmax', input: ['means'], output: ['p'] },
        { opType: 'Cast', input: ['p'], output: ['y'], attribute: [{ name: 'to', type: int, i: onnx.TensorProto.DataType.DOUBLE }] },
    ],
    [1, 3, 'h', 'w'],
    [1, 3],
    onnx.TensorProto.DataType.DOUBLE,
);

const plan = {
    labelSets: [
        { name: 'Colour', description: null, members: ['red', 'green', 'blue'].map((name) => ({ name, description: null })) },
        { name: 'Two', description: null, members: ['light', 'dark'].map((name) => ({ name, description: null })) },
        { name: 'Region', description: null, members: [{ name: 'line', description: null }] },
    ],
} as unknown as LabelingPlan;

const runner = new ModelRunner(plan, dir, sessions);
const choice = (labelSet: string) => ({ kind: 'choice', labelSet, text: `choice<${labelSet}>` });
const boxes = { kind: 'list', element: { kind: 'box', labelSet: 'Region', text: 'box<Region>' }, text: 'list<box<Region>>' };

function labeler(overrides: Record<string, unknown> = {}): PlanModelLabeler {
    return {
        kind: 'model',
        name: 'colours',
        path: 'colour.onnx',
        input: { field: 'image', featurizer: { kind: 'resize', width: 4, height: 4 }, normalization: null },
        output: choice('Colour'),
        decoder: null,
        ...overrides,
    } as unknown as PlanModelLabeler;
}

function filled(rgb: [number, number, number]): RgbImage {
    const width = 6;
    const height = 5;
    const data = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
        data.set(rgb, p * 3);
    }
    return { width, height, data };
}

const file = join(dir, 'colour.onnx');

describe('an image classifier', () => {
    test('answers the most probable member, one answer per input in order, scored by its probability', async () => {
        const answers = await runner.run(labeler(), [filled([255, 0, 0]), filled([0, 0, 255])]);
        const sure = Math.E / (Math.E + 2);
        expect(answers.map((a) => a.value)).toEqual(['red', 'blue']);
        expect(answers[0].score).toBeCloseTo(sure, 5);
        expect(answers[1].score).toBeCloseTo(sure, 5);
    });

    test('of equally probable members answers the first', async () => {
        const [answer] = await runner.run(labeler(), [filled([90, 90, 90])]);
        expect(answer).toEqual({ value: 'red', score: expect.closeTo(1 / 3, 5) });
    });

    test('a yes/no classifier answers true for its second output', async () => {
        const greener = labeler({ path: 'green.onnx', output: { kind: 'bool', text: 'bool' } });
        const answers = await runner.run(greener, [filled([0, 255, 0]), filled([255, 0, 0])]);
        expect(answers.map((a) => a.value)).toEqual([true, false]);
        expect(answers[0].score).toBeCloseTo(Math.E / (Math.E + 1), 5);
    });

    test('a text classifier reads the text hashed as declared', async () => {
        const text = 'refund refund charged invoice twice';
        const words = labeler({
            path: 'words.onnx',
            input: { field: 'body', featurizer: { kind: 'hashed', dims: 3, unsigned: true }, normalization: null },
        });
        const [answer] = await runner.run(words, [text]);
        const row = hashText(text, 3, { unsigned: true });
        const features = [0, 0, 0];
        row.indices.forEach((index, k) => (features[index] = row.values[k]));
        const total = features.reduce((sum, v) => sum + Math.exp(v), 0);
        const best = features.indexOf(Math.max(...features));
        expect(answer.value).toBe(['red', 'green', 'blue'][best]);
        expect(answer.score).toBeCloseTo(Math.exp(features[best]) / total, 5);
    });

    test('probabilities that are not float32 are refused, with the type given', async () => {
        await expect(runner.run(labeler({ path: 'double.onnx' }), [filled([9, 9, 9])])).rejects.toThrow(
            `${join(dir, 'double.onnx')}: expected 3 class probabilities (red, green, blue) from 'colours', got [1, 3] float64`,
        );
    });

    test('a model whose outputs do not match the label set is named, with what it gave', async () => {
        await expect(runner.run(labeler({ output: choice('Two') }), [filled([9, 9, 9])])).rejects.toThrow(
            `${file}: expected 2 class probabilities (light, dark) from 'colours', got [1, 3] float32`,
        );
    });

    test('text given to it needs a featurizer', async () => {
        await expect(runner.run(labeler({ input: { field: 'body', featurizer: null, normalization: null } }), ['hello'])).rejects.toThrow(
            `${file}: 'colours' reads text: declare a featurizer, e.g. \`input body as hashed 4096\``,
        );
    });

    test('a model that cannot take the input fails with its own first line, naming the labeler', async () => {
        const hashed = { field: 'body', featurizer: { kind: 'hashed', dims: 8, unsigned: false }, normalization: null };
        await expect(runner.run(labeler({ input: hashed }), ['hello'])).rejects.toThrow(new RegExp(`^${file}: 'colours' failed \\(.+\\)$`));
    });
});

describe('declarations that do not fit the model', () => {
    test('no output type', async () => {
        await expect(runner.run(labeler({ output: null }), [filled([1, 2, 3])])).rejects.toThrow(
            `${file}: labeler 'colours' declares no output type; add \`output …\``,
        );
    });

    test('a detector whose output is not a list of boxes', async () => {
        await expect(
            runner.run(labeler({ decoder: { kind: 'db_boxes', vocabulary: null, threshold: null } }), [filled([1, 2, 3])]),
        ).rejects.toThrow(`${file}: 'decode db_boxes' produces list<box<L>>, but 'colours' declares choice<Colour>`);
    });

    test('a detector given text', async () => {
        const detector = labeler({ output: boxes, decoder: { kind: 'db_boxes', vocabulary: null, threshold: null } });
        await expect(runner.run(detector, ['a line of text'])).rejects.toThrow(
            `${file}: labeler 'colours' reads images but was given text`,
        );
    });

    test('a text recognizer whose output is not text, or without its character list', async () => {
        await expect(
            runner.run(labeler({ decoder: { kind: 'ctc', vocabulary: 'chars.txt', threshold: null } }), [filled([1, 2, 3])]),
        ).rejects.toThrow(`${file}: 'decode ctc' produces text, but 'colours' declares choice<Colour>`);
        const text = { kind: 'text', text: 'text' };
        await expect(
            runner.run(labeler({ output: text, decoder: { kind: 'ctc', vocabulary: null, threshold: null } }), [filled([1, 2, 3])]),
        ).rejects.toThrow(`${file}: 'decode ctc' needs the character list: decode ctc "chars.txt"`);
    });

    test('an output no decoder makes', async () => {
        await expect(runner.run(labeler({ output: boxes }), [filled([1, 2, 3])])).rejects.toThrow(
            `${file}: no decoder for 'colours' (list<box<Region>>); declare one: decode softmax | db_boxes | ctc "chars.txt"`,
        );
    });

    test('model paths are relative to the program folder', () => {
        expect(runner.modelPath(labeler({ path: 'models/m.onnx' }))).toBe(join(dir, 'models', 'm.onnx'));
    });
});
