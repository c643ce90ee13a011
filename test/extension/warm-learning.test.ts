/**
 * Active learning kept warm in the extension host, on the spam sample (real data, the real ONNX
 * model, a real label store): the batch is the one `dprog sample` chooses, computed once and shared
 * while the store does not change, and computed afresh (without the labeled item) after a label.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import { learnProgramOf } from '../../cli/src/learn-setup.js';
import { openLearningWorkspace } from '../../engine/src/learning/learning-workspace.js';
import { sampleNext } from '../../engine/src/learning/sample-next.js';
import { SessionCache } from '../../engine/src/learning/session-cache.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore } from '../../engine/src/store/index.js';
import { WarmLearning } from '../../extension/src/engine-bridge/warm-learning.js';

const program = resolve(__dirname, '../../samples/spam/spam.dprog');
let plan: LabelingPlan;
let dir: string;
let store: LabelStore;
let warm: WarmLearning;

beforeAll(async () => {
    const compiled = await compileProgramFile(program);
    if (!compiled.plan) {
        throw new Error('the spam sample does not compile');
    }
    plan = compiled.plan;
    dir = mkdtempSync(join(tmpdir(), 'dprog-warm-'));
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
    warm = new WarmLearning();
});

afterAll(async () => {
    await warm?.dispose();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
});

const request = () => ({ program, plan, task: 'classify', store: new EmbeddedStore(store), storePath: join(dir, 'labels.sqlite') });

describe('warm active learning', () => {
    test('chooses the batch dprog sample chooses, with every candidate scored for the pool', async () => {
        const result = await warm.sample(request());
        const sessions = new SessionCache();
        try {
            const ws = await openLearningWorkspace(
                learnProgramOf(plan, 'classify', dirname(program), program),
                sessions,
                join(dir, 'labels.sqlite'),
                new EmbeddedStore(store),
            );
            const cold = await sampleNext(ws, sessions);
            expect(result.items).toEqual(cold.items);
            expect(result.items).toHaveLength(plan.learn[0].batch);
        } finally {
            await sessions.releaseAll();
        }
        expect(result.coldStart).toBe(false);
        expect(result.poolScores).toHaveLength(result.candidates);
        // margin uncertainty lies in [0, 1]; the batch's uncertainty picks are the pool's highest.
        expect(result.poolScores!.every((s) => s >= 0 && s <= 1)).toBe(true);
        const top = Math.max(...result.poolScores!);
        expect(result.items[0].score).toBeCloseTo(top, 5);
    });

    test('is computed once and shared while the store does not change', async () => {
        const before = warm.computed;
        const [a, b] = await Promise.all([warm.sample(request()), warm.sample(request())]);
        expect(a).toBe(b);
        expect(warm.computed).toBe(before);
    });

    test('a label makes the next request compute afresh, without the labeled item', async () => {
        const first = await warm.sample(request());
        const picked = first.items[0].key;
        await store.addLabel({ task: 'classify', item: picked, labeler: 'me', labelerKind: 'human', value: 'spam' });
        const before = warm.computed;
        const next = await warm.sample(request());
        expect(warm.computed).toBe(before + 1);
        expect(next.labeled).toBe(first.labeled + 1);
        expect(next.candidates).toBe(first.candidates - 1);
        expect(next.items.map((i) => i.key)).not.toContain(picked);
    });
});
