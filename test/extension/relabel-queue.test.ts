/**
 * The labeling panel after a program change (language.md §10), with a really compiled pair of
 * versions, real data and a real label store holding labels: the migration's reviews come first in
 * the queue (old label shown, the members to choose among), then its re-asks (only among the members
 * a split member became); a review answer — keeping the old label or choosing a new member — is a
 * new label superseding the old one (history kept) and leaves the queue; an answer outside the
 * members is refused; applying the migration again changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import { applyMigration, migrationRun } from '../../engine/src/migration/apply-migration.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore } from '../../engine/src/store/index.js';
import { buildQueue, taskView } from '../../extension/src/engine/label-queue.js';
import { AnnotateSession } from '../../extension/src/panels/annotate-session.js';
import { diffPlans } from '../../language-server/src/compiler/migrate.js';
import type { HostToAnnotate } from '../../webview/src/protocol.js';
import { labelsBy } from '../engine/migration/labels-by.js';

const program = (version: number, labels: string) => `program Vehicles version ${version}
dataset frames from jsonl "frames.jsonl" {
    key id: String
    caption: Text
}
labels Vehicle { ${labels} }
labeler me: human { pool 3, accuracy 80% }
task kind(f: frames) -> choice<Vehicle> {
    ask "What is this vehicle?"
    show f.caption
    route cascade me
}
`;

let dir: string;
let store: LabelStore;
let plan: LabelingPlan;

async function compile(name: string, source: string): Promise<LabelingPlan> {
    writeFileSync(join(dir, name), source);
    const { plan: compiled, diagnostics } = await compileProgramFile(join(dir, name));
    if (!compiled) {
        throw new Error(`does not compile: ${JSON.stringify(diagnostics)}`);
    }
    return compiled;
}

beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dprog-relabel-'));
    writeFileSync(
        join(dir, 'frames.jsonl'),
        `${['a', 'b', 'c', 'd'].map((id) => JSON.stringify({ id, caption: `frame ${id}` })).join('\n')}\n`,
    );
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
    await store.addLabels(labelsBy('ann', 'kind', { a: 'truck', b: 'car', c: 'bus' }));
    const v1 = await compile('v1.dprog', program(1, 'car, truck, bus'));
    // A split (pickup, semi from truck) and an added member (tram) at once.
    plan = await compile('v2.dprog', program(2, 'car, pickup from truck, semi from truck, bus, tram'));
    await applyMigration(new EmbeddedStore(store), diffPlans(v1, plan));
});

afterEach(async () => {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
});

const queue = () =>
    buildQueue({
        programDir: dir,
        plan,
        task: plan.tasks[0],
        labels: store.labels({ task: 'kind' }),
        batch: undefined,
        person: 'me',
        migrationStates: store.stageStates({ run: migrationRun('Vehicles') }),
        imageUri: (p) => p,
    });

function session() {
    const posted: HostToAnnotate[] = [];
    const view = taskView(plan, plan.tasks[0], 'me');
    const s = new AnnotateSession({
        task: view,
        labeler: 'me',
        programVersion: plan.hash,
        writable: true,
        loadInit: async () => {
            const q = queue();
            return { type: 'init', program: '/v2.dprog', task: view, ...q, labeler: 'me', writable: true, notice: null };
        },
        addLabel: (label) => store.addLabel(label),
        post: (m) => posted.push(m),
        log: () => undefined,
    });
    return { s, posted };
}

describe("the labeling panel serves a program change's reviews and re-asks", () => {
    test('reviews first with the old label and their members, then the re-ask among the split members, then the rest', () => {
        const items = queue().items;
        expect(items.map((i) => [i.key, i.relabel ?? null, i.existing])).toEqual([
            ['b', { kind: 'review', was: 'car', among: ['car', 'tram'] }, { id: 'v1-b', value: 'car' }],
            ['c', { kind: 'review', was: 'bus', among: ['bus', 'tram'] }, { id: 'v1-c', value: 'bus' }],
            ['a', { kind: 'reask', was: 'truck', among: ['pickup', 'semi'] }, null],
            ['d', null, null],
        ]);
        expect(items[0].reason).toBe('a member was added: keep car or choose tram');
        expect(items[2].reason).toBe('asked again among pickup, semi (was truck)');
    });

    test('a review answer supersedes the old label (history kept) and leaves the queue; keeping the old label does too', async () => {
        const { s, posted } = session();
        await s.handle({ type: 'ready' });
        await s.handle({ type: 'submit', requestId: 1, item: 'b', value: 'tram', supersedes: 'v1-b' });
        await s.handle({ type: 'submit', requestId: 2, item: 'c', value: 'bus', supersedes: 'v1-c' });
        await s.idle();
        expect(posted.filter((m) => m.type === 'ack').map((m) => m.type === 'ack' && m.item)).toEqual(['b', 'c']);
        for (const [item, was, now] of [
            ['b', 'car', 'tram'],
            ['c', 'bus', 'bus'],
        ]) {
            const history = store.history('kind', item);
            expect(history.map((l) => [l.labeler, l.value])).toEqual([
                ['ann', was],
                ['me', now],
            ]);
            expect(history[0].supersededBy).toBe(history[1].id);
            expect(history[1].programVersion).toBe(plan.hash);
        }
        expect(queue().items.map((i) => i.key)).toEqual(['a', 'd']);
    });

    test('an answer outside the members the item is asked among is refused, and nothing is written', async () => {
        const { s, posted } = session();
        await s.handle({ type: 'ready' });
        const before = store.countLabels({ includeSuperseded: true });
        await s.handle({ type: 'submit', requestId: 1, item: 'a', value: 'car' });
        await s.handle({ type: 'submit', requestId: 2, item: 'b', value: 'bus', supersedes: 'v1-b' });
        await s.idle();
        expect(posted.filter((m) => m.type === 'rejected').map((m) => m.type === 'rejected' && [m.item, m.message])).toEqual([
            ['a', 'this item is asked only among pickup, semi'],
            ['b', 'this item is asked only among car, tram'],
        ]);
        expect(store.countLabels({ includeSuperseded: true })).toBe(before);
        await s.handle({ type: 'submit', requestId: 3, item: 'a', value: 'semi' });
        await s.idle();
        expect(store.labels({ task: 'kind', item: 'a' }).map((l) => l.value)).toEqual(['semi']);
    });

    test('applying the same migration again leaves the queue as it was', async () => {
        const before = queue();
        const v1 = await compile('v1.dprog', program(1, 'car, truck, bus'));
        const again = await applyMigration(new EmbeddedStore(store), diffPlans(v1, plan));
        expect(again.alreadyApplied).toBe(true);
        expect(queue()).toEqual(before);
    });
});
