// @vitest-environment happy-dom
/**
 * The annotation panel's script: what the person sees for each host message, and what it posts back
 * (ready, submit with the label it supersedes, skip, mode switch, pre-label requests).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostToAnnotate, QueueItemView, TaskView } from '../../webview/src/protocol.js';
import { animals, press, textOf } from './helpers.js';
import { loadPanel, type Panel } from './panel-harness.js';

const task: TaskView = {
    name: 'species',
    question: 'Which animal is it?',
    output: { kind: 'choice', labelSet: 'Animal', text: 'choice<Animal>' },
    classes: animals,
    show: [
        { name: 'text', type: 'Text' },
        { name: 'source', type: 'String' },
    ],
    costPerLabel: 0.5,
};

function item(key: string, extra: Partial<QueueItemView> = {}): QueueItemView {
    return {
        key,
        split: 'train',
        fields: { text: `text of ${key}`, source: 'web' },
        imageUri: null,
        reason: null,
        score: null,
        preLabels: [],
        existing: null,
        ...extra,
    };
}

function init(extra: Partial<Extract<HostToAnnotate, { type: 'init' }>> = {}): HostToAnnotate {
    return {
        type: 'init',
        program: '/w/animals.dprog',
        task,
        items: [item('a'), item('b', { reason: 'uncertainty', score: 0.4321 })],
        done: 3,
        planned: 10,
        labeler: 'me',
        writable: true,
        notice: null,
        ...extra,
    };
}

let panel: Panel<HostToAnnotate>;
beforeEach(async () => {
    panel = await loadPanel<HostToAnnotate>(() => import('../../webview/src/annotate/main.js'));
});
afterEach(() => panel.unload());

const text = (selector: string) => textOf(panel.app.querySelector(selector)!);
/** Each shown field as `name: value`. */
const fields = () => [...panel.app.querySelectorAll('.field')].map((f) => `${textOf(f.children[0])}: ${textOf(f.children[1])}`);
const submits = () => panel.posted.filter((m) => (m as { type: string }).type === 'submit') as Array<Record<string, unknown>>;

