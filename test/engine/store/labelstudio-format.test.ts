/**
 * The Label Studio tasks dprog writes and reads, field by field: people as annotations (by e-mail
 * when they have one), models and rules as predictions, each value kind as its result type, boxes in
 * percent of the image, the labeling config of each output type; and on import, who labeled (from
 * dprog's fields, Label Studio's user, the model version or the default), every result shape, and each
 * wrong record rejected with its reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportOptions, TaskType } from '../../../engine/src/store/formats/format.js';
import { labelStudioFormat } from '../../../engine/src/store/formats/labelstudio.js';
import { labelingConfig } from '../../../engine/src/store/formats/labelstudio-config.js';
import type { PlanLabelType } from '../../../engine/src/plan/types.js';
import type { Label } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const t0 = '2026-03-01T10:00:00.000Z';
const label = (
    id: string,
    item: string,
    labeler: string,
    labelerKind: Label['labelerKind'],
    value: Label['value'],
    extra: Partial<Label> = {},
): Label => ({
    id,
    task: 't',
    item,
    labeler,
    labelerKind,
    createdAt: t0,
    gold: false,
    value,
    ...extra,
});

const labels: Label[] = [
    label('h1', 'm1', 'ann@example.com', 'human', 'spam', { programVersion: 'v1', gold: true }),
    label('h2', 'm1', 'alice', 'human', true),
    label('p1', 'm1', 'clf', 'model', 3.5, { score: 0.6 }),
    label('r1', 'm2', 'kw', 'rules', ['a', 'b']),
    label('s1', 'doc', 'ann', 'human', [
        { start: 0, end: 3, label: 'PER', text: 'Ann' },
        { start: 4, end: 5, label: 'X' },
    ]),
    label('s2', 'doc2', 'ann', 'human', { start: 0, end: 3, label: 'PER' }),
    label('b1', 'dir/a b.png', 'ann', 'human', { x: 10, y: 5, width: 20, height: 10, label: 'car', score: 0.5 }),
    label('e1', 'empty', 'ann', 'human', []),
];
const imageSize = (item: string) => (item === 'dir/a b.png' ? { width: 200, height: 100 } : undefined);

const result = (type: string, from: string, to: string, value: object) => ({ type, from_name: from, to_name: to, value });
const dprog = (id: string, labeler: string, labelerKind: string, extra: object = {}) => ({ id, labeler, labelerKind, ...extra });
const type = (output: object, classes: string[] = []) => ({ output, classes }) as unknown as TaskType;

function importTasks(tasks: unknown, options: Partial<ImportOptions> = {}) {
    const file = join(dir, 'tasks.json');
    writeFileSync(file, typeof tasks === 'string' ? tasks : JSON.stringify(tasks, null, 1));
    const read = labelStudioFormat.import(file, { task: 't', ...options });
    return { file, labels: read.labels.map((l) => l.label), rejected: read.rejected.map((r) => [r.record, r.reason]), read };
}

describe('labelstudio export', () => {
    it('people as annotations, models and rules as predictions, each value as its result, boxes in percent of the image', () => {
        const files = labelStudioFormat.export(labels, { task: 't', imageSize });
        expect(files).toHaveLength(1);
        expect(files[0].text.endsWith(']\n')).toBe(true);
        expect(JSON.parse(files[0].text)).toEqual([
            {
                data: { dprog_item: 'm1' },
                annotations: [
                    {
                        completed_by: { email: 'ann@example.com' },
                        created_at: t0,
                        result: [result('choices', 'choice', 'text', { choices: ['spam'] })],
                        dprog: dprog('h1', 'ann@example.com', 'human', { programVersion: 'v1', gold: true }),
                    },
                    // Not an e-mail address: Label Studio takes only its own users, so no completed_by.
                    {
                        created_at: t0,
                        result: [result('choices', 'bool', 'text', { choices: ['yes'] })],
                        dprog: dprog('h2', 'alice', 'human'),
                    },
                ],
                predictions: [
                    {
                        model_version: 'clf',
                        score: 0.6,
                        created_at: t0,
                        result: [result('number', 'number', 'text', { number: 3.5 })],
                        dprog: dprog('p1', 'clf', 'model', { score: 0.6 }),
                    },
                ],
            },
            {
                data: { dprog_item: 'm2' },
                annotations: [],
                predictions: [
                    {
                        model_version: 'kw',
                        created_at: t0,
                        result: [result('choices', 'choices', 'text', { choices: ['a', 'b'] })],
                        dprog: dprog('r1', 'kw', 'rules'),
                    },
                ],
            },
            {
                data: { dprog_item: 'doc' },
                annotations: [
                    {
                        created_at: t0,
                        result: [
                            result('labels', 'spans', 'text', { start: 0, end: 3, labels: ['PER'], text: 'Ann' }),
                            result('labels', 'spans', 'text', { start: 4, end: 5, labels: ['X'] }),
                        ],
                        dprog: dprog('s1', 'ann', 'human'),
                    },
                ],
                predictions: [],
            },
            {
                data: { dprog_item: 'doc2' },
                annotations: [
                    {
                        created_at: t0,
                        result: [result('labels', 'span', 'text', { start: 0, end: 3, labels: ['PER'] })],
                        dprog: dprog('s2', 'ann', 'human'),
                    },
                ],
                predictions: [],
            },
            {
                data: { dprog_item: 'dir/a b.png', image: '/data/local-files/?d=dir/a%20b.png' },
                annotations: [
                    {
                        created_at: t0,
                        result: [
                            {
                                ...result('rectanglelabels', 'box', 'image', {
                                    x: 5,
                                    y: 5,
                                    width: 10,
                                    height: 10,
                                    rotation: 0,
                                    rectanglelabels: ['car'],
                                }),
                                original_width: 200,
                                original_height: 100,
                                score: 0.5,
                            },
                        ],
                        dprog: dprog('b1', 'ann', 'human'),
                    },
                ],
                predictions: [],
            },
            {
                data: { dprog_item: 'empty' },
                annotations: [{ created_at: t0, result: [], dprog: dprog('e1', 'ann', 'human') }],
                predictions: [],
            },
        ]);
    });

    it('reads back the labels it wrote', () => {
        const back = importTasks(labelStudioFormat.export(labels, { task: 't', imageSize })[0].text);
        expect(back.rejected).toEqual([]);
        expect(back.labels).toEqual(
            labels.map(({ gold, ...rest }) => ({ ...rest, ...(gold ? { gold } : {}) })).map(({ task, ...rest }) => ({ task, ...rest })),
        );
    });

    it('with the type known: its control names, a text answer as a text area, and the labeling config beside the tasks', () => {
        const text = type({ kind: 'text', text: 'Text' });
        const fields = (item: string) => (item === 'm1' ? { id: 7, body: 'Hello', title: 'Hi' } : undefined);
        const files = labelStudioFormat.export([labels[0]], { task: 't', type: text, itemData: fields });
        expect(JSON.parse(files[0].text)[0].annotations[0].result).toEqual([result('textarea', 'answer', 'text', { text: ['spam'] })]);
        expect(JSON.parse(files[0].text)[0].data).toEqual({ id: 7, body: 'Hello', title: 'Hi', dprog_item: 'm1' });
        // The <Text> tag shows the first text field of the data.
        expect(files[1]).toEqual({
            path: '',
            suffix: '.label_config.xml',
            text: '<View>\n  <Text name="text" value="$body"/>\n  <TextArea name="answer" toName="text"/>\n</View>\n',
        });
        const choice = type({ kind: 'choice', labelSet: 'L', text: 'L' }, ['spam', 'ham']);
        const plain = labelStudioFormat.export([labels[0]], { task: 't', type: choice });
        expect(plain[1].text).toContain('<Text name="text" value="$dprog_item"/>');
        expect(JSON.parse(plain[0].text)[0].annotations[0].result).toEqual([result('choices', 'choice', 'text', { choices: ['spam'] })]);
        const hosted = labelStudioFormat.export([labels[6]], { task: 't', imageSize, imageUrlPrefix: 'https://cdn/x/' });
        expect(JSON.parse(hosted[0].text)[0].data.image).toBe('https://cdn/x/dir/a%20b.png');
    });

    it('says what to do with a value Label Studio cannot express, or a box without its image size', () => {
        const odd = label('o1', 'm9', 'ann', 'human', { answer: 'a very long answer that goes on and on and on and on and on' });
        expect(() => labelStudioFormat.export([odd], { task: 't' })).toThrow(
            `t: label o1 on item 'm9' has a value Label Studio cannot express (${JSON.stringify(odd.value).slice(0, 60)}); use jsonl`,
        );
        expect(() => labelStudioFormat.export([labels[6]], { task: 't' })).toThrow(
            "t: no image size for item 'dir/a b.png': Label Studio boxes are in percent of the image; pass --images DIR",
        );
    });
});

describe('labelstudio labeling config', () => {
    const kind = (k: string, extra: object = {}) => ({ kind: k, labelSet: 'L', text: k, ...extra }) as PlanLabelType;
    const config = (output: PlanLabelType, question?: string) => labelingConfig({ output, classes: ['a&b', '"c"'] }, question, 'body');
    const inView = (...lines: string[]) => `<View>\n${lines.join('\n')}\n</View>\n`;
    const labelsOf = (tag: string) => `    <${tag} value="a&amp;b"/>\n    <${tag} value="&quot;c&quot;"/>`;

    it('one object tag and one control per output type, class names escaped', () => {
        const text = '  <Text name="text" value="$body"/>';
        const image = '  <Image name="image" value="$image"/>';
        expect(config(kind('choice'), 'Is it <spam>?')).toBe(
            inView(
                '  <Header value="Is it &lt;spam&gt;?"/>',
                text,
                `  <Choices name="choice" toName="text" choice="single">\n${labelsOf('Choice')}\n  </Choices>`,
            ),
        );
        expect(config(kind('choices'))).toBe(
            inView(text, `  <Choices name="choices" toName="text" choice="multiple">\n${labelsOf('Choice')}\n  </Choices>`),
        );
        expect(config(kind('bool'))).toBe(
            inView(
                text,
                '  <Choices name="bool" toName="text" choice="single">\n    <Choice value="yes"/>\n    <Choice value="no"/>\n  </Choices>',
            ),
        );
        expect(config(kind('number', { min: 0, max: 5 }))).toBe(inView(text, '  <Number name="number" toName="text" min="0" max="5"/>'));
        expect(config(kind('number', { min: null, max: null }))).toBe(inView(text, '  <Number name="number" toName="text"/>'));
        expect(config(kind('text'))).toBe(inView(text, '  <TextArea name="answer" toName="text"/>'));
        expect(config(kind('box'))).toBe(
            inView(image, `  <RectangleLabels name="box" toName="image">\n${labelsOf('Label')}\n  </RectangleLabels>`),
        );
        expect(config(kind('list', { element: kind('box') }))).toBe(
            inView(image, `  <RectangleLabels name="boxes" toName="image">\n${labelsOf('Label')}\n  </RectangleLabels>`),
        );
        expect(config(kind('polygon'))).toBe(
            inView(image, `  <PolygonLabels name="polygon" toName="image">\n${labelsOf('Label')}\n  </PolygonLabels>`),
        );
        expect(config(kind('list', { element: kind('point') }))).toBe(
            inView(image, `  <KeyPointLabels name="points" toName="image">\n${labelsOf('Label')}\n  </KeyPointLabels>`),
        );
        expect(config(kind('span'))).toBe(inView(text, `  <Labels name="span" toName="text">\n${labelsOf('Label')}\n  </Labels>`));
        expect(config(kind('list', { element: kind('span') }))).toBe(
            inView(text, `  <Labels name="spans" toName="text">\n${labelsOf('Label')}\n  </Labels>`),
        );
        expect(labelingConfig({ output: kind('text'), classes: [] }, undefined, 'a"b')).toContain('<Text name="text" value="$a&quot;b"/>');
    });
});

describe('labelstudio import', () => {
    const task = (id: unknown, annotations: unknown, extra: object = {}) => ({ id, data: { dprog_item: `i${id}` }, annotations, ...extra });
    const choice = (c: string[], from = 'choice') => [result('choices', from, 'text', { choices: c })];

    it('who labeled: dprog fields first, then the Label Studio user, the model version, or the default labeler', () => {
        const { labels: read } = importTasks(
            [
                task(1, [
                    {
                        completed_by: 'u9',
                        result: choice(['x']),
                        dprog: dprog('id1', 'ann', 'rules', { programVersion: 'v2', gold: true, score: 0.4 }),
                    },
                    { completed_by: 12, created_at: t0, result: choice(['x']), score: 0.9 },
                    { completed_by: { id: 'u3' }, result: choice(['x']), created_at: '' },
                    { completed_by: { id: 4, email: 5 }, result: choice(['x']) },
                    { completed_by: { name: 'x' }, result: choice(['x']), dprog: { labeler: '', id: '', gold: 'yes', score: null } },
                    { result: choice(['x']), dprog: 'not an object' },
                ]),
                task(2, null, {
                    predictions: [
                        { model_version: 'det', score: 0.7, result: choice(['y']) },
                        { result: choice(['y']), score: null },
                    ],
                }),
            ],
            { labeler: 'vendor', labelerKind: 'model' },
        );
        const base = { task: 't', value: 'x', item: 'i1' };
        expect(read).toEqual([
            { ...base, labeler: 'ann', labelerKind: 'rules', id: 'id1', programVersion: 'v2', gold: true, score: 0.4 },
            { ...base, labeler: '12', labelerKind: 'model', createdAt: t0 },
            { ...base, labeler: 'u3', labelerKind: 'model' },
            { ...base, labeler: '4', labelerKind: 'model' },
            { ...base, labeler: 'vendor', labelerKind: 'model' },
            { ...base, labeler: 'vendor', labelerKind: 'model' },
            { task: 't', item: 'i2', value: 'y', labeler: 'det', labelerKind: 'model', score: 0.7 },
            { task: 't', item: 'i2', value: 'y', labeler: 'vendor', labelerKind: 'model' },
        ]);
        const defaults = importTasks([task(1, [{ result: choice(['x']) }], { predictions: [{ result: choice(['x']) }] })]).labels;
        expect(defaults.map((l) => [l.labeler, l.labelerKind])).toEqual([
            ['import', 'human'],
            ['import', 'model'],
        ]);
    });

    it('one task object, data.item for files without dprog_item, cancelled annotations skipped', () => {
        const one = importTasks({
            id: 5,
            data: { item: 'k' },
            annotations: [{ result: choice(['x']) }, { was_cancelled: true, result: 'broken' }],
        });
        expect(one.labels.map((l) => [l.item, l.value])).toEqual([['k', 'x']]);
        expect(one.read.labels[0].source).toEqual({ file: one.file, line: 7, record: 'task 5, annotation 1' });
        expect(() => importTasks('"tasks"')).toThrow(`${join(dir, 'tasks.json')}: not Label Studio tasks: expected a JSON list of tasks`);
    });

    it('rejects each wrong task, annotation and result with its reason, and keeps the rest', () => {
        const box = (value: object, extra: object = {}) => [{ ...result('rectanglelabels', 'box', 'image', value), ...extra }];
        const { rejected, labels: read } = importTasks([
            { id: 'a', data: 'x' },
            { data: { dprog_item: '' } },
            task(3, 'x'),
            task(4, [5], { predictions: [null] }),
            task(5, [{ result: 'x' }, {}, { result: [{ type: 'choices' }] }, { result: [...choice(['x']), ...box({})] }]),
            task(6, [
                { result: [result('polygonlabels', 'p', 'image', {})] },
                { result: choice(['maybe'], 'bool') },
                { result: choice(['yes', 'no'], 'bool') },
            ]),
            task(7, [
                { result: choice([]) },
                { result: [result('number', 'number', 'text', { number: '3' })] },
                { result: [result('choices', 'choice', 'text', { choices: 'x' })] },
            ]),
            task(8, [{ result: box({ x: 1, y: 1, width: 1, height: 1, rectanglelabels: ['c'] }) }]),
            task(9, [{ result: box({ x: 1, y: 1, width: 1, height: 1, rectanglelabels: ['c'] }, { original_width: 10 }) }]),
            task(10, [{ result: [result('labels', 'span', 'text', { start: 0, end: 'x', labels: ['P'] })] }]),
            task(11, [{ result: choice(['ok']) }]),
        ]);
        expect(read.map((l) => [l.item, l.value])).toEqual([['i11', 'ok']]);
        const how =
            'dprog cannot tell which item it labels; add "dprog_item": "<item key>" to its data ' +
            "(dprog's export writes it, and Label Studio keeps it)";
        expect(rejected).toEqual([
            ['task a', 'task a has no "data" object'],
            ['task 2', `task 2 has no data.dprog_item: ${how}`],
            ['task 3', 'task 3: "annotations" must be a list, found "x"'],
            ['task 4, annotation 1', 'an annotation must be an object, found 5'],
            ['task 4, prediction 1', 'a prediction must be an object, found null'],
            ['task 5, annotation 1', '"result" must be a list, found "x"'],
            ['task 5, annotation 2', '"result" must be a list, found nothing'],
            ['task 5, annotation 3', 'each result needs a "type" and a "value" object'],
            ['task 5, annotation 4', "an annotation of 'i5' mixes result types (choices, rectanglelabels); import one control at a time"],
            [
                'task 6, annotation 1',
                "result type 'polygonlabels' is not supported (choices, rectanglelabels, labels, number, textarea are)",
            ],
            ['task 6, annotation 2', 'a yes/no answer must be one of yes, no; found ["maybe"]'],
            ['task 6, annotation 3', 'a yes/no answer must be one of yes, no; found ["yes","no"]'],
            ['task 7, annotation 1', 'one choice expected, found []'],
            ['task 7, annotation 2', 'value.number must be a finite number, found "3"'],
            ['task 7, annotation 3', 'value.choices must be a list of strings, found "x"'],
            ['task 8, annotation 1', "a box on 'i8' has no original_width/original_height; pass --images DIR"],
            ['task 9, annotation 1', 'original_height must be a finite number, found nothing'],
            ['task 10, annotation 1', 'value.end must be a finite number, found "x"'],
        ]);
    });

    it('names the field of a result it cannot read, for text, spans and boxes', () => {
        const okBox = { x: 1, y: 1, width: 1, height: 1, rectanglelabels: ['c'] };
        const box = (value: object, extra: object = { original_width: 10, original_height: 10 }) => ({
            result: [{ ...result('rectanglelabels', 'box', 'image', { ...okBox, ...value }), ...extra }],
        });
        const span = (value: object) => ({ result: [result('labels', 'span', 'text', { start: 0, end: 1, labels: ['P'], ...value })] });
        const { rejected, labels: read } = importTasks([
            task(1, [{ result: [result('textarea', 'answer', 'text', { text: 'not a list' })] }]),
            task(2, [span({ start: '0' }), span({ labels: 'P' }), span({ labels: [5] })]),
            task(3, [box({ rectanglelabels: 'c' }), box({ x: 'a' }), box({ y: 'b' }), box({ width: 'c' }), box({ height: 'd' })]),
            task(4, [
                box({ rotation: 'e' }),
                box({}, { original_width: 'f', original_height: 10 }),
                box({}, { original_height: 10 }),
                box({}),
            ]),
            task(5, [{ result: [...choice(['ok']), { value: { choices: ['ok'] } }] }]),
        ]);
        expect(rejected).toEqual([
            ['task 1, annotation 1', 'value.text must be a list of strings, found "not a list"'],
            ['task 2, annotation 1', 'value.start must be a finite number, found "0"'],
            ['task 2, annotation 2', 'value.labels must be a list of strings, found "P"'],
            ['task 2, annotation 3', 'value.labels must be a list of strings, found [5]'],
            ['task 3, annotation 1', 'value.rectanglelabels must be a list of strings, found "c"'],
            ['task 3, annotation 2', 'value.x must be a finite number, found "a"'],
            ['task 3, annotation 3', 'value.y must be a finite number, found "b"'],
            ['task 3, annotation 4', 'value.width must be a finite number, found "c"'],
            ['task 3, annotation 5', 'value.height must be a finite number, found "d"'],
            ['task 4, annotation 1', 'value.rotation must be a finite number, found "e"'],
            ['task 4, annotation 2', 'original_width must be a finite number, found "f"'],
            // Half an image size is not taken for one.
            ['task 4, annotation 3', 'original_width must be a finite number, found nothing'],
            ['task 5, annotation 1', 'each result needs a "type" and a "value" object'],
        ]);
        expect(read.map((l) => [l.item, l.value])).toEqual([['i4', { x: 0.1, y: 0.1, width: 0.1, height: 0.1, label: 'c' }]]);
    });

    it('every result shape: yes/no, choices, numbers, text, boxes (turned or not), spans, as one value or a list', () => {
        const annotations = (...results: unknown[][]) => results.map((r) => ({ result: r }));
        const box = (from: string, value: object, extra: object = { original_width: 100, original_height: 50 }) => ({
            ...result('rectanglelabels', from, 'image', { x: 10, y: 10, width: 20, height: 20, rectanglelabels: ['car'], ...value }),
            ...extra,
        });
        const span = (from: string, value: object = {}) =>
            result('labels', from, 'text', { start: 1, end: 2, labels: ['P', 'Q'], ...value });
        const tasks = [
            task(1, annotations(choice(['yes'], 'bool'), choice(['true'], 'bool'), choice(['no'], 'bool'), choice(['false'], 'bool'))),
            task(2, annotations(choice(['a'], 'choices'), choice(['a', 'b']), [...choice(['a']), ...choice(['b'])], choice(['a']))),
            task(
                3,
                annotations(
                    [result('number', 'n', 'text', { number: -2.5 })],
                    [result('textarea', 'answer', 'text', { text: ['one', 'two'] })],
                ),
            ),
            task(
                4,
                annotations(
                    [box('box', { rotation: 360 })],
                    [box('boxes', {})],
                    [box('box', { rotation: 90 }, { original_width: 100, original_height: 100, score: 0.3 })],
                ),
            ),
            task(5, annotations([box('box', {}, {})], [box('box', {}), box('box', { x: 0 })])),
            task(6, annotations([span('span', { text: 'b' })], [span('spans')], [span('span'), span('span', { start: 3, end: 4 })])),
        ];
        const read = importTasks(tasks, { imageSize: () => ({ width: 200, height: 200 }) });
        expect(read.rejected).toEqual([]);
        const car = (x: number, y: number, width: number, height: number, extra: object = {}) => ({
            x,
            y,
            width,
            height,
            label: 'car',
            ...extra,
        });
        expect(read.labels.map((l) => l.value)).toEqual([
            true,
            true,
            false,
            false,
            ['a'],
            ['a', 'b'],
            ['a', 'b'],
            'a',
            -2.5,
            'one\ntwo',
            car(10, 5, 20, 10),
            [car(10, 5, 20, 10)],
            // Turned a quarter about its top-left corner (10, 10) in Label Studio: about its centre in dprog.
            car(-10, 10, 20, 20, { rotation: 90, score: 0.3 }),
            car(20, 20, 40, 40),
            [car(10, 5, 20, 10), car(0, 5, 20, 10)],
            { start: 1, end: 2, label: 'P', text: 'b' },
            [{ start: 1, end: 2, label: 'P' }],
            [
                { start: 1, end: 2, label: 'P' },
                { start: 3, end: 4, label: 'P' },
            ],
        ]);
    });

    it("the task's type decides between one value and a list, and what a choice means", () => {
        const annotations = (...results: unknown[][]) => results.map((r) => ({ result: r }));
        const tasks = [task(1, annotations(choice(['yes'], 'choice'), choice(['a'], 'bool'), choice(['a', 'b'], 'choices')))];
        const as = (output: object) => importTasks(tasks, { type: type(output) });
        expect(as({ kind: 'bool' }).rejected.map((r) => r[1])).toEqual([
            'a yes/no answer must be one of yes, no; found ["a"]',
            'a yes/no answer must be one of yes, no; found ["a","b"]',
        ]);
        expect(as({ kind: 'choices' }).labels.map((l) => l.value)).toEqual([['yes'], ['a'], ['a', 'b']]);
        const single = as({ kind: 'choice' });
        expect(single.labels.map((l) => l.value)).toEqual(['yes', 'a']);
        expect(single.rejected.map((r) => r[1])).toEqual(['one choice expected, found ["a","b"]']);
        const boxes = [
            task(
                2,
                annotations([
                    {
                        ...result('rectanglelabels', 'box', 'image', { x: 0, y: 0, width: 10, height: 10, rectanglelabels: ['c'] }),
                        original_width: 10,
                        original_height: 10,
                    },
                ]),
            ),
        ];
        const listOfBoxes = type({ kind: 'list', element: { kind: 'box' } });
        expect(importTasks(boxes, { type: listOfBoxes }).labels[0].value).toEqual([{ x: 0, y: 0, width: 1, height: 1, label: 'c' }]);
        expect(importTasks(boxes, { type: type({ kind: 'box' }) }).labels[0].value).toEqual({
            x: 0,
            y: 0,
            width: 1,
            height: 1,
            label: 'c',
        });
        const spans = [task(3, annotations([result('labels', 'spans', 'text', { start: 0, end: 1, labels: ['P'] })]))];
        expect(importTasks(spans, { type: type({ kind: 'span' }) }).labels[0].value).toEqual({ start: 0, end: 1, label: 'P' });
    });
});
