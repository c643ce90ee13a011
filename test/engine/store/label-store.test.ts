/** The label store's typed tables: what goes in comes back out, labels are never deleted. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabelStore, SCHEMA_VERSION, StoreInputError, StoreReadonlyError, defaultStorePath } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const storeIn = (d: string) => join(d, 'labels.sqlite');

describe('LabelStore', () => {
    it('lives at .dprog/labels.sqlite by default and creates its folder', async () => {
        const path = defaultStorePath(dir);
        expect(path).toBe(join(dir, '.dprog', 'labels.sqlite'));
        const store = await LabelStore.open(path);
        expect(store.schemaVersion).toBe(SCHEMA_VERSION);
        await store.close();
        const again = await LabelStore.open(path, { readonly: true });
        expect(again.countLabels()).toBe(0);
        await again.close();
    });

    it('counts labels per labeler in the database, as many as it lists', async () => {
        const store = await LabelStore.open(storeIn(dir));
        const label = (item: string, labeler: string, task = 'spam') => ({
            task,
            item,
            labeler,
            labelerKind: 'human' as const,
            value: 'spam',
        });
        await store.addLabels([label('m1', 'alice'), label('m2', 'alice'), label('m1', 'bob'), label('m1', 'carol', 'other')]);
        const listed: Record<string, number> = {};
        for (const l of store.labels({ task: 'spam' })) {
            listed[l.labeler] = (listed[l.labeler] ?? 0) + 1;
        }
        expect(store.countLabelsByLabeler({ task: 'spam' })).toEqual({ alice: 2, bob: 1 });
        expect(store.countLabelsByLabeler({ task: 'spam' })).toEqual(listed);
        expect(store.countLabelsByLabeler()).toEqual({ alice: 2, bob: 1, carol: 1 });
        await store.close();
    });

    it('round-trips labels with every field through close and reopen', async () => {
        const store = await LabelStore.open(storeIn(dir));
        const added = await store.addLabels([
            {
                id: 'a',
                task: 'spam',
                item: 'm1',
                labeler: 'alice',
                labelerKind: 'human',
                value: 'spam',
                programVersion: 'v1',
                createdAt: '2026-01-02T03:04:05.000Z',
            },
            { task: 'spam', item: 'm1', labeler: 'clf', labelerKind: 'model', value: { class: 'ham', p: [0.2, 0.8] }, score: 0.8 },
            {
                task: 'boxes',
                item: 'img1',
                labeler: 'rules',
                labelerKind: 'rules',
                value: [{ x: 1, y: 2, w: 3, h: 4, label: 'car' }],
                gold: true,
            },
        ]);
        expect(added[0]).toEqual({
            id: 'a',
            task: 'spam',
            item: 'm1',
            labeler: 'alice',
            labelerKind: 'human',
            value: 'spam',
            gold: false,
            programVersion: 'v1',
            createdAt: '2026-01-02T03:04:05.000Z',
        });
        expect(added[1].id).toMatch(/^[0-9a-f-]{36}$/);
        await store.close();

        const reopened = await LabelStore.open(storeIn(dir));
        expect(reopened.labels()).toEqual(added);
        expect(reopened.labels({ task: 'spam', labelerKind: 'model' })).toEqual([added[1]]);
        expect(reopened.labels({ gold: true })).toEqual([added[2]]);
        expect(reopened.countLabels({ task: 'spam' })).toBe(2);
        expect(reopened.tasks()).toEqual(['boxes', 'spam']);
        await reopened.close();
    });

    it('supersedes without deleting: the old label stays in the history', async () => {
        const store = await LabelStore.open(storeIn(dir));
        const first = await store.addLabel({ task: 't', item: 'i', labeler: 'alice', labelerKind: 'human', value: 'cat' });
        const second = await store.supersede(first.id, { labeler: 'bob', labelerKind: 'human', value: 'dog' });
        expect(second).toMatchObject({ task: 't', item: 'i', value: 'dog' });
        await expect(store.supersede(first.id, { labeler: 'carol', labelerKind: 'human', value: 'cow' })).rejects.toThrow(
            /already superseded by/,
        );
        await expect(
            store.addLabel({ task: 't', item: 'i', labeler: 'x', labelerKind: 'human', value: 1, supersedes: 'nope' }),
        ).rejects.toThrow(StoreInputError);
        await store.close();

        const reopened = await LabelStore.open(storeIn(dir), { readonly: true });
        expect(reopened.labels({ task: 't' }).map((l) => l.value)).toEqual(['dog']);
        expect(reopened.history('t', 'i')).toEqual([{ ...first, supersededBy: second.id }, second]);
        expect(reopened.countLabels({ includeSuperseded: true })).toBe(2);
        await reopened.close();
    });

    it('treats a repeated id as the same label (idempotent retries and imports)', async () => {
        const store = await LabelStore.open(storeIn(dir));
        const label = { id: 'x1', task: 't', item: 'i', labeler: 'a', labelerKind: 'human' as const, value: 1 };
        const first = await store.addLabel(label);
        const again = await store.addLabel({ ...label, value: 2 });
        expect(again).toEqual(first);
        expect(store.countLabels()).toBe(1);
        await expect(
            store.addLabels([
                { ...label, id: 'dup' },
                { ...label, id: 'dup' },
            ]),
        ).rejects.toThrow(/appears twice/);
        await store.close();
    });

    it('rejects bad input with a message naming the field, and writes nothing', async () => {
        const store = await LabelStore.open(storeIn(dir));
        const good = { task: 't', item: 'i', labeler: 'a', labelerKind: 'human' as const, value: 1 };
        await expect(store.addLabel({ ...good, task: '' })).rejects.toThrow(/label task must be a non-empty string/);
        await expect(store.addLabel({ ...good, labelerKind: 'robot' as never })).rejects.toThrow(
            /labeler kind must be one of human, model, rules/,
        );
        await expect(store.addLabel({ ...good, value: undefined as never })).rejects.toThrow(/label value is missing/);
        await expect(store.addLabel({ ...good, score: Number.NaN })).rejects.toThrow(/score must be a finite number/);
        await expect(store.addLabel({ ...good, createdAt: 'yesterday' })).rejects.toThrow(/ISO 8601/);
        await expect(store.addLabels([good, { ...good, labeler: '' }])).rejects.toThrow(StoreInputError);
        expect(store.countLabels()).toBe(0);
        await store.close();
    });

    it('stores items, aggregates, estimates, plans, model versions, evaluations and stage states', async () => {
        const store = await LabelStore.open(storeIn(dir));
        await store.addItems([
            { dataset: 'mail', key: 'm1', split: 'train', contentHash: 'h1' },
            { dataset: 'mail', key: 'm2', split: 'test' },
        ]);
        await store.addItems([{ dataset: 'mail', key: 'm1', split: 'validation', contentHash: 'h1b' }]);
        await store.setAggregates([{ task: 'spam', item: 'm1', value: 'spam', confidence: 0.97, method: 'dawid_skene', answers: 3 }]);
        await store.setAggregates([{ task: 'spam', item: 'm1', value: 'ham', confidence: 0.6, method: 'majority', answers: 4 }]);
        await expect(
            store.setAggregates([{ task: 'spam', item: 'm2', value: 'x', confidence: 1.5, method: 'majority', answers: 1 }]),
        ).rejects.toThrow(/\[0, 1\]/);
        await store.setLabelerEstimates([
            {
                labeler: 'alice',
                task: 'spam',
                accuracy: 0.9,
                confusion: { spam: { spam: 0.9, ham: 0.1 }, ham: { spam: 0.05, ham: 0.95 } },
                n: 40,
            },
        ]);
        await store.savePlan({
            program: 'spam.dprog',
            version: 'v1',
            plan: { schema: 'dprog.plan/v1', tasks: [] },
            contentHash: 'c1',
            compiledAt: '2026-01-01T00:00:00.000Z',
        });
        await store.savePlan({
            program: 'spam.dprog',
            version: 'v2',
            plan: { schema: 'dprog.plan/v1', tasks: [1] },
            contentHash: 'c2',
            compiledAt: '2026-01-02T00:00:00.000Z',
        });
        await store.addModelVersion({
            labeler: 'clf',
            version: '1',
            onnxPath: 'models/clf-1.onnx',
            validationAccuracy: 0.8,
            labelsUsed: 20,
            createdAt: '2026-01-01T00:00:00.000Z',
        });
        await store.addModelVersion({
            labeler: 'clf',
            version: '2',
            onnxPath: 'models/clf-2.onnx',
            validationAccuracy: 0.9,
            labelsUsed: 60,
            createdAt: '2026-01-02T00:00:00.000Z',
        });
        const evaluation = await store.recordEvaluation({ model: 'clf', split: 'test', accuracy: 0.88, programVersion: 'v2' });
        await store.setStageStates([
            { run: 'main', stage: 'spam', item: 'm1', status: 'done' },
            { run: 'main', stage: 'spam', item: 'm2', status: 'waiting', detail: { labeler: 'alice' } },
        ]);
        await store.setStageStates([{ run: 'main', stage: 'spam', item: 'm2', status: 'done' }]);
        await store.close();

        const s = await LabelStore.open(storeIn(dir), { readonly: true });
        expect(s.items('mail').map((i) => [i.key, i.split, i.contentHash])).toEqual([
            ['m1', 'validation', 'h1b'],
            ['m2', 'test', undefined],
        ]);
        expect(s.items('mail', 'test').map((i) => i.key)).toEqual(['m2']);
        expect(s.getItem('mail', 'm9')).toBeUndefined();
        expect(s.getAggregate('spam', 'm1')).toMatchObject({ value: 'ham', confidence: 0.6, method: 'majority', answers: 4 });
        expect(s.aggregates('spam')).toHaveLength(1);
        expect(s.getLabelerEstimate('alice', 'spam')?.confusion?.ham.ham).toBe(0.95);
        expect(s.labelerEstimates('spam').map((e) => e.labeler)).toEqual(['alice']);
        expect(s.getPlan('spam.dprog')?.version).toBe('v2');
        expect(s.getPlan('spam.dprog', 'v1')?.plan).toEqual({ schema: 'dprog.plan/v1', tasks: [] });
        expect(s.planVersions('spam.dprog').map((p) => p.contentHash)).toEqual(['c1', 'c2']);
        expect(s.modelVersions('clf').map((m) => [m.labelsUsed, m.validationAccuracy])).toEqual([
            [20, 0.8],
            [60, 0.9],
        ]);
        expect(s.evaluations({ split: 'test' })).toEqual([evaluation]);
        expect(s.evaluations({ model: 'other' })).toEqual([]);
        expect(s.stageStates({ run: 'main', stage: 'spam' }).map((st) => st.status)).toEqual(['done', 'done']);
        expect(s.stageCounts('main', 'spam')).toEqual({ done: 2 });
        await s.close();
    });

    it('refuses writes when read-only or closed', async () => {
        const writer = await LabelStore.open(storeIn(dir));
        await writer.close();
        const reader = await LabelStore.open(storeIn(dir), { readonly: true });
        await expect(reader.addLabel({ task: 't', item: 'i', labeler: 'a', labelerKind: 'human', value: 1 })).rejects.toThrow(
            StoreReadonlyError,
        );
        await expect(reader.addItems([{ dataset: 'd', key: 'k', split: 'train' }])).rejects.toThrow(/was opened read-only/);
        await reader.close();
        await expect(writer.addItems([{ dataset: 'd', key: 'k', split: 'train' }])).rejects.toThrow(/the label store is closed\./);
    });
});
