/**
 * The COCO file dprog writes and reads, field by field: each label listed on its image (who, when,
 * gold, score, a single box or a list), each box an annotation (upright bbox, a rotated box's corners
 * and exact box), categories in the task's class order; and on import, each wrong record rejected with
 * its file, line and reason while the rest of the file still comes in.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cocoFormat } from '../../../engine/src/store/formats/coco.js';
import type { ImportOptions, TaskType } from '../../../engine/src/store/formats/format.js';
import type { Label } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const t0 = '2026-03-01T10:00:00.000Z';
const sizes: Record<string, { width: number; height: number }> = {
    'a.png': { width: 100, height: 50 },
    'b.png': { width: 64, height: 48 },
};
const exportOptions = { task: 't', imageSize: (item: string) => sizes[item] };

const labels: Label[] = [
    {
        id: 'a',
        task: 't',
        item: 'a.png',
        labeler: 'ann',
        labelerKind: 'human',
        createdAt: t0,
        programVersion: 'v1',
        gold: true,
        value: { x: 10, y: 20, width: 30, height: 40, label: 'car' },
    },
    {
        id: 'b',
        task: 't',
        item: 'a.png',
        labeler: 'det',
        labelerKind: 'model',
        createdAt: t0,
        score: 0.9,
        gold: false,
        value: [
            { x: 1, y: 2, width: 3, height: 4, label: 'bus', score: 0.8 },
            { x: 0, y: 0, width: 20, height: 10, label: 'car', rotation: 90 },
        ],
    },
    { id: 'c', task: 't', item: 'b.png', labeler: 'ann', labelerKind: 'human', createdAt: t0, gold: false, value: [] },
];

/** Numbers rounded to 6 places (a rotated box's corners carry float noise). */
const rounded = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(6)) : v)));

function importText(text: string, options: Partial<ImportOptions> = {}) {
    const file = join(dir, 'in.json');
    writeFileSync(file, text);
    const read = cocoFormat.import(file, { task: 't', ...options });
    return { file, labels: read.labels.map((l) => l.label), rejected: read.rejected };
}

describe('coco export', () => {
    it('lists each label on its image and each box as an annotation, with categories from the values', () => {
        const [file] = cocoFormat.export(labels, exportOptions);
        expect(file.path).toBe('');
        expect(file.text.endsWith('}\n')).toBe(true);
        expect(rounded(JSON.parse(file.text))).toEqual({
            info: { description: 'dprog labels of task t' },
            images: [
                {
                    id: 1,
                    file_name: 'a.png',
                    width: 100,
                    height: 50,
                    dprog_labels: [
                        { id: 'a', labeler: 'ann', labeler_kind: 'human', created_at: t0, program_version: 'v1', gold: true, single: true },
                        { id: 'b', labeler: 'det', labeler_kind: 'model', created_at: t0, score: 0.9 },
                    ],
                },
                {
                    id: 2,
                    file_name: 'b.png',
                    width: 64,
                    height: 48,
                    dprog_labels: [{ id: 'c', labeler: 'ann', labeler_kind: 'human', created_at: t0 }],
                },
            ],
            annotations: [
                { id: 1, image_id: 1, category_id: 2, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0, dprog_label: 'a' },
                { id: 2, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4], area: 12, iscrowd: 0, score: 0.8, dprog_label: 'b' },
                {
                    id: 3,
                    image_id: 1,
                    category_id: 2,
                    // Turned a quarter about its centre (10, 5): upright extent 10 × 20, corners clockwise from the first.
                    bbox: [5, -5, 10, 20],
                    segmentation: [[15, -5, 15, 15, 5, 15, 5, -5]],
                    dprog_box: { x: 0, y: 0, width: 20, height: 10, rotation: 90 },
                    area: 200,
                    iscrowd: 0,
                    dprog_label: 'b',
                },
            ],
            categories: [
                { id: 1, name: 'bus', supercategory: 'none' },
                { id: 2, name: 'car', supercategory: 'none' },
            ],
        });
    });

    it("numbers the categories in the task's class order, unused classes included", () => {
        const type = { output: { kind: 'box' }, classes: ['truck', 'car', 'bus'] } as unknown as TaskType;
        const coco = JSON.parse(cocoFormat.export(labels, { ...exportOptions, type })[0].text);
        expect(coco.categories.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([
            [1, 'truck'],
            [2, 'car'],
            [3, 'bus'],
        ]);
        expect(coco.annotations.map((a: { category_id: number }) => a.category_id)).toEqual([2, 3, 2]);
    });

    it('reads back exactly the labels it wrote: ids, times, gold, scores, single boxes, rotated boxes and empty answers', () => {
        const [file] = cocoFormat.export(labels, exportOptions);
        const back = importText(file.text);
        expect(back.rejected).toEqual([]);
        const common = { task: 't', createdAt: t0 };
        // Strictly: no field the file did not carry, not even as undefined.
        expect(back.labels).toStrictEqual([
            {
                ...common,
                item: 'a.png',
                labeler: 'ann',
                labelerKind: 'human',
                id: 'a',
                programVersion: 'v1',
                gold: true,
                value: labels[0].value,
            },
            { ...common, item: 'a.png', labeler: 'det', labelerKind: 'model', id: 'b', score: 0.9, value: labels[1].value },
            { ...common, item: 'b.png', labeler: 'ann', labelerKind: 'human', id: 'c', value: [] },
        ]);
    });
    it('says what to do with a label that is not boxes, or an image without its size', () => {
        const text = { ...labels[2], id: 'x', value: 'spam' };
        expect(() => cocoFormat.export([text], exportOptions)).toThrow(
            "t: label x on item 'b.png' is not a box or a list of boxes; coco exports box tasks only (use jsonl or csv)",
        );
        expect(() => cocoFormat.export([{ ...labels[2], item: 'gone.png' }], exportOptions)).toThrow(
            "t: no image size for item 'gone.png': COCO images need width and height; pass --images DIR (the folder holding the " +
                'images, item keys relative to it)',
        );
    });
});

