/**
 * The executor in-process, through its public entry point (runPlan) on the tickets sample: every
 * write it makes is durable in the right order — a stage state that says `done` is written only
 * after the labels and aggregate it stands for — and a second run redoes nothing.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgramFile } from '../../../cli/src/compiled-program.js';
import { runPlan } from '../../../engine/src/executor/executor.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { openStore, type Store } from '../../../engine/src/store/index.js';
import type { StageState } from '../../../engine/src/store/types.js';

const sample = path.resolve(__dirname, '../../../samples/tickets');
let dir: string;
let plan: LabelingPlan;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-write-order-'));
    for (const file of ['tickets.dprog', 'tickets.jsonl']) {
        copyFileSync(path.join(sample, file), path.join(dir, file));
    }
    const compiled = await compileProgramFile(path.join(dir, 'tickets.dprog'));
    plan = compiled.plan!;
    expect(plan).toBeDefined();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The store's writes as they happen, and for each `done` state what the store held at that moment. */
function watchWrites(store: Store, taskOfStage: Map<string, string>) {
    const writes: string[] = [];
    const doneWithout: string[] = [];
    let doneChecked = 0;
    const addLabels = store.addLabels.bind(store);
    const setAggregates = store.setAggregates.bind(store);
    const setStageStates = store.setStageStates.bind(store);
    store.addLabels = async (labels) => {
        writes.push('labels');
        return addLabels(labels);
    };
    store.setAggregates = async (aggregates) => {
        writes.push('aggregates');
        return setAggregates(aggregates);
    };
    store.setStageStates = async (states: readonly StageState[]) => {
        writes.push('states');
        for (const state of states.filter((s) => s.status === 'done')) {
            const task = taskOfStage.get(state.stage)!;
            const chosen = plan.tasks.find((t) => t.name === task)!.output.kind === 'choice';
            if ((await store.countLabels({ task, item: state.item })) === 0 || (chosen && !(await store.getAggregate(task, state.item)))) {
                doneWithout.push(`${state.stage} ${state.item}`);
            }
            doneChecked++;
        }
        return setStageStates(states);
    };
    return { writes, doneWithout, doneChecked: () => doneChecked };
}

describe('runPlan (in-process) on the tickets sample', () => {
    it('writes labels and aggregates before the stage states that say done, and a rerun redoes nothing', async () => {
        const flow = plan.flows.find((f) => f.name === 'triage')!;
        // Only the top-level stages: their items are the tickets themselves.
        const taskOfStage = new Map(flow.stages.filter((s) => s.task === 'topic' || s.task === 'urgency').map((s) => [s.id, s.task]));
        const store = await openStore(path.join(dir, 'labels.sqlite'));
        const sessions = new SessionCache();
        try {
            const watch = watchWrites(store, taskOfStage);
            const summary = await runPlan({ plan, programDir: dir, store, sessions });
            expect(watch.doneChecked()).toBeGreaterThan(0);
            expect(watch.doneWithout).toEqual([]);
            expect(watch.writes.indexOf('labels')).toBeLessThan(watch.writes.indexOf('states'));
            expect(watch.writes.indexOf('aggregates')).toBeLessThan(watch.writes.indexOf('states'));
            const topic = summary.stages.find((s) => s.task === 'topic')!;
            expect(topic.done + topic.waitingForPeople).toBe(10);
            expect(topic.done).toBeGreaterThan(0);
            expect(summary.labels.topic_rules).toBeGreaterThan(0);
            expect(summary.failures).toEqual([]);
            const labelsBefore = await store.countLabels({ task: 'topic' });
            const again = await runPlan({ plan, programDir: dir, store, sessions });
            expect(await store.countLabels({ task: 'topic' })).toBe(labelsBefore);
            expect(again.stages).toEqual(summary.stages);
        } finally {
            await sessions.releaseAll();
            await store.close();
        }
    });
});
