/** Import and export: jsonl and csv round-trip byte for byte; coco, yolo and labelstudio keep every box, choice and span. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportLabels, importLabels, readImageSize, writeExport } from '../../../engine/src/store/formats/index.js';
import { LabelStore, type Label, type NewLabel } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function storeWith(name: string, labels: NewLabel[]): Promise<LabelStore> {
    const store = await LabelStore.open(join(dir, `${name}.sqlite`));
    for (const label of labels) {
        await store.addLabel(label);
    }
    return store;
}

/** Exports `task` from `from`, imports it into a fresh store, and returns both stores' labels and the two export texts. */
async function roundTrip(from: LabelStore, format: string, extra: { images?: string; history?: boolean; labeler?: string } = {}) {
    const first = exportLabels(from, { task: 't', format, ...extra });
    const out = join(dir, `export-${format}${first.files.length > 1 ? '' : '.out'}`);
    writeExport(first.files, out);
    const to = await LabelStore.open(join(dir, `imported-${format}.sqlite`));
    const result = await importLabels(to, { task: 't', format, source: out, images: extra.images });
    const again = exportLabels(to, { task: 't', format, ...extra });
    const imported = to.labels({ task: 't', includeSuperseded: true });
    // Importing the same file twice adds nothing when ids travel with the labels.
    const twice = await importLabels(to, { task: 't', format, source: out, images: extra.images });
    await to.close();
    return { first, again, imported, result, twice };
}

const t0 = '2026-03-01T10:00:00.000Z';
const textLabels: NewLabel[] = [
    {
        id: 'a',
        task: 't',
        item: 'm1',
        labeler: 'alice',
        labelerKind: 'human',
        value: 'spam',
        createdAt: t0,
        programVersion: 'v1',
        person: 'al',
    },
    { id: 'b', task: 't', item: 'm2', labeler: 'clf', labelerKind: 'model', value: 'ham', score: 0.73, createdAt: t0 },
    {
        id: 'c',
        task: 't',
        item: 'm3, "quoted"\nline',
        labeler: 'rules',
        labelerKind: 'rules',
        value: ['x', 'y'],
        createdAt: t0,
        gold: true,
    },
    {
        id: 'd',
        task: 't',
        item: 'm4',
        labeler: 'alice',
        labelerKind: 'human',
        value: { start: 1, end: 4, label: 'name', text: 'Bob' },
        createdAt: t0,
    },
    { id: 'e', task: 't', item: 'm5', labeler: 'alice', labelerKind: 'human', value: 3.5, createdAt: t0 },
    { id: 'e2', task: 't', item: 'm6', labeler: 'alice', labelerKind: 'human', value: '3.5', createdAt: t0 },
    { id: 'e3', task: 't', item: 'm7', labeler: 'alice', labelerKind: 'human', value: 'say "hi", then\nleave', createdAt: t0 },
    { id: 'e4', task: 't', item: 'm8', labeler: 'alice', labelerKind: 'human', value: null, createdAt: t0 },
    { id: 'f', task: 't', item: 'm1', labeler: 'bob', labelerKind: 'human', value: 'ham', createdAt: t0, supersedes: 'a' },
    { id: 'g', task: 'other', item: 'm1', labeler: 'alice', labelerKind: 'human', value: 'nope', createdAt: t0 },
];

describe.each(['jsonl', 'csv'])('%s', (format) => {
    it('round-trips the full history exactly, supersede links included', async () => {
        const store = await storeWith('a', textLabels);
        const { first, again, imported, twice } = await roundTrip(store, format, { history: true });
        expect(again.files).toEqual(first.files);
        expect(first.labels).toBe(9);
        expect(imported).toEqual(store.labels({ task: 't', includeSuperseded: true }));
        expect(imported.find((l) => l.id === 'a')?.supersededBy).toBe('f');
        expect(twice.added).toBe(0);
        await store.close();
    });

    it('exports only current labels by default, and that round-trips too', async () => {
        const store = await storeWith('a', textLabels);
        const { first, again, imported } = await roundTrip(store, format);
        expect(first.labels).toBe(8);
        expect(again.files).toEqual(first.files);
        expect(imported.map((l) => l.id)).toEqual(['b', 'c', 'd', 'e', 'e2', 'e3', 'e4', 'f']);
        await store.close();
    });
});

