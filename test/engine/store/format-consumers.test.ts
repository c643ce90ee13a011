/**
 * Exports checked against the rules their consumers document (not against dprog's own reader):
 * - Label Studio, "Label Studio JSON format of annotated tasks" and "Import pre-annotated data"
 *   (labelstud.io/guide/task_format, /guide/predictions): a list of tasks, each with a `data`
 *   object holding every `$variable` the labeling config names; `annotations` and `predictions`
 *   with a `result` list whose `from_name`/`to_name` are a control and an object tag of the config,
 *   whose `type` is the control tag's name in lower case, and whose labels are the config's; a
 *   person is an integer id or `{email}` (or left out); images by URL, or under Label Studio's
 *   local-files prefix `/data/local-files/?d=`; boxes in percent of the image.
 * - Ultralytics YOLO detection datasets (docs.ultralytics.com/datasets/detect): `data.yaml` with
 *   `train`, `val` and `names` (ids 0…n-1); a label file per image at the image's path with
 *   `images` → `labels` and the extension → `.txt`; exactly five columns `class x y w h`, all in
 *   [0, 1] (Ultralytics rejects a file whose rows have more columns).
 * - COCO object detection (cocodataset.org/#format-data): images with integer `id`, `file_name`,
 *   `width`, `height`; annotations with `id`, an `image_id` and `category_id` that exist, `bbox`
 *   `[x, y, width, height]` with a positive size, `area`, `iscrowd`; categories with `id`, `name`,
 *   `supercategory`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanLabelType } from '../../../engine/src/plan/types.js';
import { exportLabels, importLabels, writeExport, type TaskType } from '../../../engine/src/store/formats/index.js';
import { LabelStore, type NewLabel } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
let images: string;
beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    images = join(dir, 'images');
    mkdirSync(join(images, 'sub'), { recursive: true });
    writeFileSync(join(images, 'a.png'), PNG.sync.write(new PNG({ width: 640, height: 480 })));
    writeFileSync(join(images, 'sub', 'b.png'), PNG.sync.write(new PNG({ width: 320, height: 200 })));
});
afterEach(() => cleanup());

const t0 = '2026-03-01T10:00:00.000Z';
const boxType: TaskType = {
    output: { kind: 'list', element: { kind: 'box', labelSet: 'Thing', text: 'box<Thing>' }, text: 'list<box<Thing>>' } as PlanLabelType,
    classes: ['car', 'bus', 'truck'],
};
const choiceType: TaskType = { output: { kind: 'choice', labelSet: 'Verdict', text: 'choice<Verdict>' }, classes: ['spam', 'ham'] };
const boxLabels: NewLabel[] = [
    {
        id: 'p1',
        task: 't',
        item: 'a.png',
        labeler: 'ann@example.com',
        labelerKind: 'human',
        createdAt: t0,
        value: [{ x: 10, y: 20, width: 100, height: 50, label: 'car' }],
    },
    {
        id: 'p2',
        task: 't',
        item: 'sub/b.png',
        labeler: 'detector',
        labelerKind: 'model',
        score: 0.9,
        createdAt: t0,
        value: [
            { x: 0, y: 0, width: 320, height: 200, label: 'truck', score: 0.8 },
            { x: 5, y: 5, width: 10, height: 10, label: 'bus', score: 0.4 },
        ],
    },
];

async function storeWith(labels: NewLabel[]): Promise<LabelStore> {
    const store = await LabelStore.open(join(dir, 'labels.sqlite'));
    await store.addLabels(labels);
    return store;
}

/** The tags of a labeling config: name → { tag, toName, value, labels }. */
function configTags(xml: string): Map<string, { tag: string; toName?: string; value?: string; labels: string[] }> {
    const tags = new Map<string, { tag: string; toName?: string; value?: string; labels: string[] }>();
    let open: { tag: string; labels: string[] } | undefined;
    for (const [, close, tag, attrs] of xml.matchAll(/<(\/?)(\w+)([^>]*?)\/?>/g)) {
        const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];
        const name = attr('name');
        if (close) {
            continue;
        }
        if ((tag === 'Label' || tag === 'Choice') && open) {
            open.labels.push(attr('value') ?? '');
        } else if (name) {
            open = { tag, labels: [] };
            tags.set(name, { tag, labels: open.labels, toName: attr('toName'), value: attr('value') });
        }
    }
    return tags;
}

