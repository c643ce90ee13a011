/**
 * The executor's run as a whole, in this process: which flows run (the program's top-level flows and
 * one per task over a dataset that no flow calls), the order items arrive in (key order, the first
 * N with a limit, the recorded items first when replaying), progress, the summary a user reads
 * (per stage: done, waiting for people, skipped, failed; labels by labeler), and plans it cannot follow.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { flowsToRun, runName, runPlan, type RunOptions } from '../../../engine/src/executor/executor.js';
import { readFlowItems } from '../../../engine/src/executor/flow-items.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore, type Store } from '../../../engine/src/store/index.js';
import { compileFileFromDisk } from '../../language-server/compiler/compile-helpers.js';

const root = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'run-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROGRAM = `program Summary version 1
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Topic { billing, outage, other }
labeler agent: human { cost $0.05 per item, accuracy 95% }
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|invoice|charged/i => billing
    down: body matches /\\bdown\\b|outage/i => outage
}
task topic(t: tickets) -> choice<Topic> { route cascade topic_rules, agent  quality { target 65% } }
task escalate(t: tickets) -> text { route best agent }
task headline(s: String) -> text { route best agent }
task review(t: tickets) -> text { route best agent }
flow urgent(u: tickets) {
    if topic(u) == outage { escalate(u) }
}
flow triage(t: tickets) {
    urgent(t)
}
`;

let plan: LabelingPlan;
beforeAll(async () => {
    copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    writeFileSync(path.join(dir, 'summary.dprog'), PROGRAM);
    const compiled = await compileFileFromDisk(path.join(dir, 'summary.dprog'));
    expect(compiled.errors).toEqual([]);
    plan = compiled.plan;
});

/** Runs on a fresh store; `order` collects the items of each stage-state write, in the order written. */
async function run(name: string, options: Partial<RunOptions> = {}) {
    const store = await LabelStore.open(path.join(dir, `${name}.sqlite`));
    const order: string[] = [];
    const logged = new Proxy(new EmbeddedStore(store), {
        get(target, property, receiver) {
            const value = Reflect.get(target, property, receiver);
            if (property === 'setStageStates') {
                return async (states: Parameters<Store['setStageStates']>[0]) => {
                    order.push(...states.map((s) => s.item));
                    return value.call(target, states);
                };
            }
            return typeof value === 'function' ? value.bind(target) : value;
        },
    });
    try {
        const summary = await runPlan({
            plan: options.plan ?? plan,
            programDir: dir,
            store: logged,
            sessions: new SessionCache(),
            ...options,
        });
        return { summary, order };
    } finally {
        await store.close();
    }
}

