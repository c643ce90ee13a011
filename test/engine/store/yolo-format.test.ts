/**
 * The YOLO dataset dprog writes and reads, file by file: `data.yaml` and `classes.txt` in the class
 * order, the images copied beside `labels/train/<item>.txt` (five relative numbers a box, nine for a
 * rotated box's corners), model scores in `scores/train/`; and on import, the class names from either
 * file, boxes back in pixels, and each wrong line rejected with its file and line number.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportOptions, TaskType } from '../../../engine/src/store/formats/format.js';
import { yoloFormat } from '../../../engine/src/store/formats/yolo.js';
import type { Label } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function file(path: string, text: string): string {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
}

function png(path: string, width: number, height: number): void {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), PNG.sync.write(new PNG({ width, height })));
}

const t0 = '2026-03-01T10:00:00.000Z';
const label = (id: string, item: string, value: Label['value'], labeler = 'ann'): Label => ({
    id,
    task: 't',
    item,
    labeler,
    labelerKind: 'human',
    createdAt: t0,
    gold: false,
    value,
});

const labels: Label[] = [
    label('a', 'a.png', [
        { x: 10, y: 20, width: 30, height: 10, label: 'car', score: 0.5 },
        { x: 0, y: 0, width: 20, height: 10, label: 'bus' },
    ]),
    label('b', 'sub/b.jpg', { x: 0, y: 0, width: 20, height: 10, label: 'car', rotation: 90 }),
    label('c', 'c', []),
];
const sizes: Record<string, { width: number; height: number }> = {
    'a.png': { width: 100, height: 50 },
    'sub/b.jpg': { width: 40, height: 20 },
    c: { width: 10, height: 10 },
};
const exportOptions = {
    task: 't',
    imageSize: (item: string) => sizes[item],
    imageFile: (item: string) => (item === 'c' ? '/imgs/c.png' : `/imgs/${item}`),
};

function importFrom(source: string, options: Partial<ImportOptions> = {}) {
    const read = yoloFormat.import(join(dir, source), { task: 't', ...options });
    return { labels: read.labels.map((l) => [l.label.item, l.label.value]), read };
}

describe('yolo export', () => {
    it('writes data.yaml, classes.txt, the images, one label file per image and the model scores beside them', () => {
        expect(yoloFormat.export(labels, exportOptions)).toEqual([
            {
                path: 'data.yaml',
                text: '# dprog labels of task t\ntrain: images/train\nval: images/train\nnames:\n  0: "bus"\n  1: "car"\n',
            },
            { path: 'classes.txt', text: 'bus\ncar\n' },
            { path: 'images/train/a.png', text: '', copyFrom: '/imgs/a.png' },
            { path: 'labels/train/a.txt', text: '1 0.25 0.5 0.3 0.2\n0 0.1 0.1 0.2 0.2\n' },
            // One score line per box line; a box without a score leaves its line empty.
            { path: 'scores/train/a.txt', text: '0.5\n\n' },
            { path: 'images/train/sub/b.jpg', text: '', copyFrom: '/imgs/sub/b.jpg' },
            // A box turned a quarter: YOLO-OBB's corners, relative to the 40 × 20 image.
            { path: 'labels/train/sub/b.txt', text: '1 0.375 -0.25 0.375 0.75 0.125 0.75 0.125 -0.25\n' },
            { path: 'images/train/c.png', text: '', copyFrom: '/imgs/c.png' },
            { path: 'labels/train/c.txt', text: '' },
        ]);
    });

    it("numbers the classes in the task's order", () => {
        const type = { output: { kind: 'box' }, classes: ['car', 'truck', 'bus'] } as unknown as TaskType;
        const files = Object.fromEntries(yoloFormat.export(labels.slice(0, 1), { ...exportOptions, type }).map((f) => [f.path, f.text]));
        expect(files['classes.txt']).toBe('car\ntruck\nbus\n');
        expect(files['data.yaml']).toContain('names:\n  0: "car"\n  1: "truck"\n  2: "bus"\n');
        expect(files['labels/train/a.txt']).toBe('0 0.25 0.5 0.3 0.2\n2 0.1 0.1 0.2 0.2\n');
    });

    it('says what to do: one labeler per image, box tasks only, the images folder', () => {
        expect(() => yoloFormat.export([labels[0], label('x', 'a.png', [], 'bob')], exportOptions)).toThrow(
            "t: item 'a.png' has labels from ann and bob; yolo holds one label per image: pass --labeler NAME",
        );
        expect(() => yoloFormat.export([label('x', 'm1', 'spam')], exportOptions)).toThrow(
            "t: label x on item 'm1' is not a box or a list of boxes; yolo exports box tasks only (use jsonl or csv)",
        );
        const noImage = "t: no image for item 'a.png': a yolo dataset holds the images and its coordinates are relative to them; pass";
        expect(() => yoloFormat.export(labels, { task: 't', imageSize: exportOptions.imageSize })).toThrow(noImage);
        expect(() => yoloFormat.export(labels, { task: 't', imageFile: exportOptions.imageFile })).toThrow(noImage);
    });
});

describe('yolo import', () => {
    it("Ultralytics' layout: names from data.yaml, images beside the labels, scores from the side file or a sixth column", () => {
        png('ds/images/train/a.png', 100, 50);
        png('ds/images/train/sub/b.png', 40, 20);
        file('ds/data.yaml', 'train: images/train\nnames:\n  0: "bus"\n  1: \'car\'\n  2: truck\n');
        png('ds/images/val/v.png', 10, 10);
        // Windows line ends, blank lines and runs of spaces are read as Ultralytics reads them.
        file(
            'ds/labels/train/a.txt',
            '1 0.25 0.5 0.3 0.2\r\n   \r\n  0  0.1 0.1 0.2 0.2 0.7\r\n2 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n',
        );
        file('ds/labels/train/sub/b.txt', '2 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n1 0.5 0.5 1 1\n0 0 0 1 1\n');
        // A score file shorter than its label file: the boxes past its end have no score.
        file('ds/scores/train/sub/b.txt', '0.25 \r\n');
        file('ds/labels/val/v.txt', '0 0.5 0.5 1 1\n');
        const { labels: read, read: result } = importFrom('ds');
        expect(result.rejected).toEqual([]);
        expect(read).toEqual([
            [
                'a.png',
                [
                    { x: 10, y: 20, width: 30, height: 10, label: 'car' },
                    { x: 0, y: 0, width: 20, height: 10, label: 'bus', score: 0.7 },
                    { x: 25, y: 12.5, width: 50, height: 25, label: 'truck' },
                ],
            ],
            [
                'sub/b.png',
                [
                    { x: 10, y: 5, width: 20, height: 10, label: 'truck', score: 0.25 },
                    { x: 0, y: 0, width: 40, height: 20, label: 'car' },
                    { x: -20, y: -10, width: 40, height: 20, label: 'bus' },
                ],
            ],
            ['v.png', [{ x: 0, y: 0, width: 10, height: 10, label: 'bus' }]],
        ]);
        expect(result.labels.map((l) => [l.label.labeler, l.label.labelerKind, l.source.record])).toEqual([
            ['import', 'human', 'labels/train/a.txt'],
            ['import', 'human', 'labels/train/sub/b.txt'],
            ['import', 'human', 'labels/val/v.txt'],
        ]);
        expect(importFrom('ds', { labeler: 'vendor', labelerKind: 'model' }).read.labels[0].label).toMatchObject({
            labeler: 'vendor',
            labelerKind: 'model',
        });
    });

    it('a plain folder of classes.txt and <item>.txt: items and sizes from the images folder', () => {
        file('plain/classes.txt', ' car \n\nbus\n');
        file('plain/x.txt', '1 0.5 0.5 0.5 0.5\n');
        const sized = { imageSize: () => ({ width: 10, height: 10 }) };
        expect(importFrom('plain', { ...sized, resolveItem: (stem) => `${stem}.jpg` }).labels).toEqual([
            ['x.jpg', [{ x: 2.5, y: 2.5, width: 5, height: 5, label: 'bus' }]],
        ]);
        expect(importFrom('plain', sized).labels).toEqual([['x', [{ x: 2.5, y: 2.5, width: 5, height: 5, label: 'bus' }]]]);
        const reasons = (options: Partial<ImportOptions>) => importFrom('plain', options).read.rejected.map((r) => [r.record, r.reason]);
        expect(reasons({ ...sized, resolveItem: () => undefined })).toEqual([
            ['x.txt', "no image found for 'x' under the images folder; pass --images DIR (the folder holding the images)"],
        ]);
        expect(reasons({})).toEqual([['x.txt', "no image size for 'x': yolo coordinates are relative to the image; pass --images DIR"]]);
    });

    it('class names from a data.yaml list; a folder without names says what it needs', () => {
        file('inline/data.yaml', 'path: .\nnames: [car, \'bus\', "truck"]\n');
        file('inline/labels/x.txt', '2 0.5 0.5 1 1\n');
        expect(importFrom('inline', { imageSize: () => ({ width: 4, height: 2 }) }).labels).toEqual([
            ['x', [{ x: 0, y: 0, width: 4, height: 2, label: 'truck' }]],
        ]);
        file('nonames/data.yaml', 'train: images/train\n');
        expect(() => importFrom('nonames')).toThrow(
            `${join(dir, 'nonames', 'data.yaml')}: data.yaml has no "names:" (a map of class ids to names)`,
        );
        mkdirSync(join(dir, 'empty'));
        expect(() => importFrom('empty')).toThrow(
            `${join(dir, 'empty')}: no classes.txt or data.yaml here: a yolo folder needs the class names and labels/*.txt`,
        );
    });

    it('class ids of two digits in a data.yaml map, and a rotated line with a word among its corners', () => {
        const names = Array.from({ length: 12 }, (_, i) => `  ${i}: c${i}`).join('\n');
        file('many/data.yaml', `path: .\nnames:\n${names}\n`);
        file('many/labels/x.txt', '11 0.5 0.5 1 1\n10 0.5 0.5 1 1\n');
        file('many/labels/y.txt', '0 0 0 1 0 1 1 0 x\n');
        const { labels: read, read: result } = importFrom('many', { imageSize: () => ({ width: 4, height: 2 }) });
        expect(read).toEqual([
            [
                'x',
                [
                    { x: 0, y: 0, width: 4, height: 2, label: 'c11' },
                    { x: 0, y: 0, width: 4, height: 2, label: 'c10' },
                ],
            ],
        ]);
        expect(result.rejected.map((r) => [r.record, r.reason])).toEqual([
            ['labels/y.txt', 'line 1: expected "class cx cy w h" with finite numbers, found "0 0 0 1 0 1 1 0 x"'],
        ]);
    });

    it('rejects a file with a wrong line, naming the file and the line', () => {
        file('bad/classes.txt', 'car\r\nbus\r\n');
        const lines: Record<string, string> = {
            a: '5 0.5 0.5 0.1 0.1',
            b: '0.5 0.5 0.5 0.1 0.1',
            c: '0 0.5 0.5 0.1',
            d: '0 0.5 0.5 0.1 x',
            e: `0 ${'0.123456789 '.repeat(6)}`,
            f: '0 0.5 0.5 0 0.1',
            g: '0 0.5 0.5 0.1 -0.1',
            h: '0 1.5 0.5 0.1 0.1',
            i: '0 0.5 -0.5 0.1 0.1',
            j: '0 0.5 0.5 1.01 0.1',
            k: '7 0 0 1 0 1 1 0 1',
            l: '0.5 0 0 1 0 1 1 0 1',
            m: '\n0 0.5 0.5 0.1 0.1\n0 0.5 0.5 0.1 0.1 0.2 0.3',
            n: '   0 0.5 0.5',
            o: '0 0.5 0.5 0.1 0',
            ok: '0 0.5 0.5 0.1 0.1',
        };
        for (const [name, text] of Object.entries(lines)) {
            file(`bad/labels/${name}.txt`, `${text}\n`);
        }
        const { labels: read, read: result } = importFrom('bad', { imageSize: () => ({ width: 100, height: 100 }) });
        expect(read).toEqual([['ok', [{ x: 45, y: 45, width: 10, height: 10, label: 'car' }]]]);
        expect(result.rejected.every((r) => r.file === join(dir, 'bad', 'labels', `${r.record?.slice('labels/'.length)}`))).toBe(true);
        expect(result.rejected.map((r) => [r.record, r.reason])).toEqual([
            ['labels/a.txt', 'line 1: class 5 is not in the class names (2 classes)'],
            ['labels/b.txt', 'line 1: class 0.5 is not in the class names (2 classes)'],
            ['labels/c.txt', 'line 1: expected "class cx cy w h" with finite numbers, found "0 0.5 0.5 0.1"'],
            ['labels/d.txt', 'line 1: expected "class cx cy w h" with finite numbers, found "0 0.5 0.5 0.1 x"'],
            [
                'labels/e.txt',
                `line 1: expected "class cx cy w h" with finite numbers, found "${`0 ${'0.123456789 '.repeat(6)}`.slice(0, 60)}"`,
            ],
            ['labels/f.txt', 'line 1: width and height must be positive, found 0 × 0.1'],
            ['labels/g.txt', 'line 1: width and height must be positive, found 0.1 × -0.1'],
            ['labels/h.txt', 'line 1: coordinates must be relative to the image (0 to 1), found 1.5 0.5 0.1 0.1'],
            ['labels/i.txt', 'line 1: coordinates must be relative to the image (0 to 1), found 0.5 -0.5 0.1 0.1'],
            ['labels/j.txt', 'line 1: coordinates must be relative to the image (0 to 1), found 0.5 0.5 1.01 0.1'],
            ['labels/k.txt', 'line 1: class 7 is not in the class names (2 classes)'],
            ['labels/l.txt', 'line 1: class 0.5 is not in the class names (2 classes)'],
            ['labels/m.txt', 'line 3: expected "class cx cy w h" with finite numbers, found "0 0.5 0.5 0.1 0.1 0.2 0.3"'],
            ['labels/n.txt', 'line 1: expected "class cx cy w h" with finite numbers, found "0 0.5 0.5"'],
            ['labels/o.txt', 'line 1: width and height must be positive, found 0.1 × 0'],
        ]);
    });
});