/** Every rule of Label Studio's task import this test checks; an empty list when the tasks follow them. */
function labelStudioProblems(tasks: unknown, config: string): string[] {
    const problems: string[] = [];
    const tags = configTags(config);
    if (!Array.isArray(tasks)) {
        return ['not a list of tasks'];
    }
    for (const [i, task] of tasks.entries()) {
        const data = task.data as Record<string, unknown>;
        if (typeof data !== 'object' || data === null) {
            problems.push(`task ${i}: no data`);
        }
        for (const { value } of tags.values()) {
            if (value?.startsWith('$') && !(value.slice(1) in data)) {
                problems.push(`task ${i}: data has no ${value.slice(1)}`);
            }
        }
        if (typeof data.image === 'string' && !/^(https?:\/\/|\/data\/local-files\/\?d=|\/data\/upload\/)/.test(data.image)) {
            problems.push(`task ${i}: image ${data.image} is not a URL Label Studio serves`);
        }
        for (const key of ['annotations', 'predictions'] as const) {
            for (const a of task[key] ?? []) {
                if (
                    key === 'annotations' &&
                    a.completed_by !== undefined &&
                    !Number.isInteger(a.completed_by) &&
                    typeof a.completed_by?.email !== 'string'
                ) {
                    problems.push(`task ${i}: completed_by ${JSON.stringify(a.completed_by)}`);
                }
                if (key === 'predictions' && typeof a.model_version !== 'string') {
                    problems.push(`task ${i}: prediction without model_version`);
                }
                for (const r of a.result) {
                    const control = tags.get(r.from_name);
                    if (!control) {
                        problems.push(`task ${i}: from_name ${r.from_name} is not in the config`);
                    } else {
                        if (control.toName !== r.to_name || !tags.has(r.to_name)) {
                            problems.push(`task ${i}: to_name ${r.to_name}`);
                        }
                        if (control.tag.toLowerCase() !== r.type) {
                            problems.push(`task ${i}: type ${r.type} for <${control.tag}>`);
                        }
                        for (const l of r.value.rectanglelabels ?? r.value.choices ?? []) {
                            if (!control.labels.includes(l)) {
                                problems.push(`task ${i}: label ${l} not in the config`);
                            }
                        }
                    }
                    for (const k of ['x', 'y', 'width', 'height']) {
                        if (k in r.value && !(r.value[k] >= 0 && r.value[k] <= 100)) {
                            problems.push(`task ${i}: ${k} is not a percentage`);
                        }
                    }
                }
            }
        }
    }
    return problems;
}

