/**
 * The extension host's handling of annotation-panel messages, against a real label store (sql.js):
 * valid answers become durable labels and are acknowledged; anything else — 10,000 malformed and
 * hostile messages among them — is dropped without a crash and without a single write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PlanLabelType } from '../../engine/src/plan/types.js';
import { LabelStore } from '../../engine/src/store/index.js';
import { AnnotateSession } from '../../extension/src/panels/annotate-session.js';
import { annotateInbound, type HostToAnnotate, type PreLabelView, type QueueItemView, type TaskView } from '../../webview/src/protocol.js';

const ITEMS = ['e1', 'e2', 'e3'];

function task(output: PlanLabelType, classes = ['spam', 'ham']): TaskView {
    return {
        name: 'classify',
        question: 'Spam?',
        output,
        classes: classes.map((name, i) => ({ name, description: null, hotkey: String(i + 1) })),
        show: [{ name: 'body', type: 'Text' }],
        costPerLabel: 0,
    };
}

const choice: PlanLabelType = { kind: 'choice', labelSet: 'Verdict', text: 'choice<Verdict>' };

function item(key: string): QueueItemView {
    return {
        key,
        split: 'train',
        fields: { body: `body of ${key}` },
        imageUri: null,
        reason: null,
        score: null,
        preLabels: [],
        existing: null,
    };
}

let dir: string;
let store: LabelStore;

beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dprog-ext-'));
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
});

afterEach(async () => {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
});

function session(
    options: { output?: PlanLabelType; writable?: boolean; preLabel?: (items: string[]) => Promise<Map<string, PreLabelView[]>> } = {},
) {
    const posted: HostToAnnotate[] = [];
    const log: string[] = [];
    const view = task(options.output ?? choice);
    const s = new AnnotateSession({
        task: view,
        labeler: 'me',
        programVersion: 'v-test',
        writable: options.writable ?? true,
        loadInit: async () => ({
            type: 'init',
            program: '/p.dprog',
            task: view,
            items: ITEMS.map(item),
            done: 0,
            planned: 3,
            labeler: 'me',
            writable: true,
            notice: null,
        }),
        addLabel: (label) => store.addLabel(label),
        post: (m) => posted.push(m),
        log: (line) => log.push(line),
        preLabel: options.preLabel,
    });
    return { s, posted, log };
}

async function ready(s: AnnotateSession): Promise<void> {
    await s.handle({ type: 'ready' });
}

describe('pre-labels on demand', () => {
    const answer = (key: string): PreLabelView => ({
        labeler: 'm',
        kind: 'model',
        value: key === 'e1' ? 'spam' : 'ham',
        score: 0.9,
        onDemand: true,
    });

    test("the models' answers for shown items are posted; each item is computed once", async () => {
        const asked: string[][] = [];
        const { s, posted } = session({
            preLabel: async (items) => {
                asked.push(items);
                return new Map(items.map((k) => [k, [answer(k)]]));
            },
        });
        await ready(s);
        await s.handle({ type: 'preLabel', items: ['e1', 'e2'] });
        await s.handle({ type: 'preLabel', items: ['e2', 'e3'] });
        expect(asked).toEqual([['e1', 'e2'], ['e3']]);
        const replies = posted.filter((m) => m.type === 'preLabels');
        expect(replies).toEqual([
            { type: 'preLabels', items: { e1: [answer('e1')], e2: [answer('e2')] } },
            { type: 'preLabels', items: { e2: [answer('e2')], e3: [answer('e3')] } },
        ]);
        expect(store.countLabels()).toBe(0);
    });

    test('items the panel was not shown are not run; a failing model says why and writes nothing', async () => {
        const asked: string[][] = [];
        const { s, posted, log } = session({
            preLabel: async (items) => {
                asked.push(items);
                throw new Error('model.onnx: onnxruntime cannot load this model');
            },
        });
        await ready(s);
        await s.handle({ type: 'preLabel', items: ['elsewhere'] });
        expect(asked).toEqual([]);
        expect(log.some((l) => /not shown/.test(l))).toBe(true);
        await s.handle({ type: 'preLabel', items: ['e1'] });
        expect(posted.at(-1)).toEqual({ type: 'preLabels', items: { e1: [] }, error: 'model.onnx: onnxruntime cannot load this model' });
        expect(store.countLabels()).toBe(0);
    });

    test('a label is saved while a model still runs', async () => {
        let release: () => void = () => {};
        const { s, posted } = session({
            preLabel: () =>
                new Promise((resolve) => {
                    release = () => resolve(new Map());
                }),
        });
        await ready(s);
        const running = s.handle({ type: 'preLabel', items: ['e1'] });
        await s.handle({ type: 'submit', requestId: 1, item: 'e2', value: 'ham' });
        expect(posted.some((m) => m.type === 'ack')).toBe(true);
        release();
        await running;
    });
});

describe('annotation session', () => {
    test('the first queue is posted without a ready; the items it showed can be labeled at once', async () => {
        const { s, posted } = session();
        await s.showFirst();
        expect(posted.map((m) => m.type)).toEqual(['init']);
        // The panel shown by that first post knows its items: an answer for one is saved.
        await s.handle({ type: 'submit', requestId: 1, item: 'e1', value: 'ham' });
        expect(posted.map((m) => m.type)).toEqual(['init', 'ack']);
        expect(store.labels({ task: 'classify' }).map((l) => l.item)).toEqual(['e1']);
        // A later ready (the page reloaded) gets a fresh queue.
        await ready(s);
        expect(posted.map((m) => m.type)).toEqual(['init', 'ack', 'init']);
    });

    test('a valid answer becomes a durable label, then is acknowledged', async () => {
        const { s, posted } = session();
        await ready(s);
        expect(posted[0].type).toBe('init');
        await s.handle({ type: 'submit', requestId: 7, item: 'e2', value: 'spam' });
        const ack = posted.find((m) => m.type === 'ack');
        expect(ack).toMatchObject({ type: 'ack', requestId: 7, item: 'e2' });
        const path = store.path;
        await store.close();
        // Durable: a fresh process opening the store sees it.
        store = await LabelStore.open(path, { readonly: true });
        const labels = store.labels({ task: 'classify' });
        expect(labels).toHaveLength(1);
        expect(labels[0]).toMatchObject({ item: 'e2', value: 'spam', labeler: 'me', labelerKind: 'human', programVersion: 'v-test' });
        expect(ack && ack.type === 'ack' && ack.labelId).toBe(labels[0].id);
    });

    test('a new answer after undo supersedes the earlier label; both are kept', async () => {
        const { s, posted } = session();
        await ready(s);
        await s.handle({ type: 'submit', requestId: 1, item: 'e1', value: 'spam' });
        const first = posted.find((m) => m.type === 'ack');
        if (first?.type !== 'ack') {
            throw new Error('no ack');
        }
        await s.handle({ type: 'submit', requestId: 2, item: 'e1', value: 'ham', supersedes: first.labelId });
        expect(store.labels({ task: 'classify' }).map((l) => l.value)).toEqual(['ham']);
        const history = store.labels({ task: 'classify', includeSuperseded: true });
        expect(history).toHaveLength(2);
        expect(history.find((l) => l.id === first.labelId)?.supersededBy).toBeDefined();
    });

    test('an untrusted workspace writes nothing and says why', async () => {
        const { s, posted } = session({ writable: false });
        await ready(s);
        await s.handle({ type: 'submit', requestId: 3, item: 'e1', value: 'spam' });
        expect(posted.at(-1)).toMatchObject({ type: 'rejected', requestId: 3 });
        expect((posted.at(-1) as { message: string }).message).toMatch(/not trusted/);
        expect(store.countLabels()).toBe(0);
    });

    test.each([
        ['choice: not a member', choice, 'eggs'],
        ['choices: a member twice', { kind: 'choices', labelSet: 'V', text: 'choices<V>' } as PlanLabelType, ['spam', 'spam']],
        [
            'box: negative width',
            { kind: 'box', labelSet: 'V', text: 'box<V>' } as PlanLabelType,
            { x: 1, y: 1, width: -3, height: 2, label: 'spam' },
        ],
        [
            'box: extra key',
            { kind: 'box', labelSet: 'V', text: 'box<V>' } as PlanLabelType,
            { x: 1, y: 1, width: 3, height: 2, label: 'spam', evil: 1 },
        ],
        [
            'polygon: two points',
            { kind: 'polygon', labelSet: 'V', text: 'polygon<V>' } as PlanLabelType,
            {
                points: [
                    [0, 0],
                    [1, 1],
                ],
                label: 'spam',
            },
        ],
        ['point: NaN', { kind: 'point', labelSet: 'V', text: 'point<V>' } as PlanLabelType, { x: Number.NaN, y: 1, label: 'spam' }],
        [
            'span: ends before it starts',
            { kind: 'span', labelSet: 'V', text: 'span<V>' } as PlanLabelType,
            { start: 5, end: 2, text: 'x', label: 'spam' },
        ],
        ['number: out of range', { kind: 'number', min: 0, max: 10, text: 'number in [0, 10]' } as PlanLabelType, 11],
        ['bool: a string', { kind: 'bool', text: 'bool' } as PlanLabelType, 'true'],
        [
            'list<box>: one bad box',
            { kind: 'list', element: { kind: 'box', labelSet: 'V', text: 'box<V>' }, text: 'list<box<V>>' } as PlanLabelType,
            [
                { x: 0, y: 0, width: 1, height: 1, label: 'spam' },
                { x: 0, y: 0, width: 1, height: 1, label: 'car' },
            ],
        ],
    ])('an answer that does not fit the type is rejected: %s', async (_name, output, value) => {
        const { s, posted } = session({ output });
        await ready(s);
        await s.handle({ type: 'submit', requestId: 9, item: 'e1', value });
        expect(posted.at(-1)).toMatchObject({ type: 'rejected', requestId: 9, item: 'e1' });
        expect(store.countLabels()).toBe(0);
    });

    test.each([
        [
            'list<box>',
            { kind: 'list', element: { kind: 'box', labelSet: 'V', text: 'box<V>' }, text: 'list<box<V>>' } as PlanLabelType,
            [{ x: 0, y: 0, width: 10, height: 5, label: 'ham' }],
        ],
        [
            'polygon',
            { kind: 'polygon', labelSet: 'V', text: 'polygon<V>' } as PlanLabelType,
            {
                points: [
                    [0, 0],
                    [4, 0],
                    [2, 3],
                ],
                label: 'spam',
            },
        ],
        ['span', { kind: 'span', labelSet: 'V', text: 'span<V>' } as PlanLabelType, { start: 0, end: 4, text: 'body', label: 'spam' }],
        ['number', { kind: 'number', min: 0, max: 10, text: 'number in [0, 10]' } as PlanLabelType, 2.5],
        ['text', { kind: 'text', text: 'text' } as PlanLabelType, 'hello'],
        ['choices', { kind: 'choices', labelSet: 'V', text: 'choices<V>' } as PlanLabelType, ['ham', 'spam']],
    ])('an answer of type %s is stored as given', async (_name, output, value) => {
        const { s, posted } = session({ output });
        await ready(s);
        await s.handle({ type: 'submit', requestId: 4, item: 'e3', value });
        expect(posted.at(-1)).toMatchObject({ type: 'ack', requestId: 4 });
        expect(store.labels({ task: 'classify' })[0].value).toEqual(value);
    });

    test('labels for items the panel was never shown, or superseding labels it did not give, are refused', async () => {
        const { s, posted } = session();
        // Before `ready` no item has been shown.
        await s.handle({ type: 'submit', requestId: 1, item: 'e1', value: 'spam' });
        await ready(s);
        await s.handle({ type: 'submit', requestId: 2, item: 'other', value: 'spam' });
        await s.handle({ type: 'submit', requestId: 3, item: 'e1', value: 'spam', supersedes: 'someone-elses-label' });
        expect(posted.filter((m) => m.type === 'rejected').map((m) => (m as { requestId: number }).requestId)).toEqual([1, 2, 3]);
        expect(store.countLabels()).toBe(0);
    });

    test('10,000 malformed and hostile messages: no crash, nothing written, each dropped', async () => {
        const { s, posted, log } = session();
        await ready(s);
        const before = posted.length;
        const hostileValue = fc.oneof(
            fc.anything({
                withBigInt: true,
                withDate: true,
                withMap: true,
                withSet: true,
                withTypedArray: true,
                withNullPrototype: true,
                withObjectString: true,
                withSparseArray: true,
            }),
            fc.constantFrom('SPAM', 'spam ', '', 'ham\u0000', '__proto__', 'constructor', "'; DROP TABLE labels; --"),
            fc.record({ x: fc.double(), y: fc.double(), width: fc.double(), height: fc.double(), label: fc.string() }),
        );
        const hostile = fc.oneof(
            fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true }),
            fc.record(
                {
                    type: fc.constantFrom('submit', 'skip', 'ready', 'SUBMIT', 'ack', 'init', '__proto__'),
                    requestId: fc.oneof(fc.integer(), fc.double(), fc.string()),
                    item: fc.oneof(fc.string(), fc.constant('e1')),
                    value: hostileValue,
                },
                { requiredKeys: [] },
            ),
            // Well-formed envelopes with values that do not fit choice<Verdict> or items never shown.
            fc.record({
                type: fc.constant('submit'),
                requestId: fc.nat(),
                item: fc.constantFrom('e1', 'e2'),
                value: hostileValue.filter((v) => v !== 'spam' && v !== 'ham'),
            }),
            fc.record({
                type: fc.constant('submit'),
                requestId: fc.nat(),
                item: fc.string({ minLength: 1 }).filter((k) => !ITEMS.includes(k)),
                value: fc.constantFrom('spam', 'ham'),
            }),
            fc.record({
                type: fc.constant('submit'),
                requestId: fc.nat(),
                item: fc.constant('e1'),
                value: fc.constant('spam'),
                supersedes: fc.string({ minLength: 1, maxLength: 50 }),
            }),
            fc.record({
                type: fc.constant('submit'),
                requestId: fc.nat(),
                item: fc.constant('e1'),
                value: fc.constant('spam'),
                extra: fc.anything(),
            }),
            fc.constantFrom<unknown>(
                null,
                undefined,
                'submit',
                JSON.parse('{"type":"submit","requestId":1,"item":"e1","value":"spam","__proto__":{"polluted":true}}'),
                { type: 'submit', requestId: -1, item: 'e1', value: 'spam' },
                { type: 'submit', requestId: 1, item: 'x'.repeat(5000), value: 'spam' },
                { type: 'submit', requestId: 1, item: 'e1', value: 'spam'.repeat(100_000) },
                { type: 'submit', requestId: 1, item: '', value: 'spam' },
                { type: 'ready', extra: true },
            ),
        );
        const messages = fc.sample(hostile, { numRuns: 9_990, seed: 20261127 });
        // Deep nesting, meant to exhaust the validator's stack.
        let deep: unknown = 'spam';
        for (let i = 0; i < 100_000; i++) {
            deep = [deep];
        }
        let deepObject: unknown = {};
        for (let i = 0; i < 100_000; i++) {
            deepObject = { value: deepObject };
        }
        messages.push(
            { type: 'submit', requestId: 1, item: 'e1', value: deep },
            { type: 'submit', requestId: 1, item: 'e1', value: deepObject },
            deep,
            deepObject,
            {
                type: 'submit',
                requestId: 1,
                item: 'e1',
                get value() {
                    throw new Error('getter');
                },
            },
            new Proxy(
                {},
                {
                    get: () => {
                        throw new Error('proxy');
                    },
                    ownKeys: () => {
                        throw new Error('proxy');
                    },
                },
            ),
            Object.create(null),
            [{ type: 'submit', requestId: 1, item: 'e1', value: 'spam' }],
            { type: 'submit', requestId: 1, item: 'e1', value: 'spam', supersedes: '' },
            { type: 'submit', requestId: Number.MAX_SAFE_INTEGER + 2, item: 'e1', value: 'spam' },
        );
        expect(messages).toHaveLength(10_000);
        for (const message of messages) {
            await expect(s.handle(message)).resolves.toBeUndefined();
        }
        await s.idle();
        expect(store.countLabels({ includeSuperseded: true })).toBe(0);
        expect(posted.slice(before).filter((m) => m.type === 'ack')).toEqual([]);
        // Every message was dropped, except the few well-formed `ready`/`skip` ones the generator made (they write nothing).
        const harmless = messages.filter((m) => {
            try {
                const parsed = annotateInbound.safeParse(m);
                return (
                    parsed.success && (parsed.data.type === 'ready' || (parsed.data.type === 'skip' && ITEMS.includes(parsed.data.item)))
                );
            } catch {
                return false;
            }
        }).length;
        expect(harmless).toBeLessThan(100);
        expect(s.dropped).toBe(10_000 - harmless);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        // The log is bounded even under a flood.
        expect(log.length).toBeLessThan(100);
        // And the session still works afterwards.
        await s.handle({ type: 'submit', requestId: 1, item: 'e1', value: 'ham' });
        expect(store.countLabels()).toBe(1);
    });
});
