/**
 * `label import` under mutated input: valid exports of each format, changed by fast-check (a
 * subtree replaced by any JSON value, a key removed, a number made 1e400, text spliced in). Whatever
 * the file, the import either ends with a clear store error or stores only values that fit the
 * task's type — never a crash, never an invalid label.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelValueSchema, valueProblem } from '../../../engine/src/plan/label-values.js';
import type { PlanLabelType } from '../../../engine/src/plan/types.js';
import { shapeProblem } from '../../../engine/src/store/formats/check-labels.js';
import { exportLabels, importLabels, writeExport, type TaskType } from '../../../engine/src/store/formats/index.js';
import { LabelStore, StoreError, type NewLabel } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
let store: LabelStore;
const images = join(dir, 'images');
const t0 = '2026-03-01T10:00:00.000Z';
const choiceType: TaskType = { output: { kind: 'choice', labelSet: 'V', text: 'choice<V>' }, classes: ['spam', 'ham'] };
const boxType: TaskType = {
    output: { kind: 'list', element: { kind: 'box', labelSet: 'T', text: 'box<T>' }, text: 'list<box<T>>' } as PlanLabelType,
    classes: ['car', 'bus'],
};
const textLabels: NewLabel[] = ['spam', 'ham', 'spam'].map((value, i) => ({
    id: `c${i}`,
    task: 'valid',
    item: `m${i}`,
    labeler: i === 2 ? 'clf' : 'ann',
    labelerKind: i === 2 ? 'model' : 'human',
    score: i === 2 ? 0.7 : undefined,
    value,
    createdAt: t0,
}));
const boxLabels: NewLabel[] = ['a.png', 'b.png'].map((item, i) => ({
    id: `b${i}`,
    task: 'valid',
    item,
    labeler: 'ann',
    labelerKind: 'human',
    createdAt: t0,
    value: [
        { x: 1 + i, y: 2, width: 30, height: 20, label: i ? 'bus' : 'car' },
        { x: 40, y: 10, width: 5, height: 5, label: 'car' },
    ],
}));

beforeAll(async () => {
    mkdirSync(images, { recursive: true });
    for (const name of ['a.png', 'b.png']) {
        writeFileSync(join(images, name), PNG.sync.write(new PNG({ width: 64, height: 48 })));
    }
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
    await store.addLabels([...textLabels, ...boxLabels.map((l) => ({ ...l, task: 'boxes' }))]);
});
afterAll(async () => {
    await store.close();
    cleanup();
});

interface Mutation {
    kind: 'replace' | 'leaf' | 'delete' | 'huge' | 'splice';
    path: number[];
    value: unknown;
    at: number;
    text: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('replace', 'leaf', 'delete', 'huge', 'splice'),
    path: fc.array(fc.nat(), { maxLength: 9 }),
    value: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('x', 'big', -5, 0, -0.5, 1e308, null, [], {}, [1, 2, 3, 4], '1e400', ['x'], ['spam', 'x'], { x: 1 }),
    ),
    at: fc.nat(),
    text: fc.string({ maxLength: 6 }),
});

/** Every leaf (string, number, boolean, null) of a JSON value, as the object holding it and its key. */
function leaves(node: unknown, found: Array<[Record<string, unknown>, string]> = []): Array<[Record<string, unknown>, string]> {
    if (typeof node !== 'object' || node === null) {
        return found;
    }
    for (const [key, child] of Object.entries(node)) {
        if (typeof child === 'object' && child !== null) {
            leaves(child, found);
        } else {
            found.push([node as Record<string, unknown>, key]);
        }
    }
    return found;
}

/** Applies a structural mutation to a JSON value (in place): at the path (indices wrap around), or at one leaf. */
function mutateJson(root: unknown, m: Mutation): unknown {
    if (m.kind === 'leaf') {
        const all = leaves(root);
        if (all.length === 0) {
            return root;
        }
        const [holder, key] = all[m.at % all.length];
        holder[key] = m.value;
        return root;
    }
    if (m.path.length === 0 || typeof root !== 'object' || root === null) {
        return m.kind === 'delete' ? null : m.value;
    }
    let node = root as Record<string, unknown>;
    for (let depth = 0; depth < m.path.length; depth++) {
        const keys = Object.keys(node);
        if (keys.length === 0) {
            return root;
        }
        const key = keys[m.path[depth] % keys.length];
        const child = node[key];
        if (depth === m.path.length - 1 || typeof child !== 'object' || child === null) {
            if (m.kind === 'delete') {
                delete node[key];
            } else {
                node[key] = m.value;
            }
            return root;
        }
        node = child as Record<string, unknown>;
    }
    return root;
}

