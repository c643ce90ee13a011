import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore, LabelStore } from '../../../engine/src/store/index.js';
import {
    InMemoryEvaluationLog,
    recordEvaluation,
    StoreEvaluationLog,
    TestSetReuseError,
} from '../../../engine/src/monitors/test-set-guard.js';

describe('test-set guard', () => {
    it('records every evaluation and refuses a second test evaluation of a program version without a reason', async () => {
        const log = new InMemoryEvaluationLog();
        const validation = await recordEvaluation(log, { programVersion: '1', model: 'm-v1', split: 'validation', accuracy: 0.9 });
        const again = await recordEvaluation(log, { programVersion: '1', model: 'm-v2', split: 'validation', accuracy: 0.91 });
        expect(validation.warning ?? again.warning).toBeUndefined();
        const first = await recordEvaluation(log, { programVersion: '1', model: 'm-v2', split: 'test', accuracy: 0.9 });
        expect(first.warning).toBeUndefined();
        expect(first.testEvaluations).toBe(1);
        await expect(recordEvaluation(log, { programVersion: '1', model: 'm-v3', split: 'test', accuracy: 0.93 })).rejects.toThrow(
            TestSetReuseError,
        );
        await expect(
            recordEvaluation(log, { programVersion: '1', model: 'm-v3', split: 'test', accuracy: 0.93, reuseReason: '  ' }),
        ).rejects.toThrow(/--reuse-test/);
        expect(log.list({ split: 'test' })).toHaveLength(1);
        const second = await recordEvaluation(log, {
            programVersion: '1',
            model: 'm-v3',
            split: 'test',
            accuracy: 0.93,
            reuseReason: 'labels fixed',
        });
        expect(second.testEvaluations).toBe(2);
        expect(second.warning).toMatch(/used again.*"labels fixed"/);
        const newVersion = await recordEvaluation(log, { programVersion: '2', model: 'm-v3', split: 'test', accuracy: 0.93 });
        expect(newVersion.warning).toBeUndefined();
        expect(log.list({})).toHaveLength(5);
    });

    it('keeps the record and the reason in the label store across processes', async () => {
        const path = join(mkdtempSync(join(tmpdir(), 'dprog-guard-')), 'labels.sqlite');
        let store = await LabelStore.open(path);
        await recordEvaluation(await StoreEvaluationLog.open(new EmbeddedStore(store)), {
            programVersion: '3',
            model: 'm',
            split: 'test',
            accuracy: 0.8,
        });
        await store.close();
        store = await LabelStore.open(path);
        await expect(
            recordEvaluation(await StoreEvaluationLog.open(new EmbeddedStore(store)), {
                programVersion: '3',
                model: 'm',
                split: 'test',
                accuracy: 0.8,
            }),
        ).rejects.toThrow(/already evaluated 1 time/);
        await recordEvaluation(await StoreEvaluationLog.open(new EmbeddedStore(store)), {
            programVersion: '3',
            model: 'm',
            split: 'test',
            accuracy: 0.8,
            reuseReason: 'audit',
        });
        await store.close();
        store = await LabelStore.open(path, { readonly: true });
        const listed = (await StoreEvaluationLog.open(new EmbeddedStore(store))).list({ split: 'test' });
        expect(listed.map((e) => e.reuseReason)).toEqual([undefined, 'audit']);
        await store.close();
    });
});