describe('Label Studio', () => {
    it(
        'exports tasks Label Studio imports: item fields in data, local-files image URLs, people by e-mail, models and rules as ' +
            'predictions, a labeling config',
        async () => {
            const labels: NewLabel[] = [
                { id: 'q1', task: 't', item: 'm1', labeler: 'ann@example.com', labelerKind: 'human', createdAt: t0, value: 'spam' },
                { id: 'q2', task: 't', item: 'm1', labeler: 'alice', labelerKind: 'human', createdAt: t0, value: 'ham' },
                { id: 'q3', task: 't', item: 'm1', labeler: 'clf', labelerKind: 'model', score: 0.6, createdAt: t0, value: 'ham' },
                { id: 'q4', task: 't', item: 'm2', labeler: 'keywords', labelerKind: 'rules', createdAt: t0, value: 'spam' },
            ];
            const store = await storeWith(labels);
            const fields: Record<string, Record<string, string>> = {
                m1: { subject: 'Win money', body: 'Click here' },
                m2: { subject: 'Lunch?', body: 'At noon' },
            };
            const { files } = exportLabels(store, { task: 't', format: 'labelstudio', type: choiceType, itemData: (item) => fields[item] });
            const written = writeExport(files, join(dir, 'tasks.json'));
            expect(written).toEqual([join(dir, 'tasks.json'), join(dir, 'tasks.label_config.xml')]);
            const tasks = JSON.parse(readFileSync(written[0], 'utf8'));
            const config = readFileSync(written[1], 'utf8');
            expect(labelStudioProblems(tasks, config)).toEqual([]);
            expect(config).toContain('<Text name="text" value="$subject"/>');
            expect(tasks[0].data).toEqual({ subject: 'Win money', body: 'Click here', dprog_item: 'm1' });
            expect(tasks[0].annotations.map((a: { completed_by?: unknown }) => a.completed_by)).toEqual([
                { email: 'ann@example.com' },
                undefined,
            ]);
            expect(tasks[0].predictions).toMatchObject([{ model_version: 'clf', score: 0.6 }]);
            expect(tasks[1].annotations).toEqual([]);
            expect(tasks[1].predictions).toMatchObject([{ model_version: 'keywords', dprog: { labelerKind: 'rules' } }]);
            await store.close();
        },
    );

    it('boxes: image URLs under the local-files prefix (or a given one), percent coordinates, labels from the config', async () => {
        const store = await storeWith(boxLabels);
        const { files } = exportLabels(store, { task: 't', format: 'labelstudio', type: boxType, images });
        const tasks = JSON.parse(files[0].text);
        expect(labelStudioProblems(tasks, files[1].text)).toEqual([]);
        expect(tasks.map((t: { data: { image: string } }) => t.data.image)).toEqual([
            '/data/local-files/?d=a.png',
            '/data/local-files/?d=sub/b.png',
        ]);
        const hosted = JSON.parse(
            exportLabels(store, {
                task: 't',
                format: 'labelstudio',
                type: boxType,
                images,
                imageUrlPrefix: 'https://cdn.example.com/frames/',
            }).files[0].text,
        );
        expect(hosted[1].data.image).toBe('https://cdn.example.com/frames/sub/b.png');
        await store.close();
    });

    it('an export that went through Label Studio (its own ids, dprog fields dropped) imports onto the right items', async () => {
        const store = await storeWith(boxLabels);
        const tasks = JSON.parse(exportLabels(store, { task: 't', format: 'labelstudio', type: boxType, images }).files[0].text);
        // What Label Studio's export gives back: its ids, data as imported, annotations without dprog's extra keys.
        const fromLabelStudio = tasks.map((t: { data: unknown; predictions: { result: unknown }[] }, i: number) => ({
            id: 100 + i,
            data: t.data,
            annotations: t.predictions.map((p) => ({ id: 7, completed_by: 3, result: p.result })),
        }));
        writeFileSync(join(dir, 'export.json'), JSON.stringify(fromLabelStudio));
        const to = await LabelStore.open(join(dir, 'back.sqlite'));
        const result = await importLabels(to, { task: 't', format: 'labelstudio', source: join(dir, 'export.json'), type: boxType });
        expect(result.rejected).toEqual([]);
        expect(to.labels().map((l) => [l.item, l.labeler, (l.value as { label: string }[]).map((b) => b.label)])).toEqual([
            ['sub/b.png', '3', ['truck', 'bus']],
        ]);
        await to.close();
        await store.close();
    });
});

function listFiles(root: string): string[] {
    return readdirSync(root).flatMap((name) =>
        statSync(join(root, name)).isDirectory() ? listFiles(join(root, name)) : [join(root, name)],
    );
}