describe('which flows run', () => {
    test('the top-level flows, and one per task over a dataset that no flow calls; not a called flow on its own', () => {
        const flows = flowsToRun(plan);
        expect(flows.map((f) => f.name)).toEqual(['triage', 'review']);
        expect(flows[1].stages).toEqual([
            {
                id: '1:review',
                task: 'review',
                binds: null,
                dependsOn: [],
                conditions: [],
                inputs: [{ parameter: 't', expression: 't', tree: { kind: 'item' }, derivation: 'item' }],
                forEach: null,
                via: [],
            },
        ]);
        expect(runName(plan, flows[0])).toBe('Summary/triage');
    });

    test.each([
        ['reversed', [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
        ['shuffled', [3, 0, 7, 1, 9, 5, 2, 8, 4, 6]],
    ])("a flow's items are the dataset's rows in key order, whatever the file's order (%s)", (_, order) => {
        const shuffled = mkdtempSync(path.join(tmpdir(), 'run-summary-order-'));
        const rows = readFileSync(path.join(dir, 'tickets.jsonl'), 'utf8').trim().split('\n');
        writeFileSync(path.join(shuffled, 'tickets.jsonl'), `${order.map((i) => rows[i]).join('\n')}\n`);
        const items = readFlowItems(plan.datasets[0], shuffled);
        rmSync(shuffled, { recursive: true, force: true });
        expect(items.map((i) => i.key)).toEqual(Array.from({ length: 10 }, (_, i) => `T-${1001 + i}`));
        expect(items[0]).toMatchObject({ dataset: 'tickets', key: 'T-1001', split: null, fields: { subject: 'Charged twice' } });
    });
});

describe('a run', () => {
    test('says per stage how many items are done, wait for people or are skipped, and counts the labels by labeler', async () => {
        const progress: string[] = [];
        const { summary } = await run('summary', { onProgress: (p) => progress.push(`${p.flow} ${p.done}/${p.total}`) });
        expect(summary.failures).toEqual([]);
        // The rules answer six tickets (four billing, two outage); the items they settle go on, the rest wait for the agent.
        const [topic, escalate, review] = summary.stages;
        expect([topic.flow, topic.task, escalate.task, review.flow, review.stage]).toEqual([
            'triage',
            'topic',
            'escalate',
            'review',
            '1:review',
        ]);
        expect(topic.done + topic.waitingForPeople).toBe(10);
        expect(topic.done).toBeGreaterThanOrEqual(4);
        expect([topic.pending, topic.skipped, topic.failed]).toEqual([0, 0, 0]);
        // Outage tickets wait for the agent's escalation, the other settled ones skip it, and the rest wait on their topic.
        expect(escalate).toMatchObject({ done: 0, waitingForPeople: 2, pending: topic.waitingForPeople, failed: 0 });
        expect(escalate.skipped).toBe(topic.done - 2);
        expect(review).toMatchObject({ done: 0, pending: 0, waitingForPeople: 10, failed: 0, skipped: 0 });
        expect(summary.labels).toEqual({ topic_rules: 6 });
        expect(summary.routing.map((r) => [r.task, r.labelsUsed])).toEqual([['topic', 6]]);
        expect(progress.slice(0, 2)).toEqual(['triage 0/10', 'triage 1/10']);
        expect(progress).toContain('triage 10/10');
        expect(progress.at(-1)).toBe('review 10/10');
        expect(progress).toHaveLength(22);
    });

    test('takes the first N items in key order with a limit', async () => {
        const { summary, order } = await run('limit', { limit: 3 });
        expect(summary.stages[0].done + summary.stages[0].waitingForPeople).toBe(3);
        expect(summary.stages[2]).toMatchObject({ waitingForPeople: 3 });
        expect([...new Set(order)]).toEqual(['T-1001', 'T-1002', 'T-1003']);
    });

    test('replaying, the recorded items come first in the replay’s order, then the others in key order', async () => {
        const replay = { answers: new Map([['T-1004', new Map([['agent', 'other']])]]), order: ['T-1009', 'T-1004', 'T-9999'] };
        const { order, summary } = await run('replay', { replay });
        expect([...new Set(order)].slice(0, 4)).toEqual(['T-1009', 'T-1004', 'T-1001', 'T-1002']);
        expect(summary.labels).toMatchObject({ agent: 1 });
    });
});

describe('a plan the executor cannot follow', () => {
    test('a flow over a dataset the plan lacks, or a stage naming a task the plan lacks, is an error that names it', async () => {
        const noDataset = { ...plan, datasets: [] };
        await expect(run('no-dataset', { plan: noDataset })).rejects.toThrow(
            "plan: flow 'triage' reads dataset 'tickets', which the plan does not have",
        );
        const noTask = { ...plan, tasks: plan.tasks.filter((t) => t.name !== 'escalate') };
        await expect(run('no-task', { plan: noTask })).rejects.toThrow("plan: stage task 'escalate' is not among the plan's tasks");
    });

    test('a stage reading a stage its flow lacks fails each item there, naming both stages', async () => {
        const [triage] = plan.flows.filter((f) => f.name === 'triage');
        const escalateOnly = { ...triage, stages: triage.stages.filter((s) => s.task === 'escalate') };
        const broken = { ...plan, flows: [escalateOnly, ...plan.flows.filter((f) => f !== triage)] };
        const { summary } = await run('missing-stage', { plan: broken });
        const [stage] = escalateOnly.stages;
        expect(summary.failures).toHaveLength(10);
        expect(summary.failures[0]).toEqual({
            flow: 'triage',
            stage: stage.id,
            item: 'T-1001',
            message: expect.stringContaining(
                `flow triage: stage '${stage.id}' reads stage '${stage.dependsOn[0]}', which the flow does not have`,
            ),
        });
    });
});
