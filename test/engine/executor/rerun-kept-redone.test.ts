/**
 * `dprog run` again, in this process, after the program or the answers changed: what an earlier run
 * decided is kept while its task's contract and input hold (a changed rule does not relabel a final
 * item), a final item a person answers afterwards is decided again, a migration carries final answers
 * over to a renamed member, a removed member's items are labeled again, and an item whose answers the
 * flow cannot read fails alone, with a message that says what to correct.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runProgram } from '../../../cli/src/actions/run.js';
import { runPlan } from '../../../engine/src/executor/executor.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { EmbeddedStore, LabelStore } from '../../../engine/src/store/index.js';
import type { Aggregate, NewLabel, StageState } from '../../../engine/src/store/types.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { compileFileFromDisk } from '../../language-server/compiler/compile-helpers.js';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Version {
    version: number;
    labels: string;
    /** The rules' `refund` line's answer. */
    refund: string;
}

const program = ({ version, labels, refund }: Version) => `program Rerun version ${version}
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Topic { ${labels} }
labeler agent: human { cost $0.05 per item, accuracy 95% }
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|charged/i => ${refund}
    down: body matches /\\bdown\\b|outage/i => outage
}
task topic(t: tickets) -> choice<Topic> { route cascade topic_rules, agent  quality { target 65% } }
task escalate(t: tickets) -> text { route best agent }
flow triage(t: tickets) {
    if topic(t) == outage { escalate(t) }
}
`;

const V1: Version = { version: 1, labels: 'billing, outage, other', refund: 'billing' };

/** A folder with the tickets sample; its program file is written by `run`. */
function workspace(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'rerun-'));
    dirs.push(dir);
    copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    return dir;
}

interface Stored {
    /** Stage states by `task item`. */
    states: Map<string, StageState>;
    aggregates: Map<string, Aggregate>;
    /** Current labels of `topic` by item. */
    labels: Map<string, Array<{ labeler: string; value: unknown }>>;
}

async function read(dir: string): Promise<Stored> {
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'), { readonly: true });
    try {
        const states = new Map(store.stageStates({ run: 'Rerun/triage' }).map((s) => [`${s.stage.split(':')[1]} ${s.item}`, s]));
        const aggregates = new Map(store.aggregates('topic').map((a) => [a.item, a]));
        const labels = new Map<string, Array<{ labeler: string; value: unknown }>>();
        for (const l of store.labels({ task: 'topic' })) {
            labels.set(l.item, [...(labels.get(l.item) ?? []), { labeler: l.labeler, value: l.value }]);
        }
        return { states, aggregates, labels };
    } finally {
        await store.close();
    }
}

/** Stores people's answers, writes the program's version and runs it as `dprog run` does; what the store then holds. */
async function run(dir: string, version: Version, answers: NewLabel[] = []) {
    if (answers.length > 0) {
        const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
        await store.addLabels(answers);
        await store.close();
    }
    writeFileSync(path.join(dir, 'rerun.dprog'), program(version));
    const { summary, migration, plan } = await runProgram(path.join(dir, 'rerun.dprog'), { store: path.join(dir, 'labels.sqlite') });
    return { summary, migration, plan, ...(await read(dir)) };
}

const agent = (item: string, value: string, createdAt?: string): NewLabel => ({
    task: 'topic',
    item,
    labeler: 'agent',
    labelerKind: 'human',
    value,
    createdAt,
});

/** An ISO time `ms` milliseconds after `time`. */
const after = (time: string, ms: number) => new Date(Date.parse(time) + ms).toISOString();

