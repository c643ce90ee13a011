/**
 * The details of the label files a user takes away or hands in: the final labels (`dprog label
 * export --final`), csv cells that need quoting, and the file and line named when a record of a
 * csv or jsonl file cannot be imported.
 */
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boxesOf } from '../../../engine/src/store/formats/boxes.js';
import { checkLabels, shapeProblem } from '../../../engine/src/store/formats/check-labels.js';
import { exportFinal, finalAsLabel } from '../../../engine/src/store/formats/final.js';
import { FORMAT_NAMES, formatNamed, importLabels, readImageSize } from '../../../engine/src/store/formats/index.js';
import { imageFileOf, imageSizesIn } from '../../../engine/src/store/formats/image-size.js';
import { readJsonFile } from '../../../engine/src/store/formats/json-file.js';
import { type Aggregate, LabelStore } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const aggregate = (item: string, value: Aggregate['value'], confidence: number): Aggregate => ({
    task: 'spam',
    item,
    value,
    confidence,
    method: 'dawid_skene',
    answers: 3,
    updatedAt: '2026-03-01T10:00:00.000Z',
});

describe('the formats', () => {
    it('are found by name; only yolo writes a folder (the CLI asks for --out there)', () => {
        expect(FORMAT_NAMES).toEqual(['jsonl', 'csv', 'coco', 'yolo', 'labelstudio']);
        expect(FORMAT_NAMES.map((name) => [formatNamed(name).name, formatNamed(name).directory])).toEqual([
            ['jsonl', false],
            ['csv', false],
            ['coco', false],
            ['yolo', true],
            ['labelstudio', false],
        ]);
    });
});

