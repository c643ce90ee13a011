/**
 * Bad input to any write of the embedded store fails with a message naming the field (the CLI and
 * the editor show it as is), and nothing of the refused batch is written.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpCounts, LabelStore, StoreInputError } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let cleanup: () => void;
let store: LabelStore;
beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    store = await LabelStore.open(join(dir, 'labels.sqlite'));
});
afterEach(async () => {
    await store.close();
    cleanup();
});

const item = { dataset: 'mail', key: 'm1', split: 'train' as const };
const aggregate = { task: 't', item: 'i', value: 'spam', confidence: 0.5, method: 'majority', answers: 3 };
const estimate = { labeler: 'ann', task: 't', accuracy: 0.9, n: 4 };
const plan = { program: 'p.dprog', version: 'v1', plan: { tasks: [] }, contentHash: 'h' };
const model = { labeler: 'clf', version: '1', onnxPath: 'm.onnx', labelsUsed: 3 };
const evaluation = { model: 'clf', split: 'test' as const, accuracy: 0.5 };
const stage = { run: 'r', stage: 's', item: 'i', status: 'done' };

/** Each write, the field made wrong, and the start of the message a user reads. */
const cases: [string, () => Promise<unknown>, string][] = [
    ['item dataset', () => store.addItems([{ ...item, dataset: '' }]), 'item dataset must be a non-empty string (got "")'],
    ['item key', () => store.addItems([{ ...item, key: '' }]), 'item key must be a non-empty string'],
    ['item split', () => store.addItems([{ ...item, split: 'dev' as never }]), 'split must be one of train, validation, test'],
    ['item hash', () => store.addItems([{ ...item, contentHash: '' }]), 'item content hash must be a non-empty string'],
    ['aggregate value', () => store.setAggregates([{ ...aggregate, value: undefined as never }]), 'aggregate value is missing'],
    [
        'aggregate confidence',
        () => store.setAggregates([{ ...aggregate, confidence: '1' as never }]),
        'aggregate confidence must be a finite',
    ],
    [
        'confidence > 1',
        () => store.setAggregates([{ ...aggregate, confidence: 1.01 }]),
        'aggregate confidence must be in [0, 1] (got 1.01)',
    ],
    ['aggregate task', () => store.setAggregates([{ ...aggregate, task: '' }]), 'aggregate task must be a non-empty string'],
    ['aggregate item', () => store.setAggregates([{ ...aggregate, item: '' }]), 'aggregate item must be a non-empty string'],
    ['aggregate method', () => store.setAggregates([{ ...aggregate, method: '' }]), 'aggregate method must be a non-empty string'],
    ['aggregate answers', () => store.setAggregates([{ ...aggregate, answers: Number.NaN }]), 'aggregate answers must be a finite number'],
    ['estimate labeler', () => store.setLabelerEstimates([{ ...estimate, labeler: '' }]), 'estimate labeler must be a non-empty'],
    ['estimate task', () => store.setLabelerEstimates([{ ...estimate, task: '' }]), 'estimate task must be a non-empty string'],
    ['estimate accuracy', () => store.setLabelerEstimates([{ ...estimate, accuracy: Number.NaN }]), 'estimate accuracy must be a finite'],
    ['estimate n', () => store.setLabelerEstimates([{ ...estimate, n: '4' as never }]), 'estimate n must be a finite number'],
    ['plan', () => store.savePlan({ ...plan, plan: undefined as never }), 'plan is missing'],
    ['plan program', () => store.savePlan({ ...plan, program: '' }), 'plan program must be a non-empty string'],
    ['plan version', () => store.savePlan({ ...plan, version: '' }), 'plan version must be a non-empty string'],
    ['plan hash', () => store.savePlan({ ...plan, contentHash: '' }), 'plan content hash must be a non-empty string'],
    ['plan time', () => store.savePlan({ ...plan, compiledAt: 'today' }), 'plan compiledAt must be an ISO 8601 time'],
    ['model labeler', () => store.addModelVersion({ ...model, labeler: '' }), 'model labeler must be a non-empty string'],
    ['model version', () => store.addModelVersion({ ...model, version: '' }), 'model version must be a non-empty string'],
    ['model path', () => store.addModelVersion({ ...model, onnxPath: '' }), 'model onnxPath must be a non-empty string'],
    [
        'model accuracy',
        () => store.addModelVersion({ ...model, validationAccuracy: 'high' as never }),
        'model validationAccuracy must be a',
    ],
    ['model labels', () => store.addModelVersion({ ...model, labelsUsed: undefined as never }), 'model labelsUsed must be a finite'],
    ['model time', () => store.addModelVersion({ ...model, createdAt: 'today' }), 'model createdAt must be an ISO 8601 time'],
    ['evaluation id', () => store.recordEvaluation({ ...evaluation, id: '' }), 'evaluation id must be a non-empty string'],
    ['evaluation version', () => store.recordEvaluation({ ...evaluation, programVersion: '' }), 'evaluation programVersion must be a'],
    ['evaluation model', () => store.recordEvaluation({ ...evaluation, model: '' }), 'evaluation model must be a non-empty string'],
    ['evaluation split', () => store.recordEvaluation({ ...evaluation, split: 'dev' as never }), 'split must be one of'],
    ['evaluation accuracy', () => store.recordEvaluation({ ...evaluation, accuracy: Number.NaN }), 'evaluation accuracy must be a finite'],
    ['evaluation time', () => store.recordEvaluation({ ...evaluation, at: 'today' }), 'evaluation at must be an ISO 8601 time'],
    ['stage run', () => store.setStageStates([{ ...stage, run: '' }]), 'stage run must be a non-empty string'],
    ['stage name', () => store.setStageStates([{ ...stage, stage: '' }]), 'stage name must be a non-empty string'],
    ['stage item', () => store.setStageStates([{ ...stage, item: '' }]), 'stage item must be a non-empty string'],
    ['stage status', () => store.setStageStates([{ ...stage, status: '' }]), 'stage status must be a non-empty string'],
    ['retired by', () => store.retireLabels(['a'], ''), 'retired by must be a non-empty string'],
];

