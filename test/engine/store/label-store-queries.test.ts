/**
 * The label store's queries and whole-store operations: each filter of a label query, replacements
 * within one batch, retiring labels, a dump loaded into another store, and snapshots on demand.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dumpHash, journalPathOf, LabelStore, type NewLabel } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
let store: LabelStore;
beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
});
afterEach(async () => {
    await store.close();
    cleanup();
});

const label = (id: string, fields: Partial<NewLabel> = {}): NewLabel => ({
    id,
    task: 't',
    item: 'i1',
    labeler: 'alice',
    labelerKind: 'human',
    value: 'cat',
    ...fields,
});
const ids = (labels: { id: string }[]) => labels.map((l) => l.id);

describe('label queries', () => {
    beforeEach(async () => {
        await store.addLabels([
            label('a'),
            label('b', { item: 'i2', labeler: 'pool', person: 'ann' }),
            label('c', { item: 'i2', labeler: 'pool', person: 'bob', gold: true }),
            label('d', { task: 'u', labeler: 'clf', labelerKind: 'model', value: 'dog' }),
        ]);
    });

    it('filters by each field, and by several at once', () => {
        expect(ids(store.labels({ item: 'i2' }))).toEqual(['b', 'c']);
        expect(ids(store.labels({ labeler: 'pool' }))).toEqual(['b', 'c']);
        expect(ids(store.labels({ person: 'bob' }))).toEqual(['c']);
        expect(ids(store.labels({ labelerKind: 'model' }))).toEqual(['d']);
        expect(ids(store.labels({ gold: false }))).toEqual(['a', 'b', 'd']);
        expect(ids(store.labels({ task: 't', item: 'i1' }))).toEqual(['a']);
        expect(store.countLabels({ labeler: 'pool', person: 'ann' })).toBe(1);
        expect(store.countsPerTask()).toEqual({ t: 3, u: 1 });
    });

    it('leaves superseded and retired labels out unless asked, and keeps them in the history', async () => {
        await store.supersede('a', { id: 'a2', labeler: 'alice', labelerKind: 'human', value: 'dog' });
        await store.retireLabels(['b'], 'migration:P@2');
        await store.retireLabels([], 'migration:P@2');
        expect(ids(store.labels({ task: 't' }))).toEqual(['c', 'a2']);
        expect(store.getLabel('b')?.supersededBy).toBe('migration:P@2');
        expect(ids(store.labels({ task: 't', includeSuperseded: true }))).toEqual(['a', 'b', 'c', 'a2']);
        expect(store.countsPerTask()).toEqual({ t: 4, u: 1 });
        await expect(store.retireLabels(['c'], '')).rejects.toThrow(/retired by must be a non-empty string/);
    });
});

describe('adding labels', () => {
    it('says how many were new, and returns a re-sent label as it was stored', async () => {
        await store.addLabel(label('a', { value: 'first' }));
        const result = await store.addLabelsCounted([label('a', { value: 'again' }), label('b')]);
        expect(result.added).toBe(1);
        expect(result.labels.map((l) => [l.id, l.value])).toEqual([
            ['a', 'first'],
            ['b', 'cat'],
        ]);
        expect(store.countLabels()).toBe(2);
    });

    it('replaces a label added earlier in the same batch, once, and marks the returned one', async () => {
        const [first, second] = await store.addLabels([label('a'), label('a2', { value: 'dog', supersedes: 'a' })]);
        expect(first.supersededBy).toBe('a2');
        expect(second.supersededBy).toBeUndefined();
        expect(store.getLabel('a')?.supersededBy).toBe('a2');
        await expect(store.addLabels([label('x'), label('y', { supersedes: 'x' }), label('z', { supersedes: 'x' })])).rejects.toThrow(
            /label x is already superseded; supersede the current label instead/,
        );
        expect(store.getLabel('x')).toBeUndefined();
    });

    it('treats a re-sent replacement as done, not as a second replacement', async () => {
        await store.addLabels([label('a'), label('a2', { supersedes: 'a' })]);
        const again = await store.addLabelsCounted([label('a2', { value: 'other', supersedes: 'a' })]);
        expect(again.added).toBe(0);
        expect(again.labels[0]).toMatchObject({ id: 'a2', value: 'cat' });
        await expect(store.supersede('nope', { labeler: 'a', labelerKind: 'human', value: 1 })).rejects.toThrow(
            /label nope is not in the store/,
        );
        await expect(store.addLabel(label('b', { supersedes: 'gone' }))).rejects.toThrow(
            /label b supersedes gone, which is not in the store/,
        );
    });

    it('keeps the person of a pool label and rejects an empty one', async () => {
        await store.addLabel(label('p', { person: 'ann' }));
        expect(store.getLabel('p')?.person).toBe('ann');
        expect(store.getLabel('a')).toBeUndefined();
        await expect(store.addLabel(label('q', { person: '' }))).rejects.toThrow(/label person must be a non-empty string/);
    });
});

describe('the other tables', () => {
    it('filters evaluations and stage states by each field, and lists every estimate and program', async () => {
        await store.recordEvaluation({ id: 'e1', model: 'clf', split: 'test', accuracy: 0.8, programVersion: 'v1', at: '2026-01-01' });
        await store.recordEvaluation({
            id: 'e2',
            model: 'clf',
            split: 'validation',
            accuracy: 0.7,
            programVersion: 'v2',
            at: '2026-01-02',
        });
        await store.recordEvaluation({ id: 'e3', model: 'big', split: 'test', accuracy: 0.9, at: '2026-01-03' });
        expect(ids(store.evaluations({ programVersion: 'v2' }) as { id: string }[])).toEqual(['e2']);
        expect(ids(store.evaluations({ model: 'clf' }) as { id: string }[])).toEqual(['e1', 'e2']);
        expect(ids(store.evaluations() as { id: string }[])).toEqual(['e1', 'e2', 'e3']);
        expect(ids(store.evaluations({ model: 'clf', split: 'validation' }) as { id: string }[])).toEqual(['e2']);
        await store.setStageStates([
            { run: 'r', stage: 's', item: 'i1', status: 'done' },
            { run: 'r', stage: 's', item: 'i2', status: 'waiting' },
            { run: 'r', stage: 'z', item: 'i1', status: 'waiting' },
            { run: 'other', stage: 's', item: 'i1', status: 'waiting' },
        ]);
        expect(store.stageStates({ run: 'r', status: 'waiting' }).map((s) => [s.stage, s.item])).toEqual([
            ['s', 'i2'],
            ['z', 'i1'],
        ]);
        expect(store.stageStates({ run: 'r', stage: 's', status: 'done' }).map((s) => s.item)).toEqual(['i1']);
        expect(store.stageCounts('r', 's')).toEqual({ done: 1, waiting: 1 });
        expect(store.stageStates({ run: 'r', stage: 'z' }).map((s) => [s.stage, s.item])).toEqual([['z', 'i1']]);
        await store.setLabelerEstimates([
            { labeler: 'bob', task: 'u', accuracy: 0.6, n: 3 },
            { labeler: 'alice', task: 't', accuracy: 0.9, n: 5 },
        ]);
        expect(store.labelerEstimates().map((e) => [e.task, e.labeler])).toEqual([
            ['t', 'alice'],
            ['u', 'bob'],
        ]);
        expect(store.getLabelerEstimate('bob', 't')).toBeUndefined();
        expect(store.labelerEstimates('u').map((e) => e.labeler)).toEqual(['bob']);
        expect(store.getAggregate('u', 'nothing')).toBeUndefined();
        await store.savePlan({ program: 'b.dprog', version: '1', plan: {}, contentHash: 'h' });
        await store.savePlan({ program: 'a.dprog', version: '1', plan: {}, contentHash: 'h' });
        expect(store.planPrograms()).toEqual(['a.dprog', 'b.dprog']);
        expect(store.getPlan('c.dprog')).toBeUndefined();
    });

    it('rejects a confidence below 0 and empty fields, naming them', async () => {
        const aggregate = { task: 't', item: 'i', value: 'x', confidence: 0.5, method: 'majority', answers: 1 };
        await expect(store.setAggregates([{ ...aggregate, confidence: -0.1 }])).rejects.toThrow(
            /aggregate confidence must be in \[0, 1\] \(got -0.1\)/,
        );
        await expect(store.setAggregates([{ ...aggregate, method: '' }])).rejects.toThrow(/aggregate method/);
        await expect(store.addItems([{ dataset: 'd', key: 'k', split: 'dev' as never }])).rejects.toThrow(
            /split must be one of train, validation, test/,
        );
        await expect(store.setStageStates([{ run: 'r', stage: 's', item: 'i', status: '' }])).rejects.toThrow(/stage status/);
        await store.setAggregates([
            { ...aggregate, confidence: 0 },
            { ...aggregate, item: 'j', confidence: 1 },
        ]);
        expect(store.aggregates('t').map((a) => a.confidence)).toEqual([0, 1]);
        await store.addItems([{ dataset: 'd', key: 'k' } as never]);
        expect(store.getItem('d', 'k')?.split).toBe('train');
    });
});

describe('the whole store', () => {
    it('loads a dump into another store row for row, supersede links and times kept', async () => {
        await store.addItems([{ dataset: 'd', key: 'i1', split: 'test', contentHash: 'h' }]);
        await store.addLabels([label('a', { createdAt: '2026-01-01T00:00:00Z' }), label('b', { supersedes: 'a' })]);
        await store.setAggregates([{ task: 't', item: 'i1', value: 'cat', confidence: 0.9, method: 'majority', answers: 2 }]);
        await store.setLabelerEstimates([{ labeler: 'alice', task: 't', accuracy: 0.9, n: 2 }]);
        await store.savePlan({ program: 'p.dprog', version: '1', plan: { x: 1 }, contentHash: 'h', compiledAt: '2026-01-01' });
        await store.addModelVersion({ labeler: 'clf', version: '1', onnxPath: 'm.onnx', labelsUsed: 2, createdAt: '2026-01-01' });
        await store.recordEvaluation({ model: 'clf', split: 'test', accuracy: 0.5 });
        await store.setStageStates([{ run: 'r', stage: 's', item: 'i1', status: 'done', detail: { n: 1 } }]);
        const dump = store.dump();
        expect(Object.values(dump).map((rows) => rows.length)).toEqual([2, 1, 1, 1, 1, 1, 1, 1]);

        const copy = await LabelStore.open(join(dir, 'copy.sqlite'));
        await copy.load(dump);
        await copy.load(dump);
        expect(dumpHash(copy.dump())).toBe(dumpHash(dump));
        expect(copy.getLabel('a')).toEqual({ ...dump.labels[0] });
        expect(copy.getLabel('a')?.supersededBy).toBe('b');
        await copy.close();
        const reopened = await LabelStore.open(join(dir, 'copy.sqlite'), { readonly: true });
        expect(dumpHash(reopened.dump())).toBe(dumpHash(dump));
        await reopened.close();
    });

    it('loads an empty dump without writing, and snapshots on demand', async () => {
        const journal = () => readFileSync(journalPathOf(join(dir, 'labels.sqlite')), 'utf8');
        const header = journal();
        await store.load({ labels: [], items: [], aggregates: [], estimates: [], plans: [], models: [], evaluations: [], stages: [] });
        // Empty writes add nothing to the journal either.
        await store.addItems([]);
        await store.setAggregates([]);
        await store.setLabelerEstimates([]);
        await store.setStageStates([]);
        await store.addLabels([]);
        expect(journal()).toBe(header);
        expect(store.countLabels()).toBe(0);
        await store.addLabel(label('a'));
        await store.snapshot();
        expect(store.lastSnapshotError).toBeUndefined();
        expect(store.integrityCheck()).toEqual(['ok']);
        const reader = await LabelStore.open(join(dir, 'labels.sqlite'), { readonly: true });
        expect(ids(reader.labels())).toEqual(['a']);
        await reader.close();
    });

    it('refuses to write after close, and closing twice is harmless', async () => {
        await store.close();
        await store.close();
        await expect(store.snapshot()).rejects.toThrow(/the label store is closed\./);
        await expect(store.addLabel(label('a'))).rejects.toThrow(/the label store is closed\./);
        store = await LabelStore.open(join(dir, 'labels.sqlite'));
    });
});
