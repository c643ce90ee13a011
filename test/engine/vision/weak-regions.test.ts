/**
 * The no-silent-drop rule through the model runner: a region the detector fires on but scores
 * under the box threshold stays on the page, and the page's confidence falls under the threshold,
 * so the `regions` task sends the page (with the region drawn) to a person.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, test } from 'vitest';
import type { RgbImage } from '../../../engine/src/data/image.js';
import { ModelRunner } from '../../../engine/src/executor/model-runner.js';
import { valueInfo } from '../../../engine/src/learning/onnx-export.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan, PlanModelLabeler } from '../../../engine/src/plan/types.js';
import { insideRotated } from './rotated-fixtures.js';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'dprog-weak-'));
const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());

/** A "detector" whose probability map is the image's first channel as fed (x [1, 3, H, W] → [1, 1, H, W]). */
function writeChannelDetector(file: string): void {
    const model: onnxProto.onnx.IModelProto = {
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
            name: 'first_channel',
            initializer: [
                { name: 'starts', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [0] },
                { name: 'ends', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] },
                { name: 'axes', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] },
            ],
            node: [{ opType: 'Slice', input: ['x', 'starts', 'ends', 'axes'], output: ['y'] }],
            input: [valueInfo('x', [1, 3, 'h', 'w'])],
            output: [valueInfo('y', [1, 1, 'h', 'w'])],
        },
    };
    writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

/** A black page with a bright line (probability 0.95) and a tilted dim one (0.45: over the pixel threshold, under the box threshold). */
function page(): RgbImage {
    const width = 256;
    const height = 160;
    const data = new Uint8Array(width * height * 3);
    const strong = { x: 20, y: 20, width: 200, height: 14, rotation: 0 };
    const weak = { x: 30, y: 90, width: 180, height: 14, rotation: 5 };
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const v = insideRotated(strong, x, y) ? 0.95 : insideRotated(weak, x, y) ? 0.45 : 0;
            data.fill(Math.round(v * 255), (y * width + x) * 3, (y * width + x) * 3 + 3);
        }
    }
    return { width, height, data };
}

describe('weak regions are never dropped', () => {
    test('the page keeps the weak (tilted) region with its score, and its confidence is that score', async () => {
        writeChannelDetector(join(dir, 'detector.onnx'));
        const plan = {
            labelSets: [{ name: 'Region', description: null, members: [{ name: 'line', description: null }] }],
        } as unknown as LabelingPlan;
        const labeler = {
            kind: 'model',
            name: 'detector',
            path: 'detector.onnx',
            input: { field: 'image', featurizer: null, normalization: { mean: [0, 0, 0], std: [1, 1, 1] } },
            output: { kind: 'list', element: { kind: 'box', labelSet: 'Region', text: 'box<Region>' }, text: 'list<box<Region>>' },
            decoder: { kind: 'db_boxes', vocabulary: null, threshold: null },
        } as unknown as PlanModelLabeler;
        const [answer] = await new ModelRunner(plan, dir, sessions).run(labeler, [page()]);
        const boxes = answer.value as Array<{ score: number; rotation?: number }>;
        expect(boxes).toHaveLength(2);
        expect(boxes[0].score).toBeGreaterThan(0.9);
        expect(boxes[1].score).toBeCloseTo(0.45, 1);
        expect(boxes[1].rotation).toBeCloseTo(5, 0);
        // Under the regions task's 60% target: the page goes to a person, with both regions on it.
        expect(answer.score).toBeLessThan(0.6);
        expect(answer.score).toBeCloseTo(boxes[1].score, 3);
    });
});