describe('Ultralytics YOLO', () => {
    it(
        'exports a dataset Ultralytics loads: data.yaml, images/ and labels/ side by side, five columns, scores in ' + 'a side file',
        async () => {
            const store = await storeWith(boxLabels);
            const out = join(dir, 'yolo');
            writeExport(exportLabels(store, { task: 't', format: 'yolo', type: boxType, images }).files, out);
            const yaml = readFileSync(join(out, 'data.yaml'), 'utf8');
            expect(yaml).toMatch(/^train: images\/train$/m);
            expect(yaml).toMatch(/^val: images\/train$/m);
            const names = [...yaml.matchAll(/^ {2}(\d+): "(.*)"$/gm)].map(([, id, name]) => [Number(id), name]);
            expect(names).toEqual([
                [0, 'car'],
                [1, 'bus'],
                [2, 'truck'],
            ]);
            const pictures = listFiles(join(out, 'images'));
            expect(pictures.map((p) => relative(out, p)).sort()).toEqual([
                join('images', 'train', 'a.png'),
                join('images', 'train', 'sub', 'b.png'),
            ]);
            for (const picture of pictures) {
                // Ultralytics' img2label_paths: /images/ → /labels/, extension → .txt.
                const labelFile = `${picture.replace(join(out, 'images'), join(out, 'labels')).slice(0, -extname(picture).length)}.txt`;
                const rows = readFileSync(labelFile, 'utf8')
                    .trim()
                    .split('\n')
                    .map((line) => line.split(' ').map(Number));
                for (const row of rows) {
                    expect(row).toHaveLength(5);
                    expect(Number.isInteger(row[0]) && row[0] >= 0 && row[0] < names.length).toBe(true);
                    expect(row.slice(1).every((n) => n >= 0 && n <= 1)).toBe(true);
                    expect(row[3] > 0 && row[4] > 0).toBe(true);
                }
            }
            expect(readFileSync(join(out, 'scores', 'train', 'sub', 'b.txt'), 'utf8')).toBe('0.8\n0.4\n');
            const back = await LabelStore.open(join(dir, 'back.sqlite'));
            const result = await importLabels(back, {
                task: 't',
                format: 'yolo',
                source: out,
                type: boxType,
                labeler: 'detector',
                labelerKind: 'model',
            });
            expect(result.rejected).toEqual([]);
            expect(back.labels().find((l) => l.item === 'sub/b.png')?.value).toEqual(boxLabels[1].value);
            await back.close();
            await store.close();
        },
    );
});

describe('COCO', () => {
    it('exports the fields COCO requires, sizes always present', async () => {
        const store = await storeWith(boxLabels);
        const coco = JSON.parse(exportLabels(store, { task: 't', format: 'coco', type: boxType, images }).files[0].text);
        const imageIds = new Set(coco.images.map((i: { id: number }) => i.id));
        const categoryIds = new Set(coco.categories.map((c: { id: number }) => c.id));
        for (const image of coco.images) {
            expect(Number.isInteger(image.id) && typeof image.file_name === 'string').toBe(true);
            expect(Number.isInteger(image.width) && image.width > 0 && Number.isInteger(image.height) && image.height > 0).toBe(true);
        }
        for (const a of coco.annotations) {
            expect(imageIds.has(a.image_id) && categoryIds.has(a.category_id)).toBe(true);
            expect(a.bbox).toHaveLength(4);
            expect(a.bbox[2] > 0 && a.bbox[3] > 0 && a.area === a.bbox[2] * a.bbox[3] && [0, 1].includes(a.iscrowd)).toBe(true);
        }
        for (const c of coco.categories) {
            expect(c).toEqual({ id: expect.any(Number), name: expect.any(String), supercategory: expect.any(String) });
        }
        expect(new Set(coco.annotations.map((a: { id: number }) => a.id)).size).toBe(coco.annotations.length);
        expect(() => exportLabels(store, { task: 't', format: 'coco', images: join(dir, 'elsewhere') })).toThrow(
            /no image size for item 'a\.png': COCO images need width and height/,
        );
        await store.close();
    });
});