describe('coco import', () => {
    it('a plain COCO file: one label per image by the given labeler, empty images as empty answers', () => {
        const text = JSON.stringify({
            images: [
                { id: 7, file_name: 'x.jpg', width: 10, height: 10 },
                { id: 8, file_name: 'y.jpg', width: 10, height: 10 },
            ],
            annotations: [
                { id: 1, image_id: 7, category_id: 3, bbox: [1, 2, 3, 4], score: 0.5 },
                { id: 2, image_id: 7, category_id: 4, bbox: [0, 0, 1, 1] },
            ],
            categories: [
                { id: 3, name: 'dog' },
                { id: 4, name: 'cat' },
            ],
        });
        expect(importText(text, { labeler: 'vendor', labelerKind: 'model' }).labels).toStrictEqual([
            {
                task: 't',
                item: 'x.jpg',
                labeler: 'vendor',
                labelerKind: 'model',
                value: [
                    { x: 1, y: 2, width: 3, height: 4, label: 'dog', score: 0.5 },
                    { x: 0, y: 0, width: 1, height: 1, label: 'cat' },
                ],
            },
            { task: 't', item: 'y.jpg', labeler: 'vendor', labelerKind: 'model', value: [] },
        ]);
        expect(importText(text).labels.map((l) => [l.labeler, l.labelerKind])).toEqual([
            ['import', 'human'],
            ['import', 'human'],
        ]);
    });

    it('a "single" label with several boxes stays a list; a dprog_box that is not a rotated box falls back to bbox', () => {
        const owner = { id: 'l1', labeler: 'ann', labeler_kind: 'human', created_at: '', single: true };
        const annotation = (id: number, at: number, dprogBox: unknown) => ({
            id,
            image_id: 1,
            category_id: 1,
            bbox: [at, at, 2, 2],
            dprog_label: 'l1',
            dprog_box: dprogBox,
        });
        const text = JSON.stringify({
            images: [{ id: 1, file_name: 'a.png', width: 10, height: 10, dprog_labels: [owner] }],
            annotations: [
                annotation(1, 1, { x: 0, y: 0, width: 0, height: 2, rotation: 5 }),
                annotation(2, 3, { x: 0, y: 0, width: 2, height: 2, rotation: '5' }),
                annotation(3, 5, [0, 0, 2, 2, 5]),
            ],
            categories: [{ id: 1, name: 'car' }],
        });
        // No created_at, no program version: the store stamps the time; nothing else is made up.
        expect(importText(text).labels).toStrictEqual([
            {
                task: 't',
                item: 'a.png',
                labeler: 'ann',
                labelerKind: 'human',
                id: 'l1',
                value: [
                    { x: 1, y: 1, width: 2, height: 2, label: 'car' },
                    { x: 3, y: 3, width: 2, height: 2, label: 'car' },
                    { x: 5, y: 5, width: 2, height: 2, label: 'car' },
                ],
            },
        ]);
    });

    it('rejects each wrong record with its line and reason, and keeps the rest of the file (a good label beside a bad one too)', () => {
        const owners = (...ids: string[]) =>
            JSON.stringify(ids.map((id) => ({ id, labeler: 'ann', labeler_kind: 'human', created_at: t0 })));
        const lines = [
            '{"images": [',
            `{"id": 1, "file_name": "a.png", "width": 10, "height": 10, "dprog_labels": ${owners('good', 'bad')}},`,
            '{"id": 2, "file_name": "", "width": 10, "height": 10},',
            '"not an image",',
            '{"id": 1, "file_name": "again.png", "width": 10, "height": 10},',
            '{"id": 4, "file_name": "d.png", "width": 10, "height": 10, "dprog_labels": [3]},',
            `{"id": 5, "file_name": "e.png", "width": 10, "height": 10, "dprog_labels": ${owners('e1', 'e2')}},`,
            '{"id": 6, "file_name": "f.png", "width": 10, "height": 10},',
            'null,',
            '{"id": 8, "width": 10, "height": 10}',
            '],',
            '"annotations": [',
            '{"id": 10, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "dprog_label": "good"},',
            '{"id": 11, "image_id": 1, "category_id": 9, "bbox": [1, 1, 2, 2], "dprog_label": "bad"},',
            '{"id": 12, "image_id": 6, "category_id": 1, "bbox": [1, 1, 2]},',
            '{"id": 13, "image_id": 6, "category_id": 1, "bbox": [1, 1, 2, "2"]},',
            '{"id": 14, "image_id": 6, "category_id": 1, "bbox": "1 1 2 2"},',
            '{"id": 15, "image_id": 6, "category_id": 1, "bbox": [1, 1, 2, 2], "score": "high"},',
            '{"id": 16, "image_id": 5, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 2e400},',
            '42,',
            '{"id": "x", "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "dprog_label": "good"},',
            'null,',
            '{"id": "y", "image_id": 6, "category_id": 1, "bbox": [1, 1, 2, 0]}',
            '],',
            '"categories": [{"id": 1, "name": "car"}, {"id": 2}]',
            '}',
        ];
        const { file, labels: read, rejected } = importText(`${lines.join('\n')}\n`);
        const box = { x: 1, y: 1, width: 2, height: 2, label: 'car' };
        expect(read.map((l) => [l.item, l.id, l.value])).toEqual([['a.png', 'good', [box, box]]]);
        expect(rejected.every((r) => r.file === file)).toBe(true);
        expect(rejected.map((r) => [r.line, r.record, r.reason])).toEqual([
            [25, 'category 2', 'a category needs an "id" and a "name"'],
            [14, 'annotation 11', 'category_id 9 is not in "categories"'],
            [15, 'annotation 12', 'bbox must be [x, y, width, height] with finite numbers, found [1,1,2]'],
            [16, 'annotation 13', 'bbox must be [x, y, width, height] with finite numbers, found [1,1,2,"2"]'],
            [17, 'annotation 14', 'bbox must be [x, y, width, height] with finite numbers, found "1 1 2 2"'],
            [18, 'annotation 15', 'score must be a finite number, found "high"'],
            [19, 'annotation 16', 'score must be a finite number, found null'],
            [20, 'annotation 8', 'an annotation must be an object, found 42'],
            [22, 'annotation 10', 'an annotation must be an object, found null'],
            [23, 'annotation 11', 'bbox width and height must be positive, found 2 × 0'],
            [2, 'image 1, label bad', 'its annotation 11 was rejected (category_id 9 is not in "categories")'],
            [3, 'image 2', 'an image needs a "file_name", found ""'],
            [4, 'image 3', 'an image must be an object, found "not an image"'],
            [5, 'image 1', 'image id 1 appears twice in "images"'],
            [6, 'image 4', 'dprog_labels entries must be objects, found 3'],
            [7, 'image 5, label e1', 'its annotation 16 was rejected (score must be a finite number, found null)'],
            [7, 'image 5, label e2', 'its annotation 16 was rejected (score must be a finite number, found null)'],
            [8, 'image 6', 'its annotation 11 was rejected (bbox width and height must be positive, found 2 × 0)'],
            [9, 'image 8', 'an image must be an object, found null'],
            [10, 'image 8', 'an image needs a "file_name", found undefined'],
        ]);
    });
});