describe('hand-written files', () => {
    it('imports a csv with plain words and fills defaults', async () => {
        writeFileSync(join(dir, 'in.csv'), 'item,value,labeler\nm1,spam,alice\nm2,"[""a"",""b""]",bob\nm3,7,carol\n');
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        const result = await importLabels(store, { task: 't', format: 'csv', source: join(dir, 'in.csv') });
        expect(result).toEqual({ read: 3, added: 3, alreadyStored: 0, rejected: [], typeChecked: false });
        expect(store.labels().map((l) => [l.item, l.value, l.labeler, l.labelerKind])).toEqual([
            ['m1', 'spam', 'alice', 'human'],
            ['m2', ['a', 'b'], 'bob', 'human'],
            ['m3', 7, 'carol', 'human'],
        ]);
        // No ids in the file: ids come from the content, so importing it again adds nothing.
        expect(await importLabels(store, { task: 't', format: 'csv', source: join(dir, 'in.csv') })).toMatchObject({
            read: 3,
            added: 0,
            alreadyStored: 3,
        });
        writeFileSync(join(dir, 'more.csv'), 'item,value,labeler\nm1,spam,alice\nm1,spam,alice\nm1,ham,alice\n');
        const more = await importLabels(store, { task: 't', format: 'csv', source: join(dir, 'more.csv') });
        expect(more).toMatchObject({ read: 3, added: 1, alreadyStored: 1 });
        expect(more.rejected.map((r) => [r.line, r.reason])).toEqual([[3, 'the same label as line 2 (same item, labeler and value)']]);
        await store.close();
    });

    it('names the file and line of a bad record and rejects it; a file not of the format adds nothing', async () => {
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        writeFileSync(join(dir, 'bad.jsonl'), '{"item":"a","value":1}\n{"item":"b","value":\n{"item":"c","value":1,"task":"x"}\n');
        const result = await importLabels(store, { task: 't', format: 'jsonl', source: join(dir, 'bad.jsonl') });
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
            [2, expect.stringMatching(/^not valid JSON/)],
            [3, expect.stringMatching(/^the record is for task 'x'/)],
        ]);
        expect(store.labels().map((l) => l.item)).toEqual(['a']);
        writeFileSync(join(dir, 'bad.csv'), 'item,labeler\na,b\n');
        await expect(importLabels(store, { task: 't', format: 'csv', source: join(dir, 'bad.csv') })).rejects.toThrow(
            /bad\.csv:1: no 'value' column/,
        );
        await expect(importLabels(store, { task: 't', format: 'xml', source: join(dir, 'bad.csv') })).rejects.toThrow(
            /unknown format 'xml'; use one of jsonl, csv, coco, yolo, labelstudio/,
        );
        expect(store.countLabels()).toBe(1);
        await store.close();
    });
});

function writePng(path: string, width: number, height: number): void {
    const png = new PNG({ width, height });
    writeFileSync(path, PNG.sync.write(png));
}

function writeJpeg(path: string, width: number, height: number): void {
    writeFileSync(path, jpeg.encode({ data: Buffer.alloc(width * height * 4, 128), width, height }, 80).data);
}