describe('final labels', () => {
    const finals = [aggregate('m2', 'ham', 0.5), aggregate('m10', { text: 'a, "b"' }, 0.875), aggregate('m1', 'New York', 1)];

    it('jsonl: one row per item, sorted by item, with value, confidence, method and answers', () => {
        const { labels, files } = exportFinal(finals, 'jsonl');
        expect(labels).toBe(3);
        expect(files).toEqual([
            {
                path: '',
                text:
                    '{"item":"m1","value":"New York","confidence":1,"method":"dawid_skene","answers":3}\n' +
                    '{"item":"m10","value":{"text":"a, \\"b\\""},"confidence":0.875,"method":"dawid_skene","answers":3}\n' +
                    '{"item":"m2","value":"ham","confidence":0.5,"method":"dawid_skene","answers":3}\n',
            },
        ]);
        expect(exportFinal([], 'jsonl').files[0].text).toBe('');
    });

    it('csv: a header, plain words as they are, JSON values quoted as CSV needs', () => {
        const { labels, files } = exportFinal([...finals, aggregate('m0', '42', 0.25)], 'csv');
        expect(labels).toBe(4);
        expect(files).toEqual([
            {
                path: '',
                text:
                    'item,value,confidence,method,answers\n' +
                    // The string "42" is written as JSON, so that it is not read back as the number 42.
                    'm0,"""42""",0.25,dawid_skene,3\n' +
                    'm1,New York,1,dawid_skene,3\n' +
                    'm10,"{""text"":""a, \\""b\\""""}",0.875,dawid_skene,3\n' +
                    'm2,ham,0.5,dawid_skene,3\n',
            },
        ]);
        expect(exportFinal([], 'csv').files[0].text).toBe('item,value,confidence,method,answers\n');
    });

    it('sorts by item key whatever order the aggregates come in', () => {
        const keys = ['k5', 'k1', 'k9', 'k3', 'k7', 'k2', 'k8', 'k4', 'k6', 'k0'];
        const order = (format: 'jsonl' | 'csv') =>
            exportFinal(
                keys.map((k) => aggregate(k, 'x', 1)),
                format,
            )
                .files[0].text.trim()
                .split('\n')
                .map((line) => /k\d/.exec(line)?.[0]);
        expect(order('jsonl')).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
        expect(order('csv')).toEqual([undefined, 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    });

    it('as a label of the other formats: the method answers with the confidence as its score', () => {
        expect(finalAsLabel(aggregate('m1', 'spam', 0.75))).toEqual({
            id: 'spam/m1/final',
            task: 'spam',
            item: 'm1',
            labeler: 'dawid_skene',
            labelerKind: 'model',
            value: 'spam',
            score: 0.75,
            gold: false,
            createdAt: '2026-03-01T10:00:00.000Z',
        });
        expect(finalAsLabel({ ...aggregate('m1', 'spam', 0.75), updatedAt: undefined }).createdAt).toBe('');
    });
});

describe('csv and jsonl records that cannot be imported', () => {
    async function importFile(name: string, text: string) {
        writeFileSync(join(dir, name), text);
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        try {
            const format = name.endsWith('.csv') ? 'csv' : 'jsonl';
            const result = await importLabels(store, { task: 't', format, source: join(dir, name) });
            return { result, stored: store.labels({ task: 't' }) };
        } finally {
            await store.close();
        }
    }

    it('csv: names the line a row ends on, says what is wrong, and stores the good rows', async () => {
        const { result, stored } = await importFile(
            'in.csv',
            '\uFEFFitem , value,score,gold,labelerKind\n' +
                'm1,spam,0.5,true,human\n' +
                'm2,"two\nlines",x,1,human\n' +
                'm3,ham,,0,robot\n' +
                'm4,ham\n' +
                '\n' +
                ',ham,,,\n' +
                'm6,[1,2]\n' +
                'm7,"{""a"":1}",1e400,false,model\n' +
                'm8,ham,,1,model\n',
        );
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
            [4, `'score' must be a finite number, found "x"`],
            [5, `'labelerKind' must be one of human, model, rules, found 'robot'`],
            [6, '2 field(s), the header has 5'],
            [8, `missing 'item'`],
            [9, '3 field(s), the header has 5'],
            [10, `'score' must be a finite number, found "1e400"`],
        ]);
        expect(result.rejected.every((r) => r.file === join(dir, 'in.csv'))).toBe(true);
        expect(stored.map((l) => [l.item, l.value, l.score, l.gold, l.labelerKind])).toEqual([
            ['m1', 'spam', 0.5, true, 'human'],
            ['m8', 'ham', undefined, true, 'model'],
        ]);
    });

    it('csv: an empty file or a broken quote is an error naming the file and line; nothing is stored', async () => {
        await expect(importFile('empty.csv', '')).rejects.toThrow(
            /empty\.csv:1: the file is empty; expected a header row \(item,value,…\)/,
        );
        await expect(importFile('header.csv', 'value,labeler\nspam,ann\n')).rejects.toThrow(
            /header\.csv:1: no 'item' column; the header has value, labeler/,
        );
        await expect(importFile('quote.csv', 'item,value\nm1,spam\nm2,"ham\n')).rejects.toThrow(/quote\.csv:\d+: invalid CSV: .*quote/i);
    });

    it('jsonl: blank lines are skipped, a line that is not an object or has a wrongly typed field is rejected by line', async () => {
        const { result, stored } = await importFile(
            'in.jsonl',
            [
                '{"item":"m1","value":"spam","labeler":"ann","person":"ann@x","programVersion":"v2","score":null}',
                '',
                '  ',
                '[1,2]',
                'null',
                '"text"',
                '{"item":"m2"}',
                '{"item":"m3","value":"ham","labeler":7}',
                '{"item":"","value":"ham"}',
                '{"item":"m4","value":"ham","id":"x1","createdAt":"2026-03-01T10:00:00.000Z","supersededBy":"x2"}',
                '{"item":"m4","value":"spam","id":"x2","createdAt":"2026-03-01T11:00:00.000Z","person":null}',
            ].join('\n'),
        );
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
            [4, 'each line must be a JSON object with at least item and value'],
            [5, 'each line must be a JSON object with at least item and value'],
            [6, 'each line must be a JSON object with at least item and value'],
            [7, `missing 'value'`],
            [8, `'labeler' must be a string, found 7`],
            [9, `missing 'item'`],
        ]);
        expect(stored.map((l) => [l.item, l.value, l.labeler, l.person, l.programVersion, l.score])).toEqual([
            ['m1', 'spam', 'ann', 'ann@x', 'v2', undefined],
            ['m4', 'spam', 'import', undefined, undefined, undefined],
        ]);
        // The replaced label came along, marked as replaced by the one after it.
        const store = await LabelStore.open(join(dir, 's.sqlite'), { readonly: true });
        expect(store.getLabel('x1')?.supersededBy).toBe('x2');
        await store.close();
    });
});

