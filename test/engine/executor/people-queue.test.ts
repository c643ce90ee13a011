/**
 * The work waiting for people after a run, read from the stage states a real store keeps: per flow
 * and stage, the least sure items first (no answer at all before any score), then by key; a task
 * item two flows reach is one piece of work; states not waiting for a person are not work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { peopleQueue } from '../../../engine/src/executor/people-queue.js';
import type { LabelingPlan, PlanFlow } from '../../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore } from '../../../engine/src/store/index.js';
import type { JsonValue, StageState } from '../../../engine/src/store/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'people-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const triage = {
    name: 'triage',
    stages: [
        { id: '1:topic', task: 'topic' },
        { id: '2:summary', task: 'summary' },
    ],
} as unknown as PlanFlow;
const again = { name: 'again', stages: [{ id: '1:topic', task: 'topic' }] } as unknown as PlanFlow;
const plan = { program: 'Queue', flows: [triage, again] } as unknown as LabelingPlan;

const state = (run: string, stage: string, item: string, detail: JsonValue, status: StageState['status'] = 'waiting'): StageState => ({
    run,
    stage,
    item,
    status,
    detail,
});

test('lists waiting work least sure first, then by key, once per task item, with what the person is shown', async () => {
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    try {
        await store.setStageStates([
            state('Queue/triage', '1:topic', 'c', { waitingFor: 'crowd', value: 'billing', score: 0.8 }),
            state('Queue/triage', '1:topic', 'b', { waitingFor: 'crowd', value: 'outage', score: 0.4 }),
            state('Queue/triage', '1:topic', 'z', { waitingFor: 'crowd' }),
            state('Queue/triage', '1:topic', 'a', { waitingFor: 'lead', score: 0.4, derived: 'crops/a.png', among: ['billing', 'other'] }),
            state('Queue/triage', '1:topic', 'y', { waitingFor: 'crowd', score: 0 }),
            state('Queue/triage', '1:topic', 'w', { reason: 'nobody on the route could answer' }),
            state('Queue/triage', '1:topic', 'd', { value: 'billing', score: 0.99 }, 'done'),
            state('Queue/triage', '2:summary', 'b', { waitingFor: 'crowd' }),
            state('Queue/again', '1:topic', 'c', { waitingFor: 'crowd', score: 0.1 }),
            state('Queue/again', '1:topic', 'e', { waitingFor: 'crowd', score: 0.9 }),
        ]);
        const queue = await peopleQueue(new EmbeddedStore(store), plan, plan.flows);
        expect(queue.map((q) => `${q.flow} ${q.stage} ${q.item}`)).toEqual([
            'triage 1:topic z',
            'triage 1:topic y',
            'triage 1:topic a',
            'triage 1:topic b',
            'triage 1:topic c',
            'triage 2:summary b',
            'again 1:topic e',
        ]);
        expect(queue[0]).toEqual({
            flow: 'triage',
            stage: '1:topic',
            task: 'topic',
            item: 'z',
            waitingFor: 'crowd',
            proposal: null,
            score: null,
            derived: null,
            among: null,
        });
        expect(queue[2]).toMatchObject({
            waitingFor: 'lead',
            proposal: null,
            score: 0.4,
            derived: 'crops/a.png',
            among: ['billing', 'other'],
        });
        expect(queue[3]).toMatchObject({ task: 'topic', proposal: 'outage', score: 0.4 });
        expect(queue[5].task).toBe('summary');
        expect(await peopleQueue(new EmbeddedStore(store), plan, [again])).toHaveLength(2);
    } finally {
        await store.close();
    }
});