describe('annotation panel', () => {
    it('says it is ready, then shows the first item, its fields, progress and the task', () => {
        expect(panel.posted).toEqual([{ type: 'ready' }]);
        panel.send(init());
        expect(text('h1')).toBe('species');
        expect(text('[data-testid=position]')).toBe('item 1 of 2 in this queue');
        expect(text('[data-testid=done]')).toBe('3 / 10 labeled');
        expect(panel.app.querySelector('[role=progressbar]')!.getAttribute('aria-valuenow')).toBe('30');
        expect(text('.question')).toBe('Which animal is it?');
        expect(fields()).toEqual(['text: text of a', 'source: web']);
        expect(text('.cost')).toBe('$0.00 this session');
        expect(panel.state()).toEqual({ program: '/w/animals.dprog', task: 'species', mode: 'label' });
        expect(panel.app.querySelectorAll('.choice')).toHaveLength(3);
        expect(text('#keys')).toContain('C: cat — a cat');
    });

    it('submits a hotkey answer, waits for the acknowledgement, then moves on', () => {
        panel.send(init());
        press(document.body, 'd');
        expect(submits()).toEqual([
            { type: 'submit', requestId: 1, item: 'a', value: 'dog', supersedes: undefined, acceptedPreLabel: undefined },
        ]);
        expect(panel.app.classList.contains('saving')).toBe(true);
        // Nothing moves while the label is not durable; a second answer is not sent.
        press(document.body, 'c');
        expect(submits()).toHaveLength(1);
        expect(text('[data-testid=position]')).toBe('item 1 of 2 in this queue');
        panel.send({ type: 'ack', requestId: 1, item: 'a', labelId: 'L1', durableMs: 2 });
        expect(text('[data-testid=position]')).toBe('item 2 of 2 in this queue');
        expect(text('[data-testid=done]')).toBe('4 / 10 labeled');
        expect(text('.cost')).toBe('$0.50 this session');
        expect(text('.reason')).toBe('chosen: uncertainty 0.432');
        expect(panel.app.classList.contains('saving')).toBe(false);
    });

    it('ignores an acknowledgement of another request', () => {
        panel.send(init());
        press(document.body, 'd');
        panel.send({ type: 'ack', requestId: 99, item: 'a', labelId: 'L1', durableMs: 2 });
        expect(text('[data-testid=position]')).toBe('item 1 of 2 in this queue');
    });

    it('shows why a label was not saved, and lets the person answer again', () => {
        panel.send(init());
        press(document.body, 'd');
        panel.send({ type: 'rejected', requestId: 1, item: 'a', message: 'the store is locked' });
        expect(text('#message')).toBe('Not saved: the store is locked');
        press(document.body, 'c');
        expect(submits().map((m) => m.value)).toEqual(['dog', 'cat']);
    });

    it('goes back with undo, shows the earlier answer, and supersedes it with a new one', () => {
        panel.send(init());
        press(document.body, 'd');
        panel.send({ type: 'ack', requestId: 1, item: 'a', labelId: 'L1', durableMs: 2 });
        press(document.body, 'z', { ctrlKey: true });
        expect(text('[data-testid=position]')).toBe('item 1 of 2 in this queue');
        expect(text('#message')).toContain('Undo: back to the previous item');
        expect(panel.app.querySelector('[aria-checked=true]')!.getAttribute('data-class')).toBe('dog');
        press(document.body, 'c');
        expect(submits()[1]).toMatchObject({ item: 'a', value: 'cat', supersedes: 'L1' });
        panel.send({ type: 'ack', requestId: 2, item: 'a', labelId: 'L2', durableMs: 2 });
        // A relabel is not a new label.
        expect(text('[data-testid=done]')).toBe('4 / 10 labeled');
    });

    it('redoes forward over labeled items only (Ctrl+Shift+Z, Ctrl+Y)', () => {
        panel.send(init());
        press(document.body, 'd');
        panel.send({ type: 'ack', requestId: 1, item: 'a', labelId: 'L1', durableMs: 2 });
        press(document.body, 'ArrowLeft');
        expect(text('[data-testid=position]')).toBe('item 1 of 2 in this queue');
        press(document.body, 'y', { ctrlKey: true });
        expect(text('[data-testid=position]')).toBe('item 2 of 2 in this queue');
        press(document.body, 'Z', { ctrlKey: true, shiftKey: true });
        expect(text('[data-testid=position]')).toBe('item 2 of 2 in this queue');
    });

    it('skips with → (telling the host) and finishes the queue', () => {
        panel.send(init());
        press(document.body, 'ArrowRight');
        press(document.body, 'ArrowRight');
        expect(panel.posted.filter((m) => (m as { type: string }).type === 'skip')).toEqual([
            { type: 'skip', item: 'a' },
            { type: 'skip', item: 'b' },
        ]);
        expect(text('[data-testid=position]')).toBe('2 of 2 done');
        expect(text('.finished h2')).toBe('Queue done');
        expect(text('.finished p')).toBe('0 labeled in this session.');
        panel.app.querySelector<HTMLButtonElement>('#next-batch')!.click();
        expect(panel.posted.at(-1)).toEqual({ type: 'ready' });
        expect(text('.loading')).toBe('Choosing the next batch…');
    });

    it('refuses an empty answer and an untrusted workspace, saying why', () => {
        panel.send(init());
        press(document.body, 'Enter');
        expect(text('#message')).toBe('Answer first: the label is not complete yet.');
        panel.send(init({ writable: false }));
        expect(panel.app.querySelector<HTMLButtonElement>('#submit')!.disabled).toBe(true);
        press(document.body, 'c');
        expect(text('#message')).toBe('This workspace is not trusted: labels cannot be saved.');
        expect(submits()).toEqual([]);
    });

    it('shows stored pre-labels in the tool, and Enter accepts the most confident one', () => {
        const preLabels = [
            { labeler: 'clf', kind: 'model' as const, value: 'cat', score: 0.6 },
            { labeler: 'rules', kind: 'rules' as const, value: 'dog', score: 0.9 },
        ];
        panel.send(init({ items: [item('a', { preLabels })] }));
        expect(text('[data-testid=prelabels]')).toBe('model (clf) : cat 0.60 · rules : dog 0.90 · Enter accepts');
        expect(panel.app.querySelector('.tool')!.getAttribute('data-prelabel')).toBe('rules:rules');
        press(document.body, 'Enter');
        expect(submits()).toEqual([expect.objectContaining({ item: 'a', value: 'dog' })]);
    });

    it('asks the host for model answers on the current and next items, and shows them when they come', () => {
        const items = ['a', 'b', 'c', 'd'].map((k) => item(k));
        panel.send(init({ items, preLabelModels: ['clf'] }));
        expect(panel.posted.at(-1)).toEqual({ type: 'preLabel', items: ['a', 'b', 'c'] });
        expect(text('[data-testid=prelabels]')).toBe('The model is looking at this item…');
        panel.send({ type: 'preLabels', items: { a: [{ labeler: 'clf', kind: 'model', value: 'bird', score: 0.7 }] } });
        expect(text('[data-testid=prelabels]')).toBe('model (clf) : bird 0.70 (run just now, not saved) · Enter accepts');
        expect(panel.app.querySelector('[aria-checked=true]')!.getAttribute('data-class')).toBe('bird');
        press(document.body, 'ArrowRight');
        expect(panel.posted.at(-1)).toEqual({ type: 'preLabel', items: ['d'] });
        panel.send({ type: 'preLabels', items: {}, error: 'the model file is missing' });
        expect(text('#message')).toBe('Model pre-labels are not available: the model file is missing');
    });

    it('switches to reviewing disagreements and shows every answer given', () => {
        panel.send(init());
        panel.app.querySelector<HTMLButtonElement>('#review-toggle')!.click();
        expect(panel.posted.at(-1)).toEqual({ type: 'ready', mode: 'review' });
        expect(text('.loading')).toBe('Finding the items labelers disagreed on…');
        const review = {
            answers: [
                { labeler: 'ann', kind: 'human' as const, value: 'cat', score: null, at: '2026-01-01T00:00:00Z' },
                { labeler: 'clf', kind: 'model' as const, value: 'dog', score: 0.8, at: '2026-01-01T00:00:00Z' },
            ],
            distinct: 2,
            contention: 0.5,
            aggregate: { value: 'cat', confidence: 0.55, method: 'dawid-skene' },
            target: 0.9,
        };
        panel.send(init({ mode: 'review', items: [item('a', { review, existing: { id: 'L7', value: 'cat' } })] }));
        expect(text('h1')).toBe('species · review');
        expect(text('.review-summary')).toBe('2 answers, 2 distinct · contention 0.50');
        expect([...panel.app.querySelectorAll('.answer')].map(textOf)).toEqual(['ann: cat', 'clf (model): dog 0.80']);
        expect(text('.aggregate')).toBe('aggregate (dawid-skene): cat, confidence 0.55 (target 0.90)');
        expect(panel.state()).toEqual({ program: '/w/animals.dprog', task: 'species', mode: 'review' });
        press(document.body, 'd');
        expect(submits()).toEqual([expect.objectContaining({ item: 'a', value: 'dog', supersedes: 'L7' })]);
    });

    it('asks again after a program change: a review starts from the old label, a split asks among its parts', () => {
        const review = item('a', { relabel: { kind: 'review', was: 'cat', among: ['cat', 'bird'] } });
        const split = item('b', { relabel: { kind: 'reask', was: 'dog', among: ['dog', 'bird'] } });
        panel.send(init({ items: [review, split] }));
        expect(text('[data-testid=relabel] .review-summary')).toBe('Old label: cat');
        expect(text('[data-testid=relabel] p:last-child')).toBe('The label set gained bird: keep the old label or choose another.');
        expect(panel.app.querySelector('[aria-checked=true]')!.getAttribute('data-class')).toBe('cat');
        press(document.body, 'ArrowRight');
        expect(text('[data-testid=relabel] p:last-child')).toBe('dog was split: choose among dog, bird.');
        expect(panel.app.querySelector('[aria-checked=true]')).toBeNull();
    });

    it('shows why the panel is not available', () => {
        panel.send({ type: 'unavailable', message: 'No task named species.' });
        expect(text('.unavailable h2')).toBe('Not available');
        expect(text('.unavailable p')).toBe('No task named species.');
    });

    it('leaves the span task text to the span tool and toggles the key help with ?', () => {
        const spanTask: TaskView = { ...task, output: { kind: 'span', labelSet: 'Animal', text: 'span<Animal>' } };
        panel.send(init({ task: spanTask }));
        expect(fields()).toEqual(['source: web']);
        expect(text('.span-text')).toBe('text of a');
        expect(panel.app.querySelector('#keys')!.hasAttribute('hidden')).toBe(true);
        press(document.body, '?');
        expect(panel.app.querySelector('#keys')!.hasAttribute('hidden')).toBe(false);
    });

    it('says so when an image task item has no image', () => {
        const boxTask: TaskView = { ...task, output: { kind: 'box', labelSet: 'Animal', text: 'box<Animal>' } };
        panel.send(init({ task: boxTask }));
        expect(text('.error')).toBe('This box task needs an image, but item a has none.');
    });
});