describe('image formats', () => {
    let images: string;
    beforeEach(() => {
        images = join(dir, 'images');
        mkdirSync(join(images, 'sub'), { recursive: true });
        writePng(join(images, 'a.png'), 640, 480);
        writeJpeg(join(images, 'sub', 'b.jpg'), 320, 200);
        writePng(join(images, 'c.png'), 100, 100);
    });

    it('reads image sizes from PNG and JPEG headers', () => {
        expect(readImageSize(join(images, 'a.png'))).toEqual({ width: 640, height: 480 });
        expect(readImageSize(join(images, 'sub', 'b.jpg'))).toEqual({ width: 320, height: 200 });
    });

    const boxLabels: NewLabel[] = [
        {
            id: 'p1',
            task: 't',
            item: 'a.png',
            labeler: 'alice',
            labelerKind: 'human',
            createdAt: t0,
            value: [
                { x: 10, y: 20, width: 100, height: 50, label: 'car' },
                { x: 300.5, y: 100, width: 40, height: 80, label: 'bus' },
            ],
        },
        {
            id: 'p2',
            task: 't',
            item: 'sub/b.jpg',
            labeler: 'alice',
            labelerKind: 'human',
            createdAt: t0,
            value: { x: 0, y: 0, width: 320, height: 200, label: 'truck' },
        },
        { id: 'p3', task: 't', item: 'c.png', labeler: 'alice', labelerKind: 'human', createdAt: t0, value: [] },
    ];
    const modelBoxes: NewLabel = {
        id: 'm1',
        task: 't',
        item: 'a.png',
        labeler: 'detector',
        labelerKind: 'model',
        score: 0.9,
        createdAt: t0,
        programVersion: 'v2',
        value: [{ x: 12, y: 18, width: 98, height: 55, label: 'car', score: 0.8 }],
    };

    it("coco: keeps every labeler's boxes, scores and empty answers; categories from the values", async () => {
        const store = await storeWith('a', [...boxLabels, modelBoxes]);
        const { first, imported, twice } = await roundTrip(store, 'coco', { images });
        const coco = JSON.parse(first.files[0].text);
        expect(coco.categories).toEqual([
            { id: 1, name: 'bus', supercategory: 'none' },
            { id: 2, name: 'car', supercategory: 'none' },
            { id: 3, name: 'truck', supercategory: 'none' },
        ]);
        expect(coco.images.map((i: { file_name: string; width: number }) => [i.file_name, i.width])).toEqual([
            ['a.png', 640],
            ['sub/b.jpg', 320],
            ['c.png', 100],
        ]);
        expect(coco.annotations).toHaveLength(4);
        expect(coco.annotations[0]).toMatchObject({ bbox: [10, 20, 100, 50], category_id: 2, area: 5000, iscrowd: 0 });
        const byId = (ls: Label[]) => [...ls].sort((x, y) => x.id.localeCompare(y.id));
        expect(byId(imported)).toEqual(byId(store.labels()));
        expect(twice.added).toBe(0);
        await store.close();
    });

    it('coco: imports a plain COCO file from another tool', async () => {
        writeFileSync(
            join(dir, 'plain.json'),
            JSON.stringify({
                images: [{ id: 7, file_name: 'x.jpg', width: 10, height: 10 }],
                annotations: [{ id: 1, image_id: 7, category_id: 3, bbox: [1, 2, 3, 4] }],
                categories: [{ id: 3, name: 'dog' }],
            }),
        );
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        await importLabels(store, { task: 't', format: 'coco', source: join(dir, 'plain.json'), labeler: 'vendor' });
        expect(store.labels().map((l) => [l.item, l.labeler, l.value])).toEqual([
            ['x.jpg', 'vendor', [{ x: 1, y: 2, width: 3, height: 4, label: 'dog' }]],
        ]);
        await store.close();
    });

    it('yolo: relative coordinates in labels/train/*.txt, classes.txt, boxes back in pixels', async () => {
        const store = await storeWith('a', boxLabels);
        const { first, imported } = await roundTrip(store, 'yolo', { images });
        const files = Object.fromEntries(first.files.map((f) => [f.path, f.text]));
        expect(files['classes.txt']).toBe('bus\ncar\ntruck\n');
        expect(files[join('labels', 'train', 'a.txt')]).toBe(
            '1 0.09375 0.09375 0.15625 0.10416667\n0 0.50078125 0.29166667 0.0625 0.16666667\n',
        );
        expect(files[join('labels', 'train', 'sub', 'b.txt')]).toBe('2 0.5 0.5 1 1\n');
        expect(files[join('labels', 'train', 'c.txt')]).toBe('');
        const byItem = Object.fromEntries(imported.map((l) => [l.item, l.value]));
        const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);
        for (const label of boxLabels) {
            const got = asList(byItem[label.item]) as { x: number; y: number; width: number; height: number; label: string }[];
            const want = asList(label.value) as typeof got;
            expect(got.map((b) => b.label)).toEqual(want.map((b) => b.label));
            got.forEach((b, i) => {
                for (const k of ['x', 'y', 'width', 'height'] as const) {
                    expect(b[k]).toBeCloseTo(want[i][k], 3);
                }
            });
        }
        await store.close();
    });

    it('yolo: says what to do without image sizes or with several labelers per image', async () => {
        const store = await storeWith('a', [...boxLabels, modelBoxes]);
        expect(() => exportLabels(store, { task: 't', format: 'yolo', images })).toThrow(
            /item 'a\.png' has labels from alice and detector; .*--labeler NAME/,
        );
        expect(() => exportLabels(store, { task: 't', format: 'yolo', labeler: 'alice' })).toThrow(
            /no image for item 'a\.png'.*--images DIR/,
        );
        const detector = Object.fromEntries(
            exportLabels(store, { task: 't', format: 'yolo', labeler: 'detector', images }).files.map((f) => [f.path, f.text]),
        );
        expect(detector[join('labels', 'train', 'a.txt')]).toBe('0 0.0953125 0.09479167 0.153125 0.11458333\n');
        expect(detector[join('scores', 'train', 'a.txt')]).toBe('0.8\n');
        expect(() => exportLabels(store, { task: 't', format: 'coco' })).toThrow(
            /no image size for item 'a\.png': COCO images need width and height; pass --images DIR/,
        );
        await store.close();
        const text = await storeWith('b', [{ task: 't', item: 'm', labeler: 'a', labelerKind: 'human', value: 'spam' }]);
        expect(() => exportLabels(text, { task: 't', format: 'coco' })).toThrow(
            /not a box or a list of boxes; coco exports box tasks only/,
        );
        await text.close();
    });

    it('labelstudio: choices, yes/no, numbers, text, spans, boxes and model predictions round-trip', async () => {
        const labels: NewLabel[] = [
            ...boxLabels,
            modelBoxes,
            { id: 'q1', task: 't', item: 'doc1', labeler: 'alice', labelerKind: 'human', createdAt: t0, value: 'spam' },
            { id: 'q2', task: 't', item: 'doc1', labeler: 'clf', labelerKind: 'model', score: 0.6, createdAt: t0, value: 'ham' },
            { id: 'q3', task: 't', item: 'doc2', labeler: 'bob', labelerKind: 'human', createdAt: t0, value: ['a'] },
            { id: 'q4', task: 't', item: 'doc3', labeler: 'bob', labelerKind: 'rules', createdAt: t0, value: true, gold: true },
            { id: 'q5', task: 't', item: 'doc4', labeler: 'bob', labelerKind: 'human', createdAt: t0, value: 4.25 },
            {
                id: 'q6',
                task: 't',
                item: 'doc5',
                labeler: 'bob',
                labelerKind: 'human',
                createdAt: t0,
                value: [
                    { start: 0, end: 3, label: 'PER', text: 'Ann' },
                    { start: 9, end: 14, label: 'LOC' },
                ],
            },
        ];
        const store = await storeWith('a', labels);
        const { first, imported, twice } = await roundTrip(store, 'labelstudio', { images });
        const tasks = JSON.parse(first.files[0].text);
        const doc1 = tasks.find((t: { data: { dprog_item: string } }) => t.data.dprog_item === 'doc1');
        expect(doc1.annotations[0].result[0]).toMatchObject({ type: 'choices', value: { choices: ['spam'] } });
        expect(doc1.predictions[0]).toMatchObject({ model_version: 'clf', score: 0.6 });
        const a = tasks.find((t: { data: { dprog_item: string } }) => t.data.dprog_item === 'a.png');
        expect(a.data.image).toBe('/data/local-files/?d=a.png');
        expect(a.annotations[0].result[0]).toMatchObject({
            type: 'rectanglelabels',
            original_width: 640,
            value: { rectanglelabels: ['car'] },
        });
        expect(a.annotations[0].result[0].value.x).toBeCloseTo(1.5625, 6);
        const sorted = (ls: Label[]) => [...ls].sort((x, y) => x.id.localeCompare(y.id));
        expect(sorted(imported)).toEqual(sorted(store.labels()));
        expect(twice.added).toBe(0);
        await store.close();
    });
});

