/**
 * Whether a stage state of an earlier run still holds: unchanged contract and input keep it; a
 * changed contract keeps it only as far as the migration keeps or maps the task's labels.
 */
import { describe, expect, test } from 'vitest';
import { keptState } from '../../../engine/src/executor/kept-state.js';
import type { Migration, TaskMigration } from '../../../engine/src/plan/migration.js';
import type { PlanTask } from '../../../engine/src/plan/types.js';
import type { StageState } from '../../../engine/src/store/types.js';

const task = { name: 'topic', contractHash: 'new-contract' } as PlanTask;
const state = (detail: Record<string, unknown> | null, status = 'done'): StageState =>
    ({ run: 'P/f', stage: '1:topic', item: 'T-1', status, detail }) as StageState;
const migration = (change: Omit<TaskMigration, 'reason'>): Migration => ({
    program: 'P',
    from: { version: 1, hash: 'a' },
    to: { version: 2, hash: 'b' },
    tasks: [
        { task: 'other', action: 'invalidate', reason: '', members: [] },
        { ...change, reason: '' },
    ],
    problems: [],
});
const split = migration({
    task: 'topic',
    action: 'migrate',
    members: [
        { old: 'billing', new: ['payments'], action: 'map' },
        { old: 'outage', new: ['outage'], action: 'keep' },
        { old: 'other', new: ['question', 'feedback'], action: 'reask' },
        { old: 'spam', new: [], action: 'invalidate' },
        { old: 'legacy', new: ['a', 'b'], action: 'map' },
    ],
});

describe('keptState', () => {
    test('a state computed for this contract and input holds as it is, whatever its status', () => {
        const detail = { contract: 'new-contract', input: 'h1', value: 'billing' };
        expect(keptState(state(detail), task, 'h1', undefined)).toEqual({ status: 'done', detail });
        expect(keptState(state(detail, 'waiting'), task, 'h1', split)).toEqual({ status: 'waiting', detail });
    });

    test('no state, a state without detail, or another input: the stage is redone', () => {
        expect(keptState(undefined, task, 'h1', undefined)).toBeNull();
        expect(keptState(state(null), task, 'h1', undefined)).toBeNull();
        expect(keptState(state({ contract: 'new-contract', input: 'h0', value: 'x' }), task, 'h1', undefined)).toBeNull();
    });

    test('another contract without a migration of the task, or one that invalidates it: redone', () => {
        const old = state({ contract: 'old-contract', input: 'h1', value: 'billing' });
        expect(keptState(old, task, 'h1', undefined)).toBeNull();
        expect(keptState(old, task, 'h1', migration({ task: 'unrelated', action: 'keep', members: [] }))).toBeNull();
        expect(keptState(old, task, 'h1', migration({ task: 'topic', action: 'invalidate', members: [] }))).toBeNull();
    });

    test('a migration that keeps the task keeps the state, now under the new contract', () => {
        const old = state({ contract: 'old-contract', input: 'h1', value: 'billing', labeler: 'rules' }, 'done');
        expect(keptState(old, task, 'h1', migration({ task: 'topic', action: 'keep', members: [] }))).toEqual({
            status: 'done',
            detail: { contract: 'new-contract', input: 'h1', value: 'billing', labeler: 'rules' },
        });
    });

    test('a migrated choice follows its member: renamed and kept members hold, split, removed or merged-into-two are redone', () => {
        const valued = (value: unknown) => state({ contract: 'old-contract', input: 'h1', value });
        expect(keptState(valued('billing'), task, 'h1', split)).toEqual({
            status: 'done',
            detail: { contract: 'new-contract', input: 'h1', value: 'payments' },
        });
        expect(keptState(valued('outage'), task, 'h1', split)?.detail).toMatchObject({ contract: 'new-contract', value: 'outage' });
        expect(keptState(valued('other'), task, 'h1', split)).toBeNull();
        expect(keptState(valued('spam'), task, 'h1', split)).toBeNull();
        expect(keptState(valued('legacy'), task, 'h1', split)).toBeNull();
        expect(keptState(valued('unheard-of'), task, 'h1', split)).toBeNull();
        // A value that is not a member (a list, or no value yet) cannot follow one: redone.
        expect(keptState(valued(['billing']), task, 'h1', split)).toBeNull();
        expect(keptState(state({ contract: 'old-contract', input: 'h1' }, 'waiting'), task, 'h1', split)).toBeNull();
    });
});