describe('where a record of a JSON file starts', () => {
    it('finds the line of values up to three steps deep, whatever the layout and the strings in between', () => {
        const text = [
            '{ "info": {"note": "a \\"quoted\\" {brace} [and] \\\\ , colon:"},',
            '\t"images" :\r',
            '  [',
            '    {"id": 1, "file_name": "a,b.png"},',
            '',
            '    {"id": 2,',
            '     "deep": {"deeper": {"deepest": [1, 2]}}, "after": true}',
            '  ],',
            '  "annotations": [ ], "n": -1.5e3, "flag": false, "none": null',
            '}',
        ].join('\n');
        const file = join(dir, 'f.json');
        writeFileSync(file, text);
        const json = readJsonFile(file);
        expect(json.value).toEqual(JSON.parse(text));
        expect(json.lineOf(['info'])).toBe(1);
        expect(json.lineOf(['info', 'note'])).toBe(1);
        expect(json.lineOf(['images'])).toBe(3);
        expect(json.lineOf(['images', 0])).toBe(4);
        expect(json.lineOf(['images', 0, 'file_name'])).toBe(4);
        expect(json.lineOf(['images', 1])).toBe(6);
        expect(json.lineOf(['images', 1, 'deep'])).toBe(7);
        expect(json.lineOf(['images', 1, 'after'])).toBe(7);
        expect(json.lineOf(['annotations'])).toBe(9);
        expect(json.lineOf(['n'])).toBe(9);
        expect(json.lineOf(['none'])).toBe(9);
        // Deeper than three steps, or not there: no line.
        expect(json.lineOf(['images', 1, 'deep', 'deeper'])).toBeUndefined();
        expect(json.lineOf(['images', 2])).toBeUndefined();
        expect(json.lineOf([])).toBeUndefined();
    });

    it('a file that is not JSON is an error naming it', () => {
        const file = join(dir, 'bad.json');
        writeFileSync(file, '{"images": [1, 2,]}');
        expect(() => readJsonFile(file)).toThrow(/bad\.json: not valid JSON \(.+\)/);
    });
});

