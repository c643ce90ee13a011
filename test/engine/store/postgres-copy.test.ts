/**
 * Moving a store between backends (`dprog store copy`) in-process: a sql.js store's dump loaded into
 * PostgreSQL dumps back row for row (order, ids, times, supersede links, JSON values), loading twice
 * adds nothing, and a dump with missing times or evaluation ids loads the same on both backends.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpHash, LabelStore, openStore, type Store, type StoreDump } from '../../../engine/src/store/index.js';
import { clusterForThisFile } from '../../support/postgres-file.js';
import { tempDir } from './helpers.js';

const db = clusterForThisFile('dprog_copy');
let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const t0 = '2026-03-01T10:00:00.000Z';

/**
 * Two dumps hold the same rows, and the same order where a dump promises one (labels, items, plans,
 * models and evaluations in the order added; the keyed tables may come in either backend's order).
 */
function expectSameDump(actual: StoreDump, expected: StoreDump): void {
    expect(dumpHash(actual)).toBe(dumpHash(expected));
    for (const table of ['labels', 'items', 'plans', 'models', 'evaluations'] as const) {
        expect(actual[table]).toEqual(expected[table]);
    }
}
const t1 = '2026-03-02T10:00:00.000Z';

type Writes = 'addItems' | 'addLabels' | 'supersede' | 'retireLabels' | 'setAggregates' | 'setLabelerEstimates';

/** A store with a row of every kind, several where order matters. */
async function filled(store: Pick<Store, Writes | 'savePlan' | 'addModelVersion' | 'recordEvaluation' | 'setStageStates'>): Promise<void> {
    await store.addItems([
        { dataset: 'docs', key: 'd2', split: 'test', addedAt: t1 },
        { dataset: 'docs', key: 'd1', split: 'train', contentHash: 'h1', addedAt: t0 },
        { dataset: 'imgs', key: 'i1', split: 'validation', addedAt: t0 },
    ]);
    const common = { task: 't', labelerKind: 'human' as const, createdAt: t0 };
    await store.addLabels([
        { ...common, id: 'l1', item: 'd2', labeler: 'crowd', person: 'ann', value: { spans: [[0, 3]], note: 'ü' } },
        { ...common, id: 'l0', item: 'd1', labeler: 'crowd', value: ['a', 'b'], score: 0.25, programVersion: 'v1' },
        { ...common, id: 'l3', item: 'd1', labeler: 'rules', labelerKind: 'rules', value: null, gold: true },
    ]);
    await store.supersede('l1', { id: 'l2', labeler: 'crowd', labelerKind: 'human', person: 'ann', value: 'b', createdAt: t1 });
    await store.retireLabels(['l3'], 'migration:P@2');
    const aggregate = { confidence: 0.875, method: 'dawid_skene', answers: 2, updatedAt: t0 };
    await store.setAggregates([
        { ...aggregate, task: 't', item: 'd2', value: 'b' },
        { ...aggregate, task: 't', item: 'd1', value: ['a'] },
        { ...aggregate, task: 'a', item: 'd1', value: 1 },
    ]);
    await store.setLabelerEstimates([
        { labeler: 'rules', task: 't', accuracy: 0.5, n: 1, updatedAt: t0 },
        { labeler: 'crowd', task: 't', accuracy: 0.8, confusion: { a: { a: 0.8, b: 0.2 } }, n: 2, updatedAt: t0 },
    ]);
    await store.savePlan({ program: 'P', version: '2', plan: { schema: 'x' }, contentHash: 'abc', compiledAt: t1 });
    await store.savePlan({ program: 'A', version: '1', plan: [1], contentHash: 'def', compiledAt: t0 });
    await store.addModelVersion({ labeler: 'm', version: '2', onnxPath: 'b.onnx', labelsUsed: 20, createdAt: t1 });
    await store.addModelVersion({ labeler: 'm', version: '1', onnxPath: 'a.onnx', validationAccuracy: 0.5, labelsUsed: 10, createdAt: t0 });
    await store.recordEvaluation({ id: 'e2', model: 'm', split: 'test', accuracy: 0.5, programVersion: 'v1', at: t1 });
    await store.recordEvaluation({ id: 'e1', model: 'm', split: 'validation', accuracy: 0.75, at: t0 });
    await store.setStageStates([
        { run: 'r', stage: 's', item: 'd2', status: 'done', detail: { n: 1 }, updatedAt: t0 },
        { run: 'q', stage: 's', item: 'd1', status: 'waiting', updatedAt: t0 },
        { run: 'r', stage: 'a', item: 'd1', status: 'done', updatedAt: t0 },
    ]);
}