describe('labelstudio files from Label Studio itself', () => {
    it('imports annotators, predictions, percent boxes and NER spans, skipping cancelled annotations', async () => {
        writeFileSync(
            join(dir, 'ls.json'),
            JSON.stringify(
                [
                    {
                        id: 11,
                        data: { image: '/data/upload/1/cat.jpg', dprog_item: 'cat.jpg' },
                        annotations: [
                            {
                                id: 1,
                                completed_by: { id: 3, email: 'ann@example.com' },
                                created_at: '2026-02-01T12:00:00.000000Z',
                                result: [
                                    {
                                        id: 'r1',
                                        type: 'rectanglelabels',
                                        from_name: 'label',
                                        to_name: 'image',
                                        original_width: 200,
                                        original_height: 100,
                                        value: { x: 10, y: 20, width: 50, height: 40, rotation: 0, rectanglelabels: ['Cat'] },
                                    },
                                ],
                            },
                            { id: 2, completed_by: 4, was_cancelled: true, result: [] },
                        ],
                        predictions: [
                            {
                                model_version: 'yolo-v8',
                                score: 0.55,
                                result: [
                                    {
                                        type: 'rectanglelabels',
                                        from_name: 'label',
                                        to_name: 'image',
                                        original_width: 200,
                                        original_height: 100,
                                        value: { x: 11, y: 21, width: 49, height: 39, rectanglelabels: ['Cat'] },
                                        score: 0.55,
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        id: 12,
                        data: { text: 'Ann lives in Oslo', dprog_item: 'doc-12' },
                        annotations: [
                            {
                                completed_by: 7,
                                result: [
                                    {
                                        type: 'labels',
                                        from_name: 'ner',
                                        to_name: 'text',
                                        value: { start: 0, end: 3, text: 'Ann', labels: ['PER'] },
                                    },
                                    {
                                        type: 'labels',
                                        from_name: 'ner',
                                        to_name: 'text',
                                        value: { start: 13, end: 17, text: 'Oslo', labels: ['LOC'] },
                                    },
                                ],
                            },
                        ],
                    },
                    { id: 13, data: { text: 'uploaded by hand' }, annotations: [{ completed_by: 7, result: [] }] },
                ],
                null,
                1,
            ),
        );
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        const result = await importLabels(store, { task: 't', format: 'labelstudio', source: join(dir, 'ls.json') });
        expect(result).toMatchObject({ read: 4, added: 3 });
        // A task without dprog_item is not guessed onto its text or upload path: it is rejected, naming the task.
        expect(result.rejected).toEqual([
            {
                file: join(dir, 'ls.json'),
                line: expect.any(Number),
                record: 'task 13',
                reason: expect.stringMatching(/^task 13 has no data\.dprog_item: dprog cannot tell which item it labels/),
            },
        ]);
        expect(store.labels().map((l) => [l.item, l.labeler, l.labelerKind, l.score, l.value])).toEqual([
            ['cat.jpg', 'ann@example.com', 'human', undefined, [{ x: 20, y: 20, width: 100, height: 40, label: 'Cat' }]],
            ['cat.jpg', 'yolo-v8', 'model', 0.55, [{ x: 22, y: 21, width: 98, height: 39, label: 'Cat', score: 0.55 }]],
            [
                'doc-12',
                '7',
                'human',
                undefined,
                [
                    { start: 0, end: 3, label: 'PER', text: 'Ann' },
                    { start: 13, end: 17, label: 'LOC', text: 'Oslo' },
                ],
            ],
        ]);
        await store.close();
    });
});