describe('a second run of a program', () => {
    test('a change that leaves the contract alone (a rule’s answer) keeps the final answers; open items take the new rule', async () => {
        const dir = workspace();
        const first = await run(dir, V1);
        expect(first.states.get('topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing', labeler: 'topic_rules' } });
        expect(first.states.get('escalate T-1001')?.status).toBe('skipped');
        expect(first.states.get('topic T-1004')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent' } });

        const second = await run(dir, { ...V1, version: 2, refund: 'other' }, [agent('T-1004', 'other')]);
        expect(second.migration?.tasks.find((t) => t.task === 'topic')).toMatchObject({ action: 'keep' });
        // Final: kept as the first run decided it, not relabeled by the changed rule.
        expect(second.states.get('topic T-1001')?.detail).toEqual(first.states.get('topic T-1001')?.detail);
        expect(second.aggregates.get('T-1001')?.value).toBe('billing');
        expect(second.states.get('escalate T-1001')?.status).toBe('skipped');
        // Waiting: decided now, with the agent's answer.
        expect(second.states.get('topic T-1004')).toMatchObject({ status: 'done', detail: { value: 'other', labeler: 'agent' } });
        expect(second.summary.stages[0]).toMatchObject({ done: first.summary.stages[0].done + 1 });
    });

    test('a final item is decided again when a person answered it since, whatever the answer’s time', async () => {
        const dir = workspace();
        const first = await run(dir, V1);
        expect(first.states.get('topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing', people: 0 } });
        // Nobody answered: the next run keeps the item as the rule decided it.
        const again = await run(dir, V1);
        expect(again.states.get('topic T-1001')?.detail).toEqual(first.states.get('topic T-1001')?.detail);
        // An answer stamped at the very moment the item became final (saved while that run decided it) is
        // not newer than the state, but the decision did not have it: decided again, state and final answer alike.
        const finalAt = first.states.get('topic T-1001')!.updatedAt!;
        const second = await run(dir, V1, [agent('T-1001', 'outage', finalAt)]);
        const decided = second.aggregates.get('T-1001')!;
        expect(decided.answers).toBe(2);
        expect(second.states.get('topic T-1001')).toMatchObject({
            status: 'done',
            detail: { value: decided.value, labeler: 'topic_rules+agent', people: 1 },
        });

        // One a millisecond later is: the item is decided again from all its answers.
        const keptAt = second.states.get('topic T-1001')!.updatedAt!;
        const later = [agent('T-1001', 'outage', after(keptAt, 1)), agent('T-1001', 'outage', after(keptAt, 2))];
        const third = await run(dir, V1, later);
        expect(third.aggregates.get('T-1001')).toMatchObject({ value: 'outage', answers: 4 });
        expect(third.states.get('topic T-1001')).toMatchObject({
            status: 'done',
            detail: { value: 'outage', labeler: 'topic_rules+agent' },
        });
        // The later stage follows the new answer.
        expect(third.states.get('escalate T-1001')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent' } });
    });
});

describe('a second run after the label set changed', () => {
    test('a renamed member (`payments from billing`): final answers carried over to the new name, not labeled again', async () => {
        const dir = workspace();
        const first = await run(dir, V1);
        // Version 2 renames billing; its refund rule would now say `other`, so an item labeled again would show it.
        const second = await run(dir, { version: 2, labels: 'payments from billing, outage, other', refund: 'other' });
        expect(second.migration?.tasks.find((t) => t.task === 'topic')).toMatchObject({ action: 'migrate' });
        expect(second.states.get('topic T-1001')).toMatchObject({
            status: 'done',
            detail: {
                ...(first.states.get('topic T-1001')!.detail as object),
                value: 'payments',
                contract: second.plan.tasks.find((t) => t.name === 'topic')!.contractHash,
            },
        });
        expect(second.aggregates.get('T-1001')).toMatchObject({ value: 'payments', answers: 1 });
        // Outage kept its name: its item and the stage after it stay as they were.
        expect(second.states.get('topic T-1002')).toMatchObject({ status: 'done', detail: { value: 'outage' } });
        expect(second.states.get('escalate T-1002')).toMatchObject({ status: 'waiting' });
    });

    test('a removed member: its items are labeled again by the new program', async () => {
        const dir = workspace();
        await run(dir, V1);
        const second = await run(dir, { version: 2, labels: 'outage, other', refund: 'other' });
        expect(second.states.get('topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'other', labeler: 'topic_rules' } });
        expect(second.aggregates.get('T-1001')?.value).toBe('other');
        expect(second.states.get('topic T-1002')).toMatchObject({ status: 'done', detail: { value: 'outage' } });
    });
});

describe('the run given a migration, before the store’s labels are rewritten', () => {
    const flagging = (version: number, member: string) => `program Flags version ${version}
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Flag { ${member} }
rules flag_rules on tickets -> choice<Flag> {
    urgent: body matches /urgent/i => ${member.split(' ')[0]}
}
task flag(t: tickets) -> choice<Flag> { route cascade flag_rules  quality { target 50% } }
`;

    async function compiled(dir: string, text: string) {
        writeFileSync(path.join(dir, 'flags.dprog'), text);
        const { plan, errors } = await compileFileFromDisk(path.join(dir, 'flags.dprog'));
        expect(errors).toEqual([]);
        return plan;
    }

    test('a final answer carried over to a renamed member takes the new name, in its state and as the final answer', async () => {
        const dir = workspace();
        const v1 = await compiled(dir, flagging(1, 'urgent'));
        const v2 = await compiled(dir, flagging(2, 'critical from urgent'));
        const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
        try {
            const runWith = (plan: typeof v1, migration?: ReturnType<typeof diffPlans>) =>
                runPlan({ plan, programDir: dir, store: new EmbeddedStore(store), sessions: new SessionCache(), migration });
            await runWith(v1);
            const before = store.getAggregate('flag', 'T-1005')!;
            expect(before).toMatchObject({ value: 'urgent', answers: 1 });
            await runWith(v2, diffPlans(v1, v2));
            const state = store.stageStates({ run: 'Flags/flag' }).find((s) => s.item === 'T-1005');
            expect(state).toMatchObject({ status: 'done', detail: { value: 'critical', contract: v2.tasks[0].contractHash } });
            const { updatedAt, ...carried } = before;
            expect(store.getAggregate('flag', 'T-1005')).toMatchObject({ ...carried, value: 'critical' });
        } finally {
            await store.close();
        }
    });
});