/** One line (jsonl: one record) or one CSV cell changed structurally. */
function mutateLine(text: string, m: Mutation, format: 'jsonl' | 'csv'): string {
    const lines = text.split('\n');
    const index = (format === 'csv' ? 1 : 0) + (m.at % Math.max(1, lines.length - (format === 'csv' ? 2 : 1)));
    if (format === 'jsonl') {
        const mutated = mutateJson(JSON.parse(lines[index]), m);
        lines[index] = mutated === undefined ? '' : JSON.stringify(mutated);
    } else {
        const cells = lines[index].split(',');
        const column = m.path[0] ?? 0;
        cells[column % cells.length] = m.kind === 'delete' ? '' : typeof m.value === 'string' ? m.value : JSON.stringify(m.value ?? null);
        lines[index] = cells.join(',');
    }
    return lines.join('\n');
}

/** The mutated text: structural mutations (of JSON, a jsonl record or a CSV cell), a 1e400 number, or a splice of text. */
function mutateText(text: string, m: Mutation, format: string): string {
    const json = format === 'coco' || format === 'labelstudio';
    if ((format === 'jsonl' || format === 'csv') && (m.kind === 'replace' || m.kind === 'leaf' || m.kind === 'delete')) {
        return mutateLine(text, m, format);
    }
    if (m.kind === 'huge') {
        const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
        if (numbers.length === 0) {
            return text;
        }
        const hit = numbers[m.at % numbers.length];
        return `${text.slice(0, hit.index)}1e400${text.slice(hit.index! + hit[0].length)}`;
    }
    if (m.kind === 'splice' || !json) {
        const at = m.at % (text.length + 1);
        return text.slice(0, at) + m.text + text.slice(at + (m.at % 3));
    }
    const mutated = mutateJson(JSON.parse(text), m);
    return mutated === undefined ? '' : JSON.stringify(mutated, null, 1);
}

/**
 * Imports `source` into task `task`; passes when the import errs clearly or stores only fitting values. Returns how
 * many labels it stored.
 */
async function importsSafely(task: string, format: string, source: string, type: TaskType): Promise<number> {
    // Let the worker answer vitest between runs: each import is mostly synchronous work.
    await new Promise((resolve) => setImmediate(resolve));
    try {
        await importLabels(store, {
            task,
            format,
            source,
            type,
            images: format === 'yolo' || format === 'labelstudio' ? images : undefined,
        });
    } catch (error) {
        expect(error, String((error as Error).stack)).toBeInstanceOf(StoreError);
        return 0;
    }
    const schema = labelValueSchema(type.output, type.classes);
    const stored = store.labels({ task, includeSuperseded: true });
    for (const label of stored) {
        expect(valueProblem(schema, label.value), JSON.stringify(label)).toBeUndefined();
        expect(shapeProblem(label.value)).toBeUndefined();
        if (label.score !== undefined) {
            expect(Number.isFinite(label.score)).toBe(true);
        }
    }
    return stored.length;
}

/** The valid file made new for run `n`: its label ids and task renamed (ids travel with labels, and a stored id is skipped). */
const renamed = (text: string, task: string, n: number): string => text.replace(/\b([cb]\d)\b/g, `r${n}-$1`).replace(/\bvalid\b/g, task);

let run = 0;
const RUNS = 100;
const cases: Array<[string, string, TaskType]> = [
    ['jsonl', 'valid', choiceType],
    ['csv', 'valid', choiceType],
    ['labelstudio', 'valid', choiceType],
    ['labelstudio', 'boxes', boxType],
    ['coco', 'boxes', boxType],
];

describe('label import fuzz', () => {
    it.each(cases)(
        '%s (%s): mutated files never crash the import nor store an invalid value',
        async (format, task, type) => {
            const valid = exportLabels(store, { task, format, images, type }).files[0].text;
            const source = join(dir, `fuzz.${format}`);
            let storing = 0;
            await fc.assert(
                fc.asyncProperty(mutation, async (m) => {
                    const n = run++;
                    writeFileSync(source, mutateText(renamed(valid, `t${n}`, n), m, format));
                    if ((await importsSafely(`t${n}`, format, source, type)) > 0) {
                        storing++;
                    }
                }),
                { numRuns: RUNS, seed: 17 },
            );
            // Most mutated files still hold good records: the property is checked on stored labels, not vacuously.
            expect(storing).toBeGreaterThan(RUNS / 2);
        },
        120_000,
    );

    it('yolo: mutated label files and data.yaml never crash the import nor store an invalid value', async () => {
        const valid = exportLabels(store, { task: 'boxes', format: 'yolo', images, type: boxType }).files;
        const out = join(dir, 'fuzz-yolo');
        await fc.assert(
            fc.asyncProperty(mutation, fc.nat(), async (m, which) => {
                rmSync(out, { recursive: true, force: true });
                writeExport(valid, out);
                const texts = valid.filter((f) => f.copyFrom === undefined);
                const target = join(out, texts[which % texts.length].path);
                writeFileSync(target, mutateText(readFileSync(target, 'utf8'), m, 'yolo'));
                await importsSafely(`t${run++}`, 'yolo', out, boxType);
            }),
            { numRuns: RUNS, seed: 17 },
        );
    }, 120_000);
});