describe('bad input to a write', () => {
    it.each(cases)('names the field (%s) and writes nothing', async (_, write, message) => {
        const error = await write().then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreInputError);
        expect((error as Error).message.startsWith(message), (error as Error).message).toBe(true);
        expect(Object.values(dumpCounts(store.dump()))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    });

    it('refuses a whole batch when one of its rows is wrong', async () => {
        await expect(store.addItems([item, { ...item, key: '' }])).rejects.toThrow(/item key/);
        await expect(store.setAggregates([aggregate, { ...aggregate, item: 'j', confidence: -1 }])).rejects.toThrow(/\[0, 1\]/);
        await expect(store.setStageStates([stage, { ...stage, item: 'j', status: '' }])).rejects.toThrow(/stage status/);
        await expect(store.setLabelerEstimates([estimate, { ...estimate, task: 'u', n: Number.NaN }])).rejects.toThrow(/estimate n/);
        expect(Object.values(dumpCounts(store.dump()))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    });
});

describe('replacing labels', () => {
    const label = (id: string, supersedes?: string) => ({
        id,
        task: 't',
        item: 'i',
        labeler: 'ann',
        labelerKind: 'human' as const,
        value: id,
        supersedes,
    });

    it('names a label that is not there, or already replaced, and says what to do', async () => {
        await expect(store.supersede('zz', { labeler: 'ann', labelerKind: 'human', value: 1 })).rejects.toThrow(
            /^label zz is not in the store$/,
        );
        await expect(store.addLabel(label('b', 'zz'))).rejects.toThrow(/^label b supersedes zz, which is not in the store$/);
        await store.addLabels([label('a'), label('b', 'a')]);
        await expect(store.addLabel(label('c', 'a'))).rejects.toThrow(
            /^label a is already superseded by b; supersede the current label instead$/,
        );
        await expect(store.addLabels([label('c'), label('d', 'c'), label('e', 'c')])).rejects.toThrow(
            /^label c is already superseded; supersede the current label instead$/,
        );
        await expect(store.addLabels([label('x'), label('x')])).rejects.toThrow(/^label id x appears twice in one batch$/);
        expect(store.labels({ includeSuperseded: true }).map((l) => [l.id, l.supersededBy])).toEqual([
            ['a', 'b'],
            ['b', undefined],
        ]);
    });

    it('replaces with the old label’s task and item unless given, and retires labels without a replacement', async () => {
        await store.addLabels([label('a'), { ...label('k'), item: 'j' }]);
        const replacement = await store.supersede('a', { id: 'a2', labeler: 'bob', labelerKind: 'human', value: 'better' });
        expect(replacement).toMatchObject({ id: 'a2', task: 't', item: 'i', labeler: 'bob', value: 'better' });
        const moved = await store.supersede('a2', { id: 'a3', labeler: 'bob', labelerKind: 'human', value: 'x', item: 'i9' });
        expect(moved.item).toBe('i9');
        await store.retireLabels([], 'migration:P@2');
        expect(store.labels().map((l) => l.id)).toEqual(['k', 'a3']);
        await store.retireLabels(['k', 'a'], 'migration:P@2');
        expect(store.labels().map((l) => l.id)).toEqual(['a3']);
        expect(store.history('t', 'j').map((l) => [l.id, l.supersededBy])).toEqual([['k', 'migration:P@2']]);
        expect(store.getLabel('a')?.supersededBy).toBe('a2');
    });
});

describe('defaults of the other tables', () => {
    it('stamps rows without a time with the time of the write, keeps given times and ids', async () => {
        const before = new Date().toISOString();
        await store.addItems([item, { ...item, key: 'm2', addedAt: '2020-01-01' }]);
        await store.setAggregates([aggregate, { ...aggregate, item: 'j', updatedAt: '2020-01-01' }]);
        await store.setLabelerEstimates([estimate, { ...estimate, task: 'u', updatedAt: '2020-01-01' }]);
        await store.setStageStates([stage, { ...stage, item: 'j', updatedAt: '2020-01-01' }]);
        const recorded = await store.recordEvaluation(evaluation);
        const given = await store.recordEvaluation({ ...evaluation, id: 'e1', at: '2020-01-01' });
        await store.savePlan(plan);
        await store.addModelVersion(model);
        const after = new Date().toISOString();
        const during = (time: string | undefined) => time !== undefined && time >= before && time <= after;
        const stamped = [
            store.items('mail').map((i) => i.addedAt),
            store.aggregates('t').map((a) => a.updatedAt),
            store.labelerEstimates().map((e) => e.updatedAt),
            store.stageStates({ run: 'r' }).map((s) => s.updatedAt),
        ];
        for (const [now, old] of stamped) {
            expect(during(now), now).toBe(true);
            expect(old).toBe('2020-01-01');
        }
        expect(during(recorded.at)).toBe(true);
        expect(recorded.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(given).toMatchObject({ id: 'e1', at: '2020-01-01' });
        expect(during(store.getPlan('p.dprog')?.compiledAt)).toBe(true);
        expect(during(store.modelVersions('clf')[0].createdAt)).toBe(true);
        expect(store.evaluations().map((e) => e.id)).toEqual(['e1', recorded.id]);
    });
});