describe('image sizes from file headers', () => {
    /** A JPEG header: SOI, then segments (marker, payload), then nothing more. */
    const jpeg = (...segments: [number, number[]][]) =>
        Buffer.from([
            0xff,
            0xd8,
            ...segments.flatMap(([marker, payload]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload]),
            ...Array(16).fill(0),
        ]);
    const frame = (height: number, width: number) => [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0];

    it('skips the segments before the frame, including tables whose markers look like frames (DHT, JPG, DAC)', () => {
        const file = join(dir, 'p.jpg');
        const app0 = [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        writeFileSync(
            file,
            jpeg([0xe0, app0], [0xc4, Array(20).fill(1)], [0xc8, Array(9).fill(2)], [0xcc, Array(9).fill(3)], [0xc2, frame(300, 1000)]),
        );
        expect(readImageSize(file)).toEqual({ width: 1000, height: 300 });
        writeFileSync(file, jpeg([0xcf, frame(2, 70000 & 0xffff)]));
        expect(readImageSize(file)).toEqual({ width: 70000 & 0xffff, height: 2 });
    });

    it('says nothing for a file that is neither PNG nor JPEG, or a JPEG without a frame', () => {
        const file = join(dir, 'x.bin');
        writeFileSync(file, 'GIF89a........................');
        expect(readImageSize(file)).toBeUndefined();
        writeFileSync(file, jpeg([0xe0, [1, 2, 3]], [0xd0 - 0x20, [1]]));
        expect(readImageSize(file)).toBeUndefined();
        writeFileSync(file, Buffer.from([0xff, 0xd8, 0x00, 0xc0, 0, 11, ...frame(5, 5), 0, 0, 0]));
        expect(readImageSize(file)).toBeUndefined();
        writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]));
        expect(readImageSize(file)).toBeUndefined();
        // Bytes that would read as a size, after a start that is neither PNG's signature nor JPEG's marker.
        writeFileSync(file, Buffer.from([...Buffer.from('twelve bytes'), 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 9, 0, 0, 0, 7]));
        expect(readImageSize(file)).toBeUndefined();
        writeFileSync(file, Buffer.from([0x00, 0xd8, 0xff, 0xc0, 0, 17, ...frame(5, 5), 0, 0, 0, 0, 0, 0, 0, 0]));
        expect(readImageSize(file)).toBeUndefined();
    });

    it('a file of a few bytes, or a header cut short, is no image rather than a crash', () => {
        const file = join(dir, 'short.bin');
        const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        for (const bytes of [
            [],
            [0xff],
            [0xff, 0xd8, 0xff],
            png,
            [...png, 0x49, 0x48, 0x44, 0x52, 0, 0, 1],
            [...png, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 9, 0, 0],
            [0xff, 0xd8, 0xff, 0xc0, 0, 17, 8],
        ]) {
            writeFileSync(file, Buffer.from(bytes));
            expect(readImageSize(file)).toBeUndefined();
        }
        // The 24 bytes up to the height are enough.
        writeFileSync(file, Buffer.from([...png, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 9, 0, 0, 0, 7]));
        expect(readImageSize(file)).toEqual({ width: 9, height: 7 });
        // A PNG signature with another first chunk, a JPEG start without the second byte of its marker.
        writeFileSync(file, Buffer.from([...png, 0x49, 0x44, 0x41, 0x54, 0, 0, 0, 5, 0, 0, 0, 6, 0]));
        expect(readImageSize(file)).toBeUndefined();
        writeFileSync(file, Buffer.from([0xff, 0xd9, 0xff, 0xc0, 0, 17, ...frame(5, 5), 0, 0, 0, 0, 0, 0, 0, 0]));
        expect(readImageSize(file)).toBeUndefined();
    });

    it.each(['.jpg', '.jpeg', '.png', '.JPG', '.JPEG', '.PNG'])('finds the image of an item key with the extension %s', (extension) => {
        writeFileSync(join(dir, `k${extension}`), jpeg([0xc0, frame(3, 4)]));
        expect(imageFileOf(dir, 'k')).toBe(join(dir, `k${extension}`));
        expect(imageSizesIn(dir)('k')).toEqual({ width: 4, height: 3 });
    });

    it('finds an item key’s image with or without its extension, and remembers sizes', () => {
        mkdirSync(join(dir, 'img', 'sub'), { recursive: true });
        writeFileSync(join(dir, 'img', 'sub', 'a.JPEG'), jpeg([0xc0, frame(20, 10)]));
        writeFileSync(join(dir, 'img', 'b.jpg'), jpeg([0xc0, frame(7, 9)]));
        expect(imageFileOf(join(dir, 'img'), 'sub/a')).toBe(join(dir, 'img', 'sub', 'a.JPEG'));
        expect(imageFileOf(join(dir, 'img'), 'b.jpg')).toBe(join(dir, 'img', 'b.jpg'));
        expect(imageFileOf(join(dir, 'img'), 'c')).toBeUndefined();
        const sizeOf = imageSizesIn(join(dir, 'img'));
        expect(sizeOf('sub/a')).toEqual({ width: 10, height: 20 });
        expect(sizeOf('c')).toBeUndefined();
        unlinkSync(join(dir, 'img', 'sub', 'a.JPEG'));
        expect(sizeOf('sub/a')).toEqual({ width: 10, height: 20 });
    });
});

