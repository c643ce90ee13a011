/**
 * A single choice routed by the policy, run in this process on a real compiled program and a real
 * sql.js store: what each item's run stores — the rule's answer and the people's replayed answers as
 * labels (deterministic ids, so a rerun stores nothing twice), the aggregate, and a stage state that
 * says why the item is done or what it waits for (a person, nobody able to answer, a re-ask among
 * some members only).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPlan, type RunOptions } from '../../../engine/src/executor/executor.js';
import { automaticLabelId } from '../../../engine/src/executor/stage-item.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore } from '../../../engine/src/store/index.js';
import type { StageState } from '../../../engine/src/store/types.js';
import { encodePng } from '../../../engine/src/data/image.js';
import { compileFileFromDisk } from '../../language-server/compiler/compile-helpers.js';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const PROGRAM = `program Policy version 1
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Topic { billing, outage, other }
labeler crowd: human { pool 3, cost $0.01 per item, accuracy 70% }
rules off_route on tickets -> choice<Topic> {
    anything: body matches /./ => other
}
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|charged/i => billing
}
task topic(t: tickets) -> choice<Topic> {
    route cascade topic_rules, crowd
    quality { target 99%, at most 3 labels }
}
`;

async function workspace(): Promise<{ dir: string; plan: LabelingPlan }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-route-'));
    dirs.push(dir);
    copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    writeFileSync(path.join(dir, 'program.dprog'), PROGRAM);
    const { plan, errors } = await compileFileFromDisk(path.join(dir, 'program.dprog'));
    expect(errors).toEqual([]);
    return { dir, plan };
}

/** Runs the plan (with `before` applied to the store first) and reads back the topic stage's states. */
async function run(dir: string, plan: LabelingPlan, more: Partial<RunOptions> = {}, before?: (store: LabelStore) => Promise<void>) {
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    try {
        await before?.(store);
        const summary = await runPlan({ plan, programDir: dir, store: new EmbeddedStore(store), sessions: new SessionCache(), ...more });
        const states = new Map<string, StageState>(store.stageStates({ run: 'Policy/topic' }).map((s) => [s.item, s]));
        const labels = store.labels({ task: 'topic' });
        const aggregates = new Map(store.aggregates('topic').map((a) => [a.item, a]));
        const reasked = store.stageStates({ run: 'migration:Policy' });
        return { summary, states, labels, aggregates, reasked };
    } finally {
        await store.close();
    }
}

const replay = (answers: Record<string, Record<string, string>>, order: string[] = []): RunOptions['replay'] => ({
    answers: new Map(Object.entries(answers).map(([item, byPerson]) => [item, new Map(Object.entries(byPerson))])),
    order,
});

