/**
 * The embedded store through the `Store` interface (what the executor, the learning commands and
 * the editor use): every write lands in the file and every read answers what was written.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabelStore, openStore, type Store } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
let store: Store;
beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await openStore(join(dir, 'labels.sqlite'));
});
afterEach(async () => {
    await store.close();
    cleanup();
});

const human = { task: 't', labeler: 'crowd', labelerKind: 'human' as const };

describe('the embedded store behind the Store interface', () => {
    it('describes itself', async () => {
        expect(store.backend).toBe('sqljs');
        expect(store.location).toBe(join(dir, 'labels.sqlite'));
        expect(store.readonly).toBe(false);
        expect(store.schemaVersion).toBeGreaterThan(0);
    });

    it('writes and reads labels', async () => {
        const [a] = await store.addLabels([{ ...human, id: 'a', item: 'i1', value: 'cat', person: 'ann' }]);
        expect(await store.addLabel({ ...human, id: 'b', item: 'i2', value: 'dog' })).toMatchObject({ id: 'b', value: 'dog' });
        expect((await store.addLabelsCounted([{ ...human, id: 'a', item: 'i1', value: 'x' }])).added).toBe(0);
        const c = await store.supersede('b', { id: 'c', labeler: 'crowd', labelerKind: 'human', value: 'cow' });
        expect(c).toMatchObject({ task: 't', item: 'i2', value: 'cow' });
        await store.retireLabels(['a'], 'migration:P@2');
        expect(await store.getLabel('a')).toEqual({ ...a, supersededBy: 'migration:P@2' });
        expect((await store.labels()).map((l) => l.id)).toEqual(['c']);
        expect(await store.countLabels({ includeSuperseded: true })).toBe(3);
        expect(await store.countLabelsByLabeler()).toEqual({ crowd: 1 });
        expect(await store.tasks()).toEqual(['t']);
        expect(await store.countsPerTask()).toEqual({ t: 3 });
    });

    it('writes and reads every other table', async () => {
        await store.addItems([{ dataset: 'd', key: 'k', split: 'test' }]);
        expect((await store.items('d', 'test')).map((i) => i.key)).toEqual(['k']);
        await store.setAggregates([{ task: 't', item: 'k', value: 'cat', confidence: 0.9, method: 'majority', answers: 2 }]);
        expect((await store.getAggregate('t', 'k'))?.confidence).toBe(0.9);
        expect(await store.aggregates('t')).toHaveLength(1);
        await store.setLabelerEstimates([{ labeler: 'crowd', task: 't', accuracy: 0.8, n: 2 }]);
        expect((await store.labelerEstimates('t')).map((e) => e.accuracy)).toEqual([0.8]);
        await store.savePlan({ program: 'p.dprog', version: '1', plan: { a: 1 }, contentHash: 'h' });
        expect((await store.getPlan('p.dprog', '1'))?.plan).toEqual({ a: 1 });
        expect(await store.planPrograms()).toEqual(['p.dprog']);
        await store.addModelVersion({ labeler: 'clf', version: '1', onnxPath: 'm.onnx', labelsUsed: 4 });
        expect((await store.modelVersions('clf')).map((m) => m.labelsUsed)).toEqual([4]);
        const evaluation = await store.recordEvaluation({ model: 'clf', split: 'test', accuracy: 0.7 });
        expect(await store.evaluations({ model: 'clf' })).toEqual([evaluation]);
        await store.setStageStates([{ run: 'r', stage: 's', item: 'k', status: 'done' }]);
        expect((await store.stageStates({ run: 'r' })).map((s) => s.status)).toEqual(['done']);
    });

    it('copies itself through a dump, and keeps what it wrote after close', async () => {
        await store.addLabel({ ...human, id: 'a', item: 'i1', value: 'cat' });
        const copy = await openStore(join(dir, 'copy.sqlite'));
        await copy.load(await store.dump());
        expect(await copy.dump()).toEqual(await store.dump());
        await copy.close();
        const reader = await LabelStore.open(join(dir, 'copy.sqlite'), { readonly: true });
        expect(reader.labels().map((l) => l.id)).toEqual(['a']);
        await reader.close();
    });

    it('counts an item as answered by a person whose label was since replaced, so it is not handed to them again', async () => {
        const [mine] = await store.addLabels([{ ...human, item: 'a', value: 1, person: 'ann' }]);
        await store.supersede(mine.id, { labeler: 'crowd', labelerKind: 'human', value: 2, person: 'bob' });
        expect((await store.lease({ task: 't', person: 'ann', candidates: ['a', 'b'] })).map((l) => l.item)).toEqual(['b']);
    });

    it('releases the file on close, so another writer can open it', async () => {
        await store.close();
        store = await openStore(join(dir, 'labels.sqlite'));
        expect(store.readonly).toBe(false);
    });

    it('leases only the items a person has not answered, and releases some or all of them', async () => {
        await store.addLabel({ ...human, item: 'a', value: 1, person: 'ann' });
        const leased = await store.lease({ task: 't', person: 'ann', candidates: ['a', 'b', 'c'], limit: 2 });
        expect(leased.map((l) => l.item)).toEqual(['b', 'c']);
        await store.releaseLeases('t', 'ann', ['b']);
        expect((await store.lease({ task: 't', person: 'bob', candidates: ['b', 'c'], limit: 2 })).map((l) => l.item)).toEqual(['b']);
    });

    it('hands an item to one person at a time, never one they answered, and frees it on expiry or release', async () => {
        const candidates = ['a', 'b', 'c'];
        expect((await store.lease({ task: 't', person: 'ann', candidates, limit: 2 })).map((l) => l.item)).toEqual(['a', 'b']);
        expect((await store.lease({ task: 't', person: 'bob', candidates, limit: 2 })).map((l) => l.item)).toEqual(['c']);
        await store.addLabel({ task: 't', item: 'a', labeler: 'crowd', labelerKind: 'human', person: 'ann', value: 1 });
        await store.releaseLeases('t', 'ann');
        expect((await store.lease({ task: 't', person: 'ann', candidates, limit: 3 })).map((l) => l.item)).toEqual(['b']);
        expect((await store.lease({ task: 't', person: 'cat', candidates, wanted: [1, 1, 2] })).map((l) => l.item)).toEqual(['a']);
        const [short] = await store.lease({ task: 'u', person: 'ann', candidates: ['x'], leaseMs: 50 });
        expect(short.item).toBe('x');
        expect(await store.lease({ task: 'u', person: 'bob', candidates: ['x'] })).toEqual([]);
        await new Promise((r) => setTimeout(r, 80));
        expect((await store.lease({ task: 'u', person: 'bob', candidates: ['x'] })).map((l) => l.item)).toEqual(['x']);
    });
});
