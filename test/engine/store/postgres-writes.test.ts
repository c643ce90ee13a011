/**
 * What the team store (PostgreSQL) says about each field it refuses, the labels a batch returns when
 * it replaces one of its own labels, and the order of the leases it hands out: the same on sql.js
 * (the messages and returned labels are compared across both backends).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type StageState, type Store } from '../../../engine/src/store/index.js';
import { clusterForThisFile } from '../../support/postgres-file.js';
import { tempDir } from './helpers.js';

const db = clusterForThisFile('dprog_writes');
let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const t0 = '2026-03-01T10:00:00.000Z';

/** The message `work` fails with, the store's location left out. */
async function refusal(store: Store, work: () => Promise<unknown>): Promise<string> {
    try {
        await work();
        return 'no error';
    } catch (error) {
        return (error as Error).message.replaceAll(store.location, '<store>');
    }
}

/** Runs `scenario` on a fresh sql.js store and a fresh PostgreSQL store. */
async function onBoth<T>(name: string, scenario: (store: Store) => Promise<T>): Promise<[T, T]> {
    const stores = [await openStore(join(dir, `${name}.sqlite`)), await openStore(await db.newDatabase())];
    try {
        return [await scenario(stores[0]), await scenario(stores[1])];
    } finally {
        await Promise.all(stores.map((s) => s.close()));
    }
}

describe.skipIf(db.skip)('the PostgreSQL store, field by field', () => {
    it('names each field it refuses, as the embedded store does', async () => {
        const [embedded, postgres] = await onBoth('fields', async (store) => {
            const aggregate = { task: 't', item: 'i', value: 'v', confidence: 1, method: 'm', answers: 1 };
            const estimate = { labeler: 'a', task: 't', accuracy: 1, n: 1 };
            const model = { labeler: 'm', version: '1', onnxPath: 'm.onnx', labelsUsed: 1 };
            const evaluation = { model: 'm', split: 'test' as const, accuracy: 1 };
            const writes: (() => Promise<unknown>)[] = [
                () => store.addItems([{ dataset: '', key: 'k', split: 'train' }]),
                () => store.addItems([{ dataset: 'd', key: '', split: 'train' }]),
                () => store.addItems([{ dataset: 'd', key: 'k', split: 'train', contentHash: 7 as unknown as string }]),
                () => store.setAggregates([{ ...aggregate, confidence: 'high' as unknown as number }]),
                () => store.setAggregates([{ ...aggregate, task: '' }]),
                () => store.setLabelerEstimates([{ ...estimate, labeler: '' }]),
                () => store.setLabelerEstimates([{ ...estimate, task: '' }]),
                () => store.setLabelerEstimates([{ ...estimate, accuracy: Number.NaN }]),
                () => store.savePlan({ program: 'P', version: '1', plan: {}, contentHash: 'h', compiledAt: 'yesterday' }),
                () => store.addModelVersion({ ...model, validationAccuracy: 'good' as unknown as number }),
                () => store.recordEvaluation({ ...evaluation, id: 5 as unknown as string }),
                () => store.recordEvaluation({ ...evaluation, accuracy: Number.POSITIVE_INFINITY }),
                () => store.recordEvaluation({ ...evaluation, at: 'now' }),
            ];
            const messages: string[] = [];
            for (const write of writes) {
                messages.push(await refusal(store, write));
            }
            return messages;
        });
        expect(postgres).toEqual(embedded);
        expect(postgres).toEqual([
            'item dataset must be a non-empty string (got "")',
            'item key must be a non-empty string (got "")',
            'item content hash must be a non-empty string (got 7)',
            'aggregate confidence must be a finite number (got "high")',
            'aggregate task must be a non-empty string (got "")',
            'estimate labeler must be a non-empty string (got "")',
            'estimate task must be a non-empty string (got "")',
            'estimate accuracy must be a finite number (got null)',
            'plan compiledAt must be an ISO 8601 time (got "yesterday")',
            'model validationAccuracy must be a finite number (got "good")',
            'evaluation id must be a non-empty string (got 5)',
            'evaluation accuracy must be a finite number (got null)',
            'evaluation at must be an ISO 8601 time (got "now")',
        ]);
    });

    it('a batch that replaces one of its own labels returns it marked, as stored', async () => {
        const [embedded, postgres] = await onBoth('marks', async (store) => {
            const label = (id: string, extra: object = {}) => ({
                id,
                task: 't',
                item: 'i',
                labeler: 'ann',
                labelerKind: 'human' as const,
                value: id,
                createdAt: t0,
                ...extra,
            });
            await store.addLabel(label('old'));
            const batch = await store.addLabels([label('a'), label('b', { supersedes: 'a' }), label('c', { supersedes: 'old' })]);
            return { batch, stored: await store.labels({ includeSuperseded: true }) };
        });
        expect(postgres.batch).toEqual(embedded.batch);
        expect(postgres.batch.map((l) => [l.id, l.supersededBy])).toEqual([
            ['a', 'b'],
            ['b', undefined],
            ['c', undefined],
        ]);
        expect(postgres.stored.map((l) => [l.id, l.supersededBy])).toEqual([
            ['old', 'c'],
            ['a', 'b'],
            ['b', undefined],
            ['c', undefined],
        ]);
    });

    it('an item added again later keeps the time it was first added, and takes its new split and hash', async () => {
        const [embedded, postgres] = await onBoth('items', async (store) => {
            await store.addItems([{ dataset: 'd', key: 'k', split: 'train', addedAt: t0 }]);
            await store.addItems([{ dataset: 'd', key: 'k', split: 'test', contentHash: 'h2', addedAt: '2026-03-05T10:00:00.000Z' }]);
            return store.items('d');
        });
        expect(postgres).toEqual(embedded);
        expect(postgres.map((i) => [i.key, i.split, i.contentHash, i.addedAt])).toEqual([['k', 'test', 'h2', t0]]);
    });

    it('keeps each JSON field as the value it was given, a text as a text', async () => {
        const [embedded, postgres] = await onBoth('json', async (store) => {
            const state = (item: string, detail: StageState['detail']) => ({
                run: 'r',
                stage: 's',
                item,
                status: 'done',
                detail,
                updatedAt: t0,
            });
            await store.setStageStates([
                state('a', 'waiting for ann'),
                state('b', 3),
                state('c', ['x', { y: null }]),
                state('d', undefined),
            ]);
            await store.savePlan({ program: 'P', version: '1', plan: 'a plan as text', contentHash: 'h', compiledAt: t0 });
            return {
                details: (await store.stageStates({ run: 'r' })).map((s) => s.detail),
                plan: (await store.getPlan('P'))?.plan,
            };
        });
        expect(postgres).toEqual(embedded);
        expect(postgres).toEqual({
            details: ['waiting for ann', 3, ['x', { y: null }], undefined],
            plan: 'a plan as text',
        });
    });

    it('hands out leases in the order of the candidates, and a read-only store says how to write', async () => {
        const url = await db.newDatabase();
        const store = await openStore(url);
        const reader = await openStore(url, { readonly: true });
        try {
            const candidates = ['q3', 'q1', 'q20', 'q2'];
            expect((await store.lease({ task: 't', person: 'ann', candidates, limit: 4 })).map((l) => l.item)).toEqual(candidates);
            expect(await refusal(reader, () => reader.retireLabels(['x'], 'me'))).toBe(
                '<store>: the label store was opened read-only; open it without `readonly` to write.',
            );
        } finally {
            await reader.close();
            await store.close();
        }
    });
});
