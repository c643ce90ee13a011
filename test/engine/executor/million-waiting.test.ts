/**
 * A run with 1,000,000 items waiting for people lists them all for people, least certain first.
 * (With `queue.push(...waiting)` the list overflowed the call stack at about 120,000 items, after
 * the labels were written and before the plan was saved, so every rerun failed the same way.)
 * The states are written to a real store as the executor writes them; the queue is read back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { peopleQueue } from '../../../engine/src/executor/people-queue.js';
import type { LabelingPlan, PlanFlow } from '../../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore } from '../../../engine/src/store/index.js';
import type { JsonValue, StageState } from '../../../engine/src/store/types.js';

const WAITING = 1_000_000;
const dir = mkdtempSync(path.join(tmpdir(), 'million-waiting-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('1,000,000 waiting items are queued for people, least certain first', async () => {
    const flow = { name: 'triage', stages: [{ id: '1:topic', task: 'topic' }] } as unknown as PlanFlow;
    const plan = { program: 'Big', flows: [flow] } as unknown as LabelingPlan;
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    try {
        const batch: StageState[] = [];
        for (let i = 0; i < WAITING; i++) {
            // Every third item has a model's answer with a score; the others have none (least certain).
            const detail: JsonValue =
                i % 3 === 0 ? { waitingFor: 'crowd', value: 'billing', score: (i % 1000) / 1000 } : { waitingFor: 'crowd' };
            batch.push({ run: 'Big/triage', stage: '1:topic', item: `item-${i}`, status: 'waiting', detail });
            if (batch.length === 50_000) {
                await store.setStageStates(batch.splice(0));
            }
        }
        await store.setStageStates(batch);

        const queue = await peopleQueue(new EmbeddedStore(store), plan, [flow]);
        expect(queue).toHaveLength(WAITING);
        expect(new Set(queue.map((q) => q.item)).size).toBe(WAITING);
        // Items without a score come first, then by rising score.
        const scored = queue.findIndex((q) => q.score !== null);
        expect(scored).toBe(WAITING - Math.ceil(WAITING / 3));
        expect(queue.slice(scored).every((q, i, rest) => i === 0 || rest[i - 1].score! <= q.score!)).toBe(true);
        expect(queue[0]).toMatchObject({ task: 'topic', waitingFor: 'crowd', proposal: null, score: null });
    } finally {
        await store.close();
    }
}, 600_000);