describe('the checks every imported label goes through', () => {
    const source = (line: number, file = 'in.jsonl') => ({ file, line });
    const read = (value: unknown, extra: object = {}) => ({
        label: { task: 't', item: 'm1', labeler: 'ann', labelerKind: 'human' as const, value: value as string, ...extra },
    });

    it('names the path of a number that is not finite or a box without a positive size', () => {
        expect(shapeProblem(1.5)).toBeUndefined();
        expect(shapeProblem([1, [2, Number.NaN]])).toBe('value[1][1] is not a finite number');
        expect(shapeProblem({ a: { b: Number.POSITIVE_INFINITY } })).toBe('value.a.b is not a finite number');
        expect(shapeProblem({ x: 0, y: 0, width: 2, height: 3, label: 'car' })).toBeUndefined();
        expect(
            shapeProblem([
                { x: 0, y: 0, width: 2, height: 3 },
                { width: 2, height: 0 },
            ]),
        ).toBe('value[1] is a box without a positive width and height (2 × 0)');
        expect(shapeProblem({ width: -1, height: 3 })).toBe('value is a box without a positive width and height (-1 × 3)');
        expect(shapeProblem({ width: 4 })).toBe('value is a box without a positive width and height (4 × undefined)');
        expect(shapeProblem({ height: '3', width: 3 } as never)).toBe('value is a box without a positive width and height (3 × "3")');
        expect(shapeProblem(null)).toBeUndefined();
        expect(shapeProblem('text')).toBeUndefined();
        // Either side alone makes a box; each side must be a positive number.
        expect(shapeProblem({ height: 3 })).toBe('value is a box without a positive width and height (undefined × 3)');
        expect(shapeProblem({ width: '3', height: 3 } as never)).toBe('value is a box without a positive width and height ("3" × 3)');
        expect(shapeProblem({ width: 0, height: 3 })).toBe('value is a box without a positive width and height (0 × 3)');
    });

    it('names the field a user got wrong in each record, and where the first of two same records is', () => {
        const result = checkLabels(
            {
                labels: [
                    { ...read(undefined, { id: 'v' }), source: source(1) },
                    { ...read('spam', { id: 5 }), source: source(2) },
                    { ...read('spam', { id: 'i', item: '' }), source: source(3) },
                    { ...read('spam', { id: 'p', programVersion: 7 }), source: source(4) },
                    { ...read('spam', { id: 'k', labelerKind: 'robot' }), source: source(5) },
                    { ...read('ham'), source: { file: 'tasks.json', record: 'task 1' } },
                    { ...read('ham'), source: { file: 'tasks.json', line: 1 } },
                    { ...read('eggs'), source: { file: 'tasks.json' } },
                    { ...read('eggs'), source: { file: 'tasks.json', line: 2 } },
                ],
                rejected: [{ file: 'z.jsonl', line: 1, reason: 'not valid JSON' }],
            },
            undefined,
        );
        expect(result.rejected.map((r) => [r.file, r.line ?? r.record, r.reason])).toEqual([
            ['in.jsonl', 1, 'value is missing'],
            ['in.jsonl', 2, 'id must be a non-empty string (got 5)'],
            ['in.jsonl', 3, 'item must be a non-empty string (got "")'],
            ['in.jsonl', 4, 'programVersion must be a non-empty string (got 7)'],
            ['in.jsonl', 5, 'labeler kind must be one of human, model, rules (got "robot")'],
            ['tasks.json', 1, 'the same label as task 1 (same item, labeler and value)'],
            ['tasks.json', 2, 'the same label as an earlier record (same item, labeler and value)'],
            // By file name first, whatever the lines.
            ['z.jsonl', 1, 'not valid JSON'],
        ]);
    });

    it('gives two records the same content id only when they say the same: a time or gold makes them differ, gold false is no gold', () => {
        const labels = [
            read('spam'),
            read('spam', { createdAt: '2026-03-01T10:00:00.000Z' }),
            read('spam', { createdAt: '2026-03-02T10:00:00.000Z' }),
            read('spam', { gold: true }),
            read('spam', { gold: false }),
        ];
        const result = checkLabels({ labels: labels.map((l, i) => ({ ...l, source: source(i + 1) })), rejected: [] }, undefined);
        expect(result.labels.map((l) => l.createdAt ?? l.gold ?? 'plain')).toEqual([
            'plain',
            '2026-03-01T10:00:00.000Z',
            '2026-03-02T10:00:00.000Z',
            true,
        ]);
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([[5, 'the same label as line 1 (same item, labeler and value)']]);
    });

    it('rejects by file and line, in file order: unknown items, bad fields, twice the same id, replacements of rejected labels', () => {
        const result = checkLabels(
            {
                labels: [
                    { ...read('spam', { id: 'a' }), source: source(2) },
                    { ...read('ham', { id: 'b', item: 'other' }), source: source(3) },
                    { ...read('ham', { id: 'c', labeler: '' }), source: source(4) },
                    { ...read('ham', { id: 'a' }), source: source(5) },
                    { ...read('spam', { id: 'd', supersedes: 'b' }), source: source(6) },
                    { ...read('ham'), source: source(7) },
                    { ...read('ham'), source: { file: 'in.jsonl', record: 'task 9' } },
                    { ...read('ham', { id: 'e', createdAt: 'yesterday' }), source: source(1, 'early.jsonl') },
                    { ...read('ham', { id: 'f', score: Number.NaN }), source: source(8) },
                ],
                rejected: [{ file: 'in.jsonl', line: 1, reason: 'not valid JSON' }],
            },
            undefined,
            (item) => item !== 'other',
        );
        expect(result.labels.map((l) => l.id)).toEqual(['a', expect.stringMatching(/^import-[0-9a-f]{32}$/)]);
        expect(result.rejected.map((r) => [r.file, r.line ?? r.record, r.reason])).toEqual([
            ['early.jsonl', 1, expect.stringMatching(/createdAt/)],
            // A record without a line (Label Studio's tasks, COCO's annotations) comes before those with one.
            ['in.jsonl', 'task 9', 'the same label as line 7 (same item, labeler and value)'],
            ['in.jsonl', 1, 'not valid JSON'],
            ['in.jsonl', 3, "item 'other' is not an item of the task's dataset"],
            ['in.jsonl', 4, 'labeler must be a non-empty string (got "")'],
            ['in.jsonl', 5, 'id a appears twice in this file (first at line 2)'],
            ['in.jsonl', 6, 'it replaces label b, which was rejected'],
            ['in.jsonl', 8, expect.stringMatching(/^score must be a finite number/)],
        ]);
    });

    it('checks values against the task type when it is known, and gives content ids that differ when the content does', () => {
        const type = { output: { kind: 'choice' as const, labelSet: 'Spam', text: 'Spam' }, classes: ['spam', 'ham'] };
        const labels = [
            read('spam'),
            read('eggs'),
            read('spam', { score: 0.5 }),
            read('spam', { gold: true }),
            read('spam', { item: 'm2' }),
        ];
        const result = checkLabels({ labels: labels.map((l, i) => ({ ...l, source: source(i + 1) })), rejected: [] }, type);
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([[2, expect.stringMatching(/^value "eggs" does not fit Spam: /)]]);
        // A long value is quoted by its first 80 characters only.
        const long = 'x'.repeat(200);
        const [tooLong] = checkLabels({ labels: [{ ...read(long), source: source(1) }], rejected: [] }, type).rejected;
        expect(tooLong.reason.startsWith(`value ${JSON.stringify(long).slice(0, 80)} does not fit Spam: `)).toBe(true);
        expect(new Set(result.labels.map((l) => l.id)).size).toBe(4);
    });
});

