/**
 * Review mode of the annotation panel, against a really compiled plan, a real data file and a real
 * label store (sql.js): the queue holds the items whose current labels disagree or whose aggregate
 * is below the quality target, most contested first, with every answer given; unanimous items stay
 * out; the reviewer's answer is a durable label like any other, after which the item leaves their queue.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { LabelStore } from '../../engine/src/store/index.js';
import type { NewLabel } from '../../engine/src/store/types.js';
import { taskView } from '../../extension/src/panels/label-queue.js';
import { buildReviewQueue, contestedItems } from '../../extension/src/panels/review-queue.js';
import { AnnotateSession } from '../../extension/src/panels/annotate-session.js';
import type { HostToAnnotate } from '../../webview/src/protocol.js';

const PROGRAM = `program Mail
dataset emails from jsonl "emails.jsonl" {
    key id: String
    subject: Text
    split by id { train 100% }
}
labels Verdict { spam ham }
labeler alice: human
labeler bob: human
labeler carol: human
task classify(e: emails) -> choice<Verdict> {
    ask "Spam?"
    show e.subject
    route cascade alice, bob, carol
    quality { target 90% }
}
`;

const KEYS = ['split3', 'split2', 'agree', 'weak', 'confident', 'changed', 'single'];

let dir: string;
let store: LabelStore;
let plan: LabelingPlan;

beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dprog-review-'));
    writeFileSync(join(dir, 'emails.jsonl'), `${KEYS.map((id) => JSON.stringify({ id, subject: `subject of ${id}` })).join('\n')}\n`);
    writeFileSync(join(dir, 'p.dprog'), PROGRAM);
    const compiled = await compileProgramFile(join(dir, 'p.dprog'));
    if (!compiled.plan) {
        throw new Error(`does not compile: ${JSON.stringify(compiled.diagnostics)}`);
    }
    plan = compiled.plan;
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
    let minute = 0;
    const label = (item: string, labeler: string, value: string, extra: Partial<NewLabel> = {}): NewLabel => ({
        task: 'classify',
        item,
        labeler,
        labelerKind: 'human',
        value,
        createdAt: new Date(Date.UTC(2026, 10, 1, 9, minute++)).toISOString(),
        ...extra,
    });
    await store.addLabels([
        // 2 of 3 say ham: contention 1/3.
        label('split3', 'alice', 'spam'),
        label('split3', 'bob', 'ham'),
        label('split3', 'carol', 'ham', { score: 0.8 }),
        // 1 against 1: contention 1/2, the most contested.
        label('split2', 'alice', 'spam'),
        label('split2', 'bob', 'ham'),
        // Unanimous: not for review.
        label('agree', 'alice', 'spam'),
        label('agree', 'bob', 'spam'),
        // One answer, but the aggregate (0.6) is below the 90% target: contention 0.4.
        label('weak', 'alice', 'ham'),
        // One answer and a confident aggregate: not for review.
        label('confident', 'bob', 'ham'),
    ]);
    // bob changed his mind: the superseded 'spam' no longer counts, so the item is unanimous.
    const first = await store.addLabel(label('changed', 'bob', 'spam'));
    await store.addLabel(label('changed', 'bob', 'ham', { supersedes: first.id }));
    await store.addLabel(label('changed', 'carol', 'ham'));
    await store.setAggregates([
        { task: 'classify', item: 'weak', value: 'ham', confidence: 0.6, method: 'dawid_skene', answers: 1 },
        { task: 'classify', item: 'confident', value: 'ham', confidence: 0.97, method: 'dawid_skene', answers: 1 },
    ]);
});

afterEach(async () => {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
});

function reviewQueue(reviewer: string) {
    return buildReviewQueue({
        programDir: dir,
        plan,
        task: plan.tasks[0],
        labels: store.labels({ task: 'classify' }),
        aggregates: store.aggregates('classify'),
        reviewer,
        imageUri: (p) => `uri:${p}`,
    });
}

describe('review queue', () => {
    test('disagreeing and below-target items, most contested first; unanimous and superseded-away ones left out', () => {
        const contested = contestedItems(
            store.labels({ task: 'classify' }),
            store.aggregates('classify'),
            plan.tasks[0].quality.target,
            'dave',
        );
        expect(plan.tasks[0].quality.target).toBeCloseTo(0.9);
        expect(contested.items.map((c) => c.item)).toEqual(['split2', 'weak', 'split3']);
        expect(contested.items.map((c) => c.review.contention)).toEqual([0.5, expect.closeTo(0.4, 9), expect.closeTo(1 / 3, 9)]);
        const split3 = contested.items.find((c) => c.item === 'split3')!;
        // Who answered what, how sure, in the order they answered.
        expect(split3.review.answers.map((a) => [a.labeler, a.value, a.score])).toEqual([
            ['alice', 'spam', null],
            ['bob', 'ham', null],
            ['carol', 'ham', 0.8],
        ]);
        expect(split3.review.distinct).toBe(2);
        expect(contested.items.find((c) => c.item === 'weak')!.review.aggregate).toEqual({
            value: 'ham',
            confidence: 0.6,
            method: 'dawid_skene',
        });
    });

    test('equal answers compare equal whatever their key order', () => {
        const at = '2026-11-01T09:00:00.000Z';
        const box = (value: Record<string, number | string>, labeler: string) => ({
            id: labeler,
            task: 't',
            item: 'img',
            labeler,
            labelerKind: 'human' as const,
            value,
            gold: false,
            createdAt: at,
        });
        const same = contestedItems([box({ x: 1, y: 2, label: 'car' }, 'a'), box({ label: 'car', y: 2, x: 1 }, 'b')], [], 0.9, 'r');
        expect(same.items).toEqual([]);
        const differ = contestedItems([box({ x: 1, y: 2, label: 'car' }, 'a'), box({ x: 1, y: 3, label: 'car' }, 'b')], [], 0.9, 'r');
        expect(differ.items.map((c) => c.item)).toEqual(['img']);
    });

    test("the panel queue shows the items with their fields, the answers, and the reviewer's own label to replace", () => {
        const queue = reviewQueue('alice');
        expect(queue.items.map((i) => i.key)).toEqual(['split2', 'weak', 'split3']);
        expect(queue.items[0].fields).toEqual({ subject: 'subject of split2' });
        expect(queue.items[0].review?.answers.map((a) => `${a.labeler}:${String(a.value)}`)).toEqual(['alice:spam', 'bob:ham']);
        const own = store.labels({ task: 'classify', item: 'split2', labeler: 'alice' })[0];
        expect(queue.items[0].existing).toEqual({ id: own.id, value: 'spam' });
        expect(queue).toMatchObject({ done: 0, planned: 3, contested: 3 });
    });

    test("a review answer is written to the store like any label, and the item leaves the reviewer's queue", async () => {
        const posted: HostToAnnotate[] = [];
        const log: string[] = [];
        const view = taskView(plan, plan.tasks[0], 'alice');
        const session = new AnnotateSession({
            task: view,
            labeler: 'alice',
            programVersion: plan.hash,
            writable: true,
            loadInit: async (mode) => {
                const queue = reviewQueue('alice');
                return {
                    type: 'init',
                    program: join(dir, 'p.dprog'),
                    mode,
                    task: view,
                    items: queue.items,
                    done: queue.done,
                    planned: queue.planned,
                    labeler: 'alice',
                    writable: true,
                    notice: null,
                };
            },
            addLabel: (label) => store.addLabel(label),
            post: (m) => posted.push(m),
            log: (line) => log.push(line),
        });
        // An unknown mode is dropped like any malformed message.
        await session.handle({ type: 'ready', mode: 'everything' });
        expect(posted).toEqual([]);
        expect(session.dropped).toBe(1);
        await session.handle({ type: 'ready', mode: 'review' });
        const init = posted[0];
        if (init.type !== 'init') {
            throw new Error('no init');
        }
        expect(init.mode).toBe('review');
        expect(session.mode).toBe('review');
        const item = init.items[0];
        expect(item.key).toBe('split2');
        // alice now sides with bob: her answer replaces her own earlier label (kept in the history).
        await session.handle({ type: 'submit', requestId: 1, item: 'split2', value: 'ham', supersedes: item.existing!.id });
        expect(posted.at(-1)).toMatchObject({ type: 'ack', requestId: 1, item: 'split2' });
        expect(log.at(-1)).toMatch(/^reviewed split2 = "ham"/);
        const path = store.path;
        await store.close();
        store = await LabelStore.open(path);
        const current = store.labels({ task: 'classify', item: 'split2' });
        expect(current.map((l) => [l.labeler, l.value]).sort()).toEqual([
            ['alice', 'ham'],
            ['bob', 'ham'],
        ]);
        expect(store.labels({ task: 'classify', item: 'split2', includeSuperseded: true })).toHaveLength(3);
        // Settled now: out of everyone's queue; the others are still there.
        expect(reviewQueue('alice').items.map((i) => i.key)).toEqual(['weak', 'split3']);
        // A reviewer with no label of their own adds one; the item then leaves their queue only.
        await store.addLabel({ task: 'classify', item: 'split3', labeler: 'dave', labelerKind: 'human', value: 'ham' });
        // split2 is unanimous now, so 2 items are contested, 1 of them reviewed by dave.
        expect(reviewQueue('dave')).toMatchObject({ done: 1, planned: 2 });
        expect(reviewQueue('dave').items.map((i) => i.key)).toEqual(['weak']);
        expect(reviewQueue('alice').items.map((i) => i.key)).toEqual(['weak', 'split3']);
    });
});