describe('a choice routed by the policy, in process', () => {
    test('live: the rule answers at once, then the item waits for the pool; an item nobody can answer says so', async () => {
        const { dir, plan } = await workspace();
        const { states, labels, aggregates, summary } = await run(dir, plan);
        const task = plan.tasks.find((t) => t.name === 'topic')!;
        const rule = labels.find((l) => l.item === 'T-1001')!;
        expect(rule).toMatchObject({
            id: automaticLabelId(task, 'T-1001', 'topic_rules'),
            labeler: 'topic_rules',
            labelerKind: 'rules',
            value: 'billing',
            programVersion: plan.hash,
        });
        expect(rule.score).toBeGreaterThan(0);
        expect(labels.map((l) => l.item).sort()).toEqual(['T-1001', 'T-1006']);
        expect(states.get('T-1001')).toMatchObject({
            status: 'waiting',
            detail: { contract: task.contractHash, waitingFor: 'crowd', value: 'billing', labeler: 'topic_rules' },
        });
        const score = (states.get('T-1001')!.detail as { score: number }).score;
        expect(score).toBeGreaterThan(0.5);
        expect(score).toBeLessThan(0.99);
        expect(aggregates.get('T-1001')).toMatchObject({ value: 'billing', answers: 1, method: 'dawid_skene' });
        // Nobody answered T-1004 yet: it waits for the pool with no answer to show.
        expect(states.get('T-1004')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'crowd' } });
        expect(states.get('T-1004')!.detail).not.toHaveProperty('value');
        expect(aggregates.has('T-1004')).toBe(false);
        expect(summary.routing.map((r) => r.task)).toEqual(['topic']);
        expect(summary.routing[0]).toMatchObject({ labelsUsed: 2, cost: 0 });
    });

    test('replaying: the people’s answers are stored under deterministic ids; an item nobody answers waits, saying why', async () => {
        const { dir, plan } = await workspace();
        const answers = replay({ 'T-1001': { ann: 'billing', bob: 'billing' }, 'T-1009': { ann: 'other', bob: 'outage' } });
        const first = await run(dir, plan, { replay: answers });
        const people = first.labels.filter((l) => l.labelerKind === 'human' && l.item === 'T-1001');
        expect(people.map((l) => [l.id, l.labeler, l.value, l.programVersion])).toEqual([
            ['topic/T-1001/replay/ann', 'ann', 'billing', plan.hash],
            ['topic/T-1001/replay/bob', 'bob', 'billing', plan.hash],
        ]);
        expect(first.states.get('T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing', labeler: 'topic_rules+crowd' } });
        expect(first.states.get('T-1001')!.detail).not.toHaveProperty('reason');
        expect(first.aggregates.get('T-1001')).toMatchObject({ value: 'billing', answers: 3 });
        // The two people recorded disagree and nobody is left: done, below the target.
        expect(first.states.get('T-1009')).toMatchObject({
            status: 'done',
            detail: { reason: 'below the quality target; nobody left to ask' },
        });
        // Nobody recorded an answer for T-1004 and no rule fires.
        expect(first.states.get('T-1004')).toMatchObject({ status: 'waiting', detail: { reason: 'nobody on the route could answer' } });
        expect(first.summary.routing[0].byLabeler).toMatchObject({ crowd: { answers: 4 } });

        const again = await run(dir, plan, { replay: answers });
        expect(again.labels.length).toBe(first.labels.length);
    });

    test('a final item is decided again when a person answers it after the run; the others keep their state', async () => {
        const { dir, plan } = await workspace();
        const answers = replay({ 'T-1001': { ann: 'billing', bob: 'billing' }, 'T-1006': { ann: 'billing', bob: 'billing' } });
        const first = await run(dir, plan, { replay: answers });
        expect(first.aggregates.get('T-1001')?.answers).toBe(3);
        const later = { task: 'topic', item: 'T-1001', labeler: 'crowd', labelerKind: 'human' as const, value: 'outage' };
        const second = await run(dir, plan, {}, async (store) => {
            await store.addLabels([{ ...later, createdAt: new Date(Date.now() + 60_000).toISOString() }]);
        });
        expect(second.aggregates.get('T-1001')?.answers).toBe(4);
        const { status, detail } = first.states.get('T-1006')!;
        expect(second.states.get('T-1006')).toMatchObject({ status, detail });
        expect(second.aggregates.get('T-1006')?.answers).toBe(3);
    });

    test('a re-asked item is asked among its members only, and its entry is closed once decided', async () => {
        const { dir, plan } = await workspace();
        const reask = (item: string): StageState => ({
            run: 'migration:Policy',
            stage: 'topic@1',
            item,
            status: 'reask',
            detail: { among: ['billing', 'other'], was: 'money', label: `old-${item}` },
        });
        const answers = replay({ 'T-1004': { ann: 'other', bob: 'other', cy: 'other' } });
        const { states, reasked } = await run(dir, plan, { replay: answers }, (store) =>
            store.setStageStates([reask('T-1004'), reask('T-1007')]),
        );
        expect(states.get('T-1004')).toMatchObject({ status: 'done', detail: { among: ['billing', 'other'], value: 'other' } });
        expect(states.get('T-1007')).toMatchObject({ status: 'waiting', detail: { among: ['billing', 'other'] } });
        expect(states.get('T-1002')!.detail).not.toHaveProperty('among');
        const closed = new Map(reasked.map((s) => [s.item, s]));
        expect(closed.get('T-1004')).toMatchObject({ status: 'reasked', detail: { value: 'other' } });
        expect(closed.get('T-1007')?.status).toBe('reask');
    });

    test('a re-asked item still waiting for people keeps its entry open, even with an answer so far', async () => {
        const { dir, plan } = await workspace();
        const entry: StageState = {
            run: 'migration:Policy',
            stage: 'topic@1',
            item: 'T-1007',
            status: 'reask',
            detail: { among: ['billing', 'other'], was: 'money', label: 'old-T-1007' },
        };
        const answer = { task: 'topic', item: 'T-1007', labeler: 'crowd', labelerKind: 'human' as const, value: 'other' };
        const { states, reasked, aggregates } = await run(dir, plan, {}, async (store) => {
            await store.setStageStates([entry]);
            await store.addLabels([answer]);
        });
        expect(states.get('T-1007')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'crowd', value: 'other' } });
        // The stored aggregate says what the stage says: the pool's single answer is not explained away.
        expect(aggregates.get('T-1007')).toMatchObject({ value: 'other', answers: 1 });
        expect(reasked.map((s) => s.status)).toEqual(['reask']);
    });

    test('a stage item whose input cannot be made (a crop of an unreadable image) fails and is not routed', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'policy-crop-'));
        dirs.push(dir);
        mkdirSync(path.join(dir, 'pages'));
        writeFileSync(path.join(dir, 'pages/a.png'), encodePng({ width: 20, height: 20, data: new Uint8Array(20 * 20 * 3).fill(200) }));
        writeFileSync(path.join(dir, 'pages/b.png'), 'not a PNG');
        writeFileSync(
            path.join(dir, 'crops.dprog'),
            `program Crops version 1
dataset pages from images "pages/*.png"
labels Region { line }
labels Ink { printed, handwritten }
labeler crowd: human { pool 3, cost $0.01 per item, accuracy 70% }
task regions(d: pages) -> list<box<Region>> { route best crowd }
task ink(line: Image) -> choice<Ink> { route cascade crowd }
flow doc(d: pages) {
    for r in regions(d) {
        ink(crop(d.image, r))
    }
}
`,
        );
        const { plan, errors } = await compileFileFromDisk(path.join(dir, 'crops.dprog'));
        expect(errors).toEqual([]);
        const box = [{ x: 2, y: 2, width: 8, height: 6, label: 'line' }];
        const boxes = (item: string) => ({ task: 'regions', item, labeler: 'crowd', labelerKind: 'human' as const, value: box });
        const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
        try {
            await store.addLabels([boxes('pages/a.png'), boxes('pages/b.png')]);
            const derivedDir = path.join(dir, 'derived'); // the crops people review are made now
            const summary = await runPlan({
                plan,
                programDir: dir,
                store: new EmbeddedStore(store),
                sessions: new SessionCache(),
                derivedDir,
            });
            const states = new Map(store.stageStates({ run: 'Crops/doc' }).map((s) => [`${s.stage} ${s.item}`, s]));
            const ink = plan.flows[0].stages.find((s) => s.task === 'ink')!.id;
            expect(states.get(`${ink} pages/a.png#0`)).toMatchObject({ status: 'waiting', detail: { waitingFor: 'crowd' } });
            expect(states.get(`${ink} pages/b.png#0`)).toMatchObject({ status: 'failed' });
            expect(summary.failures.map((f) => f.item)).toEqual(['pages/b.png#0']);
        } finally {
            await store.close();
        }
    });
});