describe('which label values the box formats (COCO, YOLO, Label Studio) export as boxes', () => {
    const box = { x: 1, y: 2, width: 3, height: 4, label: 'car' };

    it('a box, or a list of boxes; anything else is not boxes', () => {
        expect(boxesOf(box)).toEqual([box]);
        expect(boxesOf([box, { ...box, label: 'bus' }])).toEqual([box, { ...box, label: 'bus' }]);
        expect(boxesOf([])).toEqual([]);
        for (const value of [null, 'car', 3, true, [box, 'car'], [[box]], [null]]) {
            expect(boxesOf(value as never)).toBeUndefined();
        }
    });

    it('needs four finite numbers and a label name', () => {
        for (const field of ['x', 'y', 'width', 'height'] as const) {
            expect(boxesOf({ ...box, [field]: Number.NaN })).toBeUndefined();
            expect(boxesOf({ ...box, [field]: '1' })).toBeUndefined();
        }
        expect(boxesOf({ ...box, label: undefined } as never)).toBeUndefined();
        expect(boxesOf({ ...box, label: 7 })).toBeUndefined();
    });

    it('keeps a numeric score, and a rotation only when it is a finite number other than 0', () => {
        expect(boxesOf({ ...box, score: 0.25 })).toEqual([{ ...box, score: 0.25 }]);
        expect(boxesOf({ ...box, score: '0.25' })).toEqual([box]);
        expect(boxesOf({ ...box, rotation: 30 })).toEqual([{ ...box, rotation: 30 }]);
        for (const rotation of [0, Number.NaN, Number.POSITIVE_INFINITY, '30', null]) {
            expect(boxesOf({ ...box, rotation } as never)).toEqual([box]);
        }
    });
});
