/**
 * The annotation queue, built from a really compiled plan, real data files and a real label store:
 * the active-learning batch first, items people labeled left out, model and rule answers as
 * pre-labels, hotkeys from the label set (else 1–9), images mapped for the webview.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { LabelStore } from '../../engine/src/store/index.js';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import { buildQueue, taskView } from '../../extension/src/panels/label-queue.js';

let dir: string;

beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dprog-queue-'));
});

afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
});

async function compile(source: string): Promise<LabelingPlan> {
    const file = join(dir, 'p.dprog');
    writeFileSync(file, source);
    const { plan, diagnostics } = await compileProgramFile(file);
    if (!plan) {
        throw new Error(`does not compile: ${JSON.stringify(diagnostics)}`);
    }
    return plan;
}

const EMAILS = `program Mail
dataset emails from jsonl "emails.jsonl" {
    key id: String
    subject: Text
    body: Text
    split by id { train 100% }
}
labels Verdict {
    spam "Unsolicited bulk email" key "s"
    ham
    unsure
}
labeler me: human
task classify(e: emails) -> choice<Verdict> {
    ask "Spam?"
    show e.subject
    route cascade me
}
`;

describe('label queue', () => {
    test('batch first, labeled items left out, pre-labels attached, hotkeys from the label set else 1-9', async () => {
        writeFileSync(
            join(dir, 'emails.jsonl'),
            `${['a', 'b', 'c', 'd', 'e'].map((id) => JSON.stringify({ id, subject: `subject ${id}`, body: `body ${id}` })).join('\n')}\n`,
        );
        const plan = await compile(EMAILS);
        const task = plan.tasks[0];
        const store = await LabelStore.open(join(dir, 'labels.sqlite'));
        await store.addLabel({ task: 'classify', item: 'b', labeler: 'me', labelerKind: 'human', value: 'ham' });
        await store.addLabel({ task: 'classify', item: 'd', labeler: 'spam_model', labelerKind: 'model', value: 'spam', score: 0.7 });
        const queue = buildQueue({
            programDir: dir,
            plan,
            task,
            labels: store.labels({ task: 'classify' }),
            batch: {
                task: 'classify',
                strategy: 'margin',
                coldStart: false,
                labeled: 1,
                candidates: 4,
                items: [
                    { key: 'e', score: 0.9, split: 'train', reason: 'uncertainty' },
                    { key: 'b', score: 0.8, split: 'train', reason: 'uncertainty' },
                ],
            },
            imageUri: (p) => `uri:${p}`,
            person: 'me',
        });
        await store.close();
        expect(queue.items.map((i) => i.key)).toEqual(['e', 'a', 'c', 'd']);
        expect(queue.items[0]).toMatchObject({ reason: 'uncertainty', score: 0.9 });
        expect(queue.items[0].fields).toEqual({ subject: 'subject e' });
        expect(queue.items[3].preLabels).toEqual([{ labeler: 'spam_model', kind: 'model', value: 'spam', score: 0.7 }]);
        expect(queue.done).toBe(1);
        expect(queue.planned).toBe(5);
        const view = taskView(plan, task, 'me');
        expect(view.classes.map((c) => [c.name, c.hotkey])).toEqual([
            ['spam', 's'],
            ['ham', '1'],
            ['unsure', '2'],
        ]);
        expect(view.question).toBe('Spam?');
    });

    test(
        'serves what the routing policy wants from this person, most valuable first (active-learning score × need); done ' + 'items leave',
        async () => {
            writeFileSync(
                join(dir, 'emails.jsonl'),
                ['a', 'b', 'c', 'd', 'e', 'f']
                    .map((id) => `${JSON.stringify({ id, subject: `subject ${id}`, body: `body ${id}` })}\n`)
                    .join(''),
            );
            const plan = await compile(`program Mail
dataset emails from jsonl "emails.jsonl" {
    key id: String
    subject: Text
    body: Text
    split by id { train 100% }
}
labels Verdict { spam, ham }
labeler crowd: human { pool 5, cost $0.01 per item, accuracy 90% }
task classify(e: emails) -> choice<Verdict> {
    route best crowd
    quality { target 95%, at most 4 labels }
}
`);
            const store = await LabelStore.open(join(dir, 'labels.sqlite'));
            const say = (item: string, labeler: string, value: string) =>
                store.addLabel({ task: 'classify', item, labeler, labelerKind: 'human', value });
            await say('a', 'bob', 'spam'); // a: two people agree at 90% each — done
            await say('a', 'carol', 'spam');
            await say('b', 'bob', 'ham'); // b: one answer, needs a little more
            await say('d', 'alice', 'spam'); // d: alice has answered it already
            await say('e', 'bob', 'ham'); // e: two people disagree, needs the most of the answered ones
            await say('e', 'carol', 'spam');
            const queue = buildQueue({
                programDir: dir,
                plan,
                task: plan.tasks[0],
                labels: store.labels({ task: 'classify' }),
                batch: undefined,
                imageUri: (p) => p,
                person: 'alice',
            });
            // c and f: nobody has answered (need 1, in dataset order); then e (disagreement), then b (one answer).
            expect(queue.items.map((i) => i.key)).toEqual(['c', 'f', 'e', 'b']);
            // An active-learning score scales the need: f, picked with a high score, comes first; items outside the
            // batch count as its lowest score.
            const batch = {
                task: 'classify',
                strategy: 'margin',
                coldStart: false,
                labeled: 4,
                candidates: 6,
                items: [
                    { key: 'f', score: 0.9, split: 'train', reason: 'uncertainty' },
                    { key: 'c', score: 0.2, split: 'train', reason: 'uncertainty' },
                ],
            };
            const ranked = buildQueue({
                programDir: dir,
                plan,
                task: plan.tasks[0],
                labels: store.labels({ task: 'classify' }),
                batch,
                imageUri: (p) => p,
                person: 'alice',
            });
            expect(ranked.items.map((i) => i.key)).toEqual(['f', 'c', 'e', 'b']);
            // bob's answer on b finishes it: it leaves alice's queue.
            await say('b', 'dave', 'ham');
            const after = buildQueue({
                programDir: dir,
                plan,
                task: plan.tasks[0],
                labels: store.labels({ task: 'classify' }),
                batch: undefined,
                imageUri: (p) => p,
                person: 'alice',
            });
            expect(after.items.map((i) => i.key)).not.toContain('b');
            await store.close();
        },
    );

    test('an images dataset is read from its glob, keyed by path, with image URIs for the webview', async () => {
        mkdirSync(join(dir, 'frames'));
        for (const name of ['f1.png', 'f2.png', 'notes.txt']) {
            const png = new PNG({ width: 4, height: 3 });
            writeFileSync(join(dir, 'frames', name), name.endsWith('.png') ? PNG.sync.write(png) : 'not an image');
        }
        const plan = await compile(`program Frames
dataset frames from images "frames/*.png" {
    split by path { train 100% }
}
labels Vehicle { car, truck }
labeler me: human
task vehicles(f: frames) -> list<box<Vehicle>> {
    route cascade me
}
`);
        const queue = buildQueue({ programDir: dir, plan, task: plan.tasks[0], labels: [], batch: undefined, imageUri: (p) => `uri:${p}` });
        expect(queue.items.map((i) => [i.key, i.imageUri])).toEqual([
            ['frames/f1.png', 'uri:frames/f1.png'],
            ['frames/f2.png', 'uri:frames/f2.png'],
        ]);
    });
});
