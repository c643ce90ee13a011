/**
 * `label import` checks every record: values against the task's output type, finite numbers,
 * positive boxes, known images, well-shaped files, ids once per file. Each finding of the
 * adversarial run is a test here; a rejected record is listed with its file, line and reason and
 * never reaches the store (so never an aggregate).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanLabelType } from '../../../engine/src/plan/types.js';
import { importLabels, type TaskType } from '../../../engine/src/store/formats/index.js';
import { LabelStore } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
let store: LabelStore;
beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await LabelStore.open(join(dir, 's.sqlite'));
});
afterEach(async () => {
    await store.close();
    cleanup();
});

const choice: TaskType = { output: { kind: 'choice', labelSet: 'Answer', text: 'choice<Answer>' }, classes: ['yes', 'no'] };
const boxes: TaskType = {
    output: { kind: 'list', element: { kind: 'box', labelSet: 'Thing', text: 'box<Thing>' }, text: 'list<box<Thing>>' } as PlanLabelType,
    classes: ['car', 'bus'],
};
const number: TaskType = { output: { kind: 'number', min: 0, max: 10, text: 'number' }, classes: [] };

function file(name: string, text: string): string {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
}

const jsonl = (...records: unknown[]): string => `${records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`;

describe('typed imports', () => {
    it('rejects a value outside the label set, with file, line and reason, and stores the rest', async () => {
        const source = file('in.jsonl', jsonl({ item: 'a', value: 'yes' }, { item: 'b', value: 'banana' }, { item: 'c', value: 'no' }));
        const result = await importLabels(store, { task: 't', format: 'jsonl', source, type: choice });
        expect(result).toMatchObject({ read: 3, added: 2, alreadyStored: 0, typeChecked: true });
        expect(result.rejected).toEqual([
            {
                file: source,
                line: 2,
                reason: expect.stringMatching(/value "banana" does not fit choice<Answer>: expected one of: yes, no/),
            },
        ]);
        expect(store.labels().map((l) => l.value)).toEqual(['yes', 'no']);
    });

    it('rejects non-finite numbers (1e400) instead of storing null, with or without a type', async () => {
        const source = file('n.jsonl', jsonl('{"item":"a","value":1e400}', { item: 'b', value: 3 }, { item: 'c', value: 11 }));
        const typed = await importLabels(store, { task: 't', format: 'jsonl', source, type: number });
        expect(typed.rejected.map((r) => [r.line, r.reason])).toEqual([
            [1, 'value is not a finite number'],
            [3, expect.stringMatching(/value 11 does not fit number/)],
        ]);
        const untyped = await importLabels(store, { task: 'u', format: 'jsonl', source });
        expect(untyped.rejected.map((r) => r.line)).toEqual([1]);
        expect(untyped.typeChecked).toBe(false);
        expect(store.labels().every((l) => typeof l.value === 'number')).toBe(true);
    });

    it('rejects a duplicate id within one file as such, not as "already in the store"', async () => {
        const source = file('d.jsonl', jsonl({ id: 'x', item: 'a', value: 'yes' }, { id: 'x', item: 'b', value: 'no' }));
        const result = await importLabels(store, { task: 't', format: 'jsonl', source, type: choice });
        expect(result).toMatchObject({ added: 1, alreadyStored: 0 });
        expect(result.rejected).toEqual([{ file: source, line: 2, reason: 'id x appears twice in this file (first at line 1)' }]);
    });

    it('csv: names the line of each bad row, including a non-numeric score', async () => {
        const source = file('in.csv', 'item,value,score\na,yes,0.5\nb,maybe,\nc,no,high\n');
        const result = await importLabels(store, { task: 't', format: 'csv', source, type: choice });
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
            [3, expect.stringMatching(/value "maybe" does not fit/)],
            [4, expect.stringMatching(/'score' must be a finite number/)],
        ]);
        expect(result.added).toBe(1);
    });
});

function png(path: string, width: number, height: number): void {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, PNG.sync.write(new PNG({ width, height })));
}

describe('boxes and shapes', () => {
    it('coco: negative or empty boxes and dangling image ids reject their label, counted in the summary', async () => {
        const source = file(
            'c.json',
            JSON.stringify(
                {
                    images: [
                        { id: 1, file_name: 'a.png', width: 10, height: 10 },
                        { id: 2, file_name: 'b.png', width: 10, height: 10 },
                        { id: 3, file_name: 'c.png', width: 10, height: 10 },
                    ],
                    annotations: [
                        { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2] },
                        { id: 2, image_id: 2, category_id: 1, bbox: [1, 1, -2, 2] },
                        { id: 3, image_id: 9, category_id: 1, bbox: [1, 1, 2, 2] },
                        { id: 4, image_id: 3, category_id: 1, bbox: [1, 1, 0, 2] },
                    ],
                    categories: [{ id: 1, name: 'car' }],
                },
                null,
                1,
            ),
        );
        const result = await importLabels(store, { task: 't', format: 'coco', source, type: boxes });
        expect(result.added).toBe(1);
        const reasons = result.rejected.map((r) => `${r.record}: ${r.reason}`);
        // In file order: the images come first in this file.
        expect(reasons).toEqual([
            'image 2: its annotation 2 was rejected (bbox width and height must be positive, found -2 × 2)',
            'image 3: its annotation 4 was rejected (bbox width and height must be positive, found 0 × 2)',
            'annotation 2: bbox width and height must be positive, found -2 × 2',
            'annotation 3: image_id 9 is not in "images"',
            'annotation 4: bbox width and height must be positive, found 0 × 2',
        ]);
        expect(result.rejected.every((r) => r.file === source && typeof r.line === 'number')).toBe(true);
        expect(store.labels().map((l) => l.item)).toEqual(['a.png']);
    });

    it('coco: a file that is null or not COCO is a clear error, not a crash', async () => {
        for (const text of ['null', '[]', '{"images":{}}', '{']) {
            const source = file('bad.json', text);
            await expect(importLabels(store, { task: 't', format: 'coco', source })).rejects.toThrow(
                /bad\.json: (not a COCO file|not valid JSON)/,
            );
        }
    });

    it('labelstudio: "annotations": "x", a box of height "big" and a negative box are rejected, naming the task', async () => {
        const box = (height: unknown, width = 10) => ({
            type: 'rectanglelabels',
            from_name: 'boxes',
            to_name: 'image',
            original_width: 100,
            original_height: 100,
            value: { x: 1, y: 1, width, height, rectanglelabels: ['car'] },
        });
        const source = file(
            'ls.json',
            JSON.stringify(
                [
                    { id: 1, data: { dprog_item: 'a.png' }, annotations: 'x' },
                    { id: 2, data: { dprog_item: 'b.png' }, annotations: [{ result: [box('big')] }] },
                    { id: 3, data: { dprog_item: 'c.png' }, annotations: [{ result: [box(5, -3)] }] },
                    { id: 4, data: { dprog_item: 'd.png' }, annotations: [{ result: [box(5)] }] },
                ],
                null,
                1,
            ),
        );
        const result = await importLabels(store, { task: 't', format: 'labelstudio', source, type: boxes });
        expect(result.rejected.map((r) => [r.record, r.reason])).toEqual([
            ['task 1', 'task 1: "annotations" must be a list, found "x"'],
            ['task 2, annotation 1', 'value.height must be a finite number, found "big"'],
            ['task 3, annotation 1', expect.stringMatching(/box without a positive width and height/)],
        ]);
        expect(result.rejected[0].line).toBe(2);
        expect(store.labels().map((l) => [l.item, l.value])).toEqual([['d.png', [{ x: 1, y: 1, width: 10, height: 5, label: 'car' }]]]);
    });

    it("yolo: negative sizes and coordinates outside the image reject the image's label, naming the line", async () => {
        png(join(dir, 'ds', 'images', 'train', 'a.png'), 100, 50);
        png(join(dir, 'ds', 'images', 'train', 'b.png'), 100, 50);
        file('ds/data.yaml', 'train: images/train\nval: images/train\nnames:\n  0: car\n  1: bus\n');
        file('ds/labels/train/a.txt', '0 0.5 0.5 0.2 0.2\n');
        file('ds/labels/train/b.txt', '0 0.5 0.5 0.2 0.2\n1 0.5 0.5 -0.1 0.2\n');
        const result = await importLabels(store, { task: 't', format: 'yolo', source: join(dir, 'ds'), type: boxes });
        expect(result.rejected).toEqual([
            {
                file: join(dir, 'ds', 'labels', 'train', 'b.txt'),
                record: join('labels', 'train', 'b.txt'),
                reason: 'line 2: width and height must be positive, found -0.1 × 0.2',
            },
        ]);
        expect(store.labels().map((l) => [l.item, l.value])).toEqual([['a.png', [{ x: 40, y: 20, width: 20, height: 10, label: 'car' }]]]);
    });
});
