/**
 * `dprog run` on the tickets sample (rules, people, `if`/`else` on labels, `for … where` over
 * people's spans): stages open as the labels they read become final, people's answers move items
 * on at the next run, and a changed program redoes only what its migration says.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LabelStore } from '../../../engine/src/store/index.js';
import type { NewLabel, StageState } from '../../../engine/src/store/types.js';
import type { RunJson } from '../../../cli/src/json-contracts.js';

const root = path.resolve(__dirname, '../../..');
const sample = path.join(root, 'samples/tickets');
let dir: string;
let store: string;

function run(): RunJson {
    const result = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), 'run', 'tickets.dprog', '--store', store, '--json'], {
        cwd: dir,
        encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as RunJson;
}

async function withStore<T>(use: (s: LabelStore) => Promise<T> | T): Promise<T> {
    const s = await LabelStore.open(store);
    try {
        return await use(s);
    } finally {
        await s.close();
    }
}

async function states(stage: string): Promise<Map<string, StageState>> {
    return withStore((s) => new Map(s.stageStates({ run: 'Tickets/triage', stage }).map((st) => [st.item, st])));
}

const body = (id: string) =>
    (
        readFileSync(path.join(sample, 'tickets.jsonl'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { id: string; body: string })
            .find((t) => t.id === id) as { body: string }
    ).body;

function span(id: string, phrase: string, label: string) {
    const start = body(id).indexOf(phrase);
    expect(start).toBeGreaterThanOrEqual(0);
    return { start, end: start + phrase.length, label };
}

const human = (task: string, item: string, value: NewLabel['value']): NewLabel => ({
    task,
    item,
    labeler: 'agent',
    labelerKind: 'human',
    value,
});

beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tickets-'));
    copyFileSync(path.join(sample, 'tickets.dprog'), path.join(dir, 'tickets.dprog'));
    copyFileSync(path.join(sample, 'tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    store = path.join(dir, 'labels.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tickets: if/else on rule labels, for … where over spans', () => {
    test('rules settle what they can; the branch each ticket takes follows its topic; people get the rest', async () => {
        const first = run();
        const topic = await states('1:topic');
        expect(topic.get('T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing', labeler: 'topic_rules' } });
        expect(topic.get('T-1002')).toMatchObject({ status: 'done', detail: { value: 'outage' } });
        // Nothing in "Feature idea" matches a rule: the agent is asked.
        expect(topic.get('T-1004')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent' } });
        const mentions = await states('2:mentions');
        expect(mentions.get('T-1001')?.status).toBe('waiting'); // billing: people mark its mentions
        expect(mentions.get('T-1002')?.status).toBe('skipped'); // outage: the else branch
        expect(mentions.get('T-1004')?.status).toBe('pending'); // its topic is not final
        const urgency = await states('4:urgency');
        expect(urgency.get('T-1005')).toMatchObject({ status: 'done', detail: { value: 'urgent' } });
        expect(urgency.get('T-1001')?.status).toBe('skipped');
        const incident = await states('5:incident');
        expect(incident.get('T-1005')?.status).toBe('waiting');
        expect(first.labels.topic_rules).toBeGreaterThan(0);
        expect(first.labels.agent).toBeUndefined();
        // Final answers are the task's aggregates; the people's queue lists what waits, least certain first.
        await withStore((s) => expect(s.getAggregate('topic', 'T-1001')).toMatchObject({ value: 'billing', method: 'dawid_skene' }));
        const queue = first.queue;
        expect(queue.find((q) => q.task === 'topic' && q.item === 'T-1004')).toMatchObject({ waitingFor: 'agent', score: null });
        expect(queue.filter((q) => q.task === 'mentions').map((q) => q.item)).toEqual(
            [...mentions]
                .filter(([, s]) => s.status === 'waiting')
                .map(([k]) => k)
                .sort(),
        );
    });

    test('--limit N runs only the first N items', () => {
        const result = spawnSync(
            process.execPath,
            [
                path.join(root, 'bin/dprog.cjs'),
                'run',
                'tickets.dprog',
                '--store',
                path.join(dir, 'limited.sqlite'),
                '--limit',
                '3',
                '--json',
            ],
            { cwd: dir, encoding: 'utf8' },
        );
        expect(result.status).toBe(0);
        const topic = (JSON.parse(result.stdout) as RunJson).stages.find((s) => s.task === 'topic')!;
        expect(topic.done + topic.waitingForPeople + topic.pending).toBe(3);
        const bad = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), 'run', 'tickets.dprog', '--limit', 'two', '--json'], {
            cwd: dir,
            encoding: 'utf8',
        });
        expect(bad.status).toBe(2);
        expect(JSON.parse(bad.stdout).error.message).toMatch(/--limit must be a positive integer, got 'two'/);
    });

    test("people's answers move items on: spans feed the loop, `where` keeps products, `.text` is the highlighted text", async () => {
        await withStore((s) =>
            s.addLabels([
                human('mentions', 'T-1001', [span('T-1001', 'Pro Plan', 'product')]),
                human('mentions', 'T-1003', [span('T-1003', 'Maria Lopez', 'person'), span('T-1003', 'Team Plan', 'product')]),
                human('topic', 'T-1004', 'other'),
            ]),
        );
        const second = run();
        const lines = await states('3:product_line');
        expect(lines.get('T-1001#0')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent', shown: { name: 'Pro Plan' } } });
        expect(lines.get('T-1003#0')?.status).toBe('skipped'); // a person, filtered out by `where`
        expect(lines.get('T-1003#1')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'Team Plan' } } });
        expect(lines.get('T-1002')?.status).toBe('skipped'); // not billing: the loop never opens
        const topic = await states('1:topic');
        expect(topic.get('T-1004')).toMatchObject({ status: 'done', detail: { value: 'other', labeler: 'agent' } });
        const urgency = await states('4:urgency');
        expect(urgency.get('T-1004')).toMatchObject({ status: 'done', detail: { value: 'normal' } });
        expect(second.stages.find((s) => s.task === 'product_line')).toMatchObject({ waitingForPeople: 2, skipped: expect.any(Number) });

        // Running again changes nothing and adds no label (the refit estimates may move confidences a little).
        const third = run();
        const labelsOf = (r: RunJson) => r.routing!.map((t) => [t.task, t.labels.map((l) => [l.item, l.label])]);
        expect({ ...third, routing: labelsOf(third) }).toEqual({ ...second, routing: labelsOf(second) });
    });

    test('a renamed member is carried over without relabeling; an incompatible change redoes that task only', async () => {
        const before = run();
        const file = path.join(dir, 'tickets.dprog');
        const renamed = readFileSync(file, 'utf8')
            .replace('program Tickets version 1', 'program Tickets version 2')
            .replace('billing "Payments, invoices, refunds"', 'payments from billing "Payments, invoices, refunds"')
            .replace('=> billing', '=> payments')
            .replace('topic(t) == billing', 'topic(t) == payments');
        writeFileSync(file, renamed);
        const after = run();
        expect(after.labels).toEqual(before.labels);
        expect((await states('1:topic')).get('T-1001')).toMatchObject({ status: 'done', detail: { value: 'payments' } });
        await withStore((s) => expect(s.getAggregate('topic', 'T-1001')?.value).toBe('payments'));
        expect((await states('3:product_line')).get('T-1001#0')?.status).toBe('waiting');

        // Urgency's labels mean something else now: the urgency rules answer again, topic's do not.
        writeFileSync(
            file,
            renamed
                .replace('program Tickets version 2', 'program Tickets version 3')
                .replace('labels Urgency { urgent, normal }', 'labels Urgency { now, later }')
                .replaceAll('=> urgent', '=> now')
                .replace('=> normal', '=> later')
                .replace('urgency(t) == urgent', 'urgency(t) == now'),
        );
        const third = run();
        expect(third.labels.topic_rules).toBe(before.labels.topic_rules);
        expect(third.labels.urgency_rules).toBe(2 * before.labels.urgency_rules);
        expect((await states('4:urgency')).get('T-1005')).toMatchObject({ status: 'done', detail: { value: 'now' } });
    });
});