describe.skipIf(db.skip)('copying a store to PostgreSQL and back', () => {
    it('a sql.js dump loaded into PostgreSQL dumps back row for row, and loading it again adds nothing', async () => {
        const embedded = await LabelStore.open(join(dir, 'a.sqlite'));
        await filled(embedded);
        const before = embedded.dump();
        await embedded.close();
        const postgres = await openStore(await db.newDatabase());
        try {
            await postgres.load(before);
            expectSameDump(await postgres.dump(), before);
            await postgres.load(before);
            expectSameDump(await postgres.dump(), before);
            // What the copy is for: the team store answers as the embedded one did.
            expect((await postgres.labels()).map((l) => [l.id, l.value])).toEqual([
                ['l0', ['a', 'b']],
                ['l2', 'b'],
            ]);
            expect((await postgres.labels({ includeSuperseded: true })).map((l) => [l.id, l.supersededBy])).toEqual([
                ['l1', 'l2'],
                ['l0', undefined],
                ['l3', 'migration:P@2'],
                ['l2', undefined],
            ]);
            expect((await postgres.getPlan('P'))?.plan).toEqual({ schema: 'x' });
            expect((await postgres.modelVersions('m')).map((m) => m.version)).toEqual(['1', '2']);
        } finally {
            await postgres.close();
        }
    });

    it('a filled PostgreSQL store dumps the same rows as sql.js, its keyed tables ordered by their keys', async () => {
        const embedded = await LabelStore.open(join(dir, 'b.sqlite'));
        const postgres = await openStore(await db.newDatabase());
        try {
            await filled(embedded);
            await filled(postgres);
            const dump = await postgres.dump();
            expectSameDump(dump, embedded.dump());
            // PostgreSQL's own order of the keyed tables: by their keys.
            expect(dump.aggregates.map((a) => `${a.task}/${a.item}`)).toEqual(['a/d1', 't/d1', 't/d2']);
            expect(dump.estimates.map((e) => `${e.task}/${e.labeler}`)).toEqual(['t/crowd', 't/rules']);
            expect(dump.stages.map((s) => `${s.run}/${s.stage}/${s.item}`)).toEqual(['q/s/d1', 'r/a/d1', 'r/s/d2']);
        } finally {
            await embedded.close();
            await postgres.close();
        }
    });

    it('a dump without times or evaluation ids loads the same on both backends', async () => {
        const dump: StoreDump = {
            labels: [{ id: 'x', task: 't', item: 'd', labeler: 'a', labelerKind: 'human', value: 'v', gold: false, createdAt: t0 }],
            items: [{ dataset: 'docs', key: 'd', split: 'train' }],
            aggregates: [{ task: 't', item: 'd', value: 'v', confidence: 1, method: 'majority', answers: 1 }],
            estimates: [{ labeler: 'a', task: 't', accuracy: 1, n: 1 }],
            plans: [{ program: 'P', version: '1', plan: {}, contentHash: 'h' }],
            models: [{ labeler: 'm', version: '1', onnxPath: 'm.onnx', labelsUsed: 1 }],
            evaluations: [{ model: 'm', split: 'test', accuracy: 1 }],
            stages: [{ run: 'r', stage: 's', item: 'd', status: 'done' }],
        };
        const embedded = await LabelStore.open(join(dir, 'c.sqlite'));
        const postgres = await openStore(await db.newDatabase());
        try {
            await embedded.load(dump);
            await postgres.load(dump);
            const [a, b] = [embedded.dump(), await postgres.dump()];
            const withoutIds = (d: StoreDump) => ({
                ...d,
                evaluations: d.evaluations.map(({ id, ...rest }) => ({ ...rest, hasId: !!id })),
            });
            expectSameDump(withoutIds(b) as StoreDump, withoutIds(a) as StoreDump);
            expect(b.evaluations[0].id).toMatch(/^[0-9a-f-]{36}$/);
        } finally {
            await embedded.close();
            await postgres.close();
        }
    });
});
