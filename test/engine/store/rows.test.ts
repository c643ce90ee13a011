/**
 * Database rows as dprog records, for both drivers: sql.js gives 1/0 for a flag and null for an
 * empty column, pg gives true/false; a column left out of a row reads as absent, never as a value.
 */
import { describe, expect, it } from 'vitest';
import { toAggregate, toEstimate, toEvaluation, toItem, toLabel, toModel, toPlan, toStageState } from '../../../engine/src/store/rows.js';

const labelRow = {
    id: 'l1',
    task: 'spam',
    item: 'm1',
    labeler: 'clf',
    labeler_kind: 'model',
    value: '{"class":"ham","p":[0.2,0.8]}',
    gold: 0,
    created_at: '2026-01-02T03:04:05Z',
};

describe('label rows', () => {
    it('reads every column, the JSON value parsed and numbers as numbers', () => {
        expect(toLabel({ ...labelRow, score: '0.8', program_version: 'v2', superseded_by: 'l2', person: 'ann', gold: 1 })).toEqual({
            id: 'l1',
            task: 'spam',
            item: 'm1',
            labeler: 'clf',
            labelerKind: 'model',
            value: { class: 'ham', p: [0.2, 0.8] },
            gold: true,
            createdAt: '2026-01-02T03:04:05Z',
            score: 0.8,
            programVersion: 'v2',
            supersededBy: 'l2',
            person: 'ann',
        });
    });

    it('reads gold from either driver: 1 or true is gold, 0 or false is not', () => {
        expect([1, true, 0, false].map((gold) => toLabel({ ...labelRow, gold }).gold)).toEqual([true, true, false, false]);
    });

    it('leaves out optional fields that are null or not in the row, and keeps a score of 0', () => {
        const nulls = toLabel({ ...labelRow, score: null, program_version: null, superseded_by: null, person: null });
        const missing = toLabel(labelRow);
        for (const label of [nulls, missing]) {
            expect(Object.keys(label).sort()).toEqual(['createdAt', 'gold', 'id', 'item', 'labeler', 'labelerKind', 'task', 'value']);
        }
        expect(toLabel({ ...labelRow, score: 0 }).score).toBe(0);
    });
});

describe('the other tables', () => {
    it('reads items, with or without a content hash', () => {
        const row = { dataset: 'mail', key: 'm1', split: 'test', added_at: '2026-01-01' };
        expect(toItem({ ...row, content_hash: 'h1' })).toEqual({
            dataset: 'mail',
            key: 'm1',
            split: 'test',
            contentHash: 'h1',
            addedAt: '2026-01-01',
        });
        expect(toItem({ ...row, content_hash: null }).contentHash).toBeUndefined();
        expect(toItem(row).contentHash).toBeUndefined();
    });

    it('reads aggregates and labeler estimates, numbers from text (pg numerics) as numbers', () => {
        expect(
            toAggregate({ task: 't', item: 'i', value: '"spam"', confidence: '0.75', method: 'majority', answers: '3', updated_at: 'u' }),
        ).toEqual({ task: 't', item: 'i', value: 'spam', confidence: 0.75, method: 'majority', answers: 3, updatedAt: 'u' });
        const estimate = { labeler: 'ann', task: 't', accuracy: '0.9', n: '40', updated_at: 'u' };
        expect(toEstimate({ ...estimate, confusion: '{"a":{"a":1}}' })).toEqual({
            labeler: 'ann',
            task: 't',
            accuracy: 0.9,
            confusion: { a: { a: 1 } },
            n: 40,
            updatedAt: 'u',
        });
        expect(toEstimate({ ...estimate, confusion: null }).confusion).toBeUndefined();
        expect(toEstimate(estimate).confusion).toBeUndefined();
    });

    it('reads plans, model versions, evaluations and stage states', () => {
        expect(toPlan({ program: 'p', version: 'v1', plan: '{"tasks":[]}', content_hash: 'c', compiled_at: 'at' })).toEqual({
            program: 'p',
            version: 'v1',
            plan: { tasks: [] },
            contentHash: 'c',
            compiledAt: 'at',
        });
        const model = { labeler: 'clf', version: '2', onnx_path: 'm.onnx', labels_used: '60', created_at: 'at' };
        expect(toModel({ ...model, validation_accuracy: '0.5' })).toEqual({
            labeler: 'clf',
            version: '2',
            onnxPath: 'm.onnx',
            validationAccuracy: 0.5,
            labelsUsed: 60,
            createdAt: 'at',
        });
        expect(toModel({ ...model, validation_accuracy: null }).validationAccuracy).toBeUndefined();
        const evaluation = { id: 'e', model: 'clf', split: 'validation', accuracy: '0.88', at: 'at' };
        expect(toEvaluation({ ...evaluation, program_version: 'v3' })).toEqual({
            id: 'e',
            programVersion: 'v3',
            model: 'clf',
            split: 'validation',
            accuracy: 0.88,
            at: 'at',
        });
        expect(toEvaluation({ ...evaluation, program_version: null }).programVersion).toBeUndefined();
        const state = { run: 'r', stage: 's', item: 'i', status: 'waiting', updated_at: 'at' };
        expect(toStageState({ ...state, detail: '{"labeler":"ann"}' })).toEqual({
            run: 'r',
            stage: 's',
            item: 'i',
            status: 'waiting',
            detail: { labeler: 'ann' },
            updatedAt: 'at',
        });
        expect(toStageState({ ...state, detail: null }).detail).toBeUndefined();
        expect(toStageState(state).detail).toBeUndefined();
    });
});
