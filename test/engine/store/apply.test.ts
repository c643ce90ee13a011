/**
 * The one place rows are written (store/apply.ts), for new writes and journal replay alike: what
 * each journal entry leaves in the database, that applying it again changes nothing, and that a
 * large labels entry keeps the table's indexes and settings as they were.
 */
import type { Database } from 'sql.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEntry, StatementCache } from '../../../engine/src/store/apply.js';
import type { JournalEntry } from '../../../engine/src/store/journal.js';
import { toAggregate, toEstimate, toEvaluation, toItem, toLabel, toModel, toPlan, toStageState } from '../../../engine/src/store/rows.js';
import { migrate } from '../../../engine/src/store/schema.js';
import { loadSqlJs } from '../../../engine/src/store/sqljs.js';
import type { Label } from '../../../engine/src/store/types.js';

let db: Database;
let statements: StatementCache;
beforeEach(async () => {
    const SQL = await loadSqlJs();
    db = new SQL.Database();
    migrate(db);
    statements = new StatementCache(db);
});
afterEach(() => {
    statements.clear();
    db.close();
});

const label = (id: string, value: Label['value'] = 'spam'): Label => ({
    id,
    task: 't',
    item: `item-${id}`,
    labeler: 'ann',
    labelerKind: 'human',
    value,
    gold: false,
    createdAt: '2026-01-01T00:00:00Z',
});

function rows(sql: string): Record<string, unknown>[] {
    const result = db.exec(sql);
    return result.length === 0 ? [] : result[0].values.map((values) => Object.fromEntries(result[0].columns.map((c, i) => [c, values[i]])));
}

/** Applies `entry` in a transaction, as the store does; returns which labels were new. */
function apply(entry: JournalEntry, tick?: () => void): boolean[] {
    const inserted: boolean[] = [];
    db.run('BEGIN');
    applyEntry(statements, entry, inserted, tick);
    db.run('COMMIT');
    return inserted;
}

describe('labels entries', () => {
    it('writes every field of a label and reads back the same label', () => {
        const full: Label = {
            ...label('a', { class: 'ham', p: [0.2, 0.8] }),
            score: 0.8,
            gold: true,
            programVersion: 'v2',
            person: 'ann@pool',
        };
        const bare = label('b');
        expect(apply({ op: 'labels', labels: [full, bare], supersede: [] })).toEqual([true, true]);
        expect(rows('SELECT * FROM labels ORDER BY rowid').map(toLabel)).toEqual([full, bare]);
        expect(rows(`SELECT gold, score, program_version, person, superseded_by FROM labels WHERE id = 'b'`)).toEqual([
            { gold: 0, score: null, program_version: null, person: null, superseded_by: null },
        ]);
    });

    it('says which labels of a batch were new, across several multi-row statements, and keeps the stored ones', () => {
        const stored = ['n0', 'n63', 'n64', 'n129'];
        apply({ op: 'labels', labels: stored.map((id) => label(id, 'old')), supersede: [] });
        const batch = Array.from({ length: 130 }, (_, i) => label(`n${i}`, 'new'));
        const inserted = apply({ op: 'labels', labels: batch, supersede: [] });
        expect(inserted).toEqual(batch.map((l) => !stored.includes(l.id)));
        expect(rows(`SELECT count(*) AS n FROM labels`)).toEqual([{ n: 130 }]);
        expect(rows(`SELECT id FROM labels WHERE value = '"old"' ORDER BY rowid`).map((r) => r.id)).toEqual(stored);
        // Applying the same entry again (a journal replayed twice) changes nothing.
        expect(apply({ op: 'labels', labels: batch, supersede: [] })).toEqual(batch.map(() => false));
        expect(rows(`SELECT count(*) AS n FROM labels`)).toEqual([{ n: 130 }]);
    });

    it('marks a superseded label once: a later replacement of the same label leaves the first mark', () => {
        apply({ op: 'labels', labels: [label('a'), label('b'), label('c')], supersede: [] });
        apply({ op: 'labels', labels: [], supersede: [{ id: 'a', by: 'b' }] });
        apply({ op: 'labels', labels: [], supersede: [{ id: 'a', by: 'c' }] });
        expect(rows(`SELECT id, superseded_by FROM labels ORDER BY id`)).toEqual([
            { id: 'a', superseded_by: 'b' },
            { id: 'b', superseded_by: null },
            { id: 'c', superseded_by: null },
        ]);
    });
});

describe('a large labels entry', () => {
    it('keeps the indexes (whatever their names) and the cache setting, and ticks every 10,000 labels', () => {
        db.run(`CREATE INDEX "labels by ""person""" ON labels (person)`);
        db.run('PRAGMA cache_size = -3000');
        const indexes = () => rows(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'labels' ORDER BY name`);
        const before = indexes();
        expect(before.map((r) => r.name)).toEqual(['labels by "person"', 'labels_by_task_item', 'sqlite_autoindex_labels_1']);
        let ticks = 0;
        const batch = Array.from({ length: 50_000 }, (_, i) => ({ ...label(`l${i}`), task: `t${i % 3}`, person: `p${i % 7}` }));
        const inserted = apply({ op: 'labels', labels: batch, supersede: [] }, () => ticks++);
        expect(inserted.every(Boolean)).toBe(true);
        expect(inserted).toHaveLength(50_000);
        expect(ticks).toBe(5);
        expect(indexes()).toEqual(before);
        expect(rows('PRAGMA cache_size')).toEqual([{ cache_size: -3000 }]);
        expect(rows(`SELECT count(*) AS n FROM labels WHERE task = 't1' AND item = 'item-l49998'`)).toEqual([{ n: 0 }]);
        expect(rows(`SELECT count(*) AS n FROM labels WHERE task = 't1' AND item = 'item-l49999'`)).toEqual([{ n: 1 }]);
        expect(rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    });

    it('ticks only past each multiple of 10,000 labels, and not for a small batch; a small batch leaves the cache setting alone', () => {
        db.run('PRAGMA cache_size = -3000');
        let ticks = 0;
        apply({ op: 'labels', labels: Array.from({ length: 9_999 }, (_, i) => label(`s${i}`)), supersede: [] }, () => ticks++);
        expect(ticks).toBe(0);
        apply({ op: 'labels', labels: Array.from({ length: 10_000 }, (_, i) => label(`u${i}`)), supersede: [] }, () => ticks++);
        expect(ticks).toBe(1);
        expect(rows('PRAGMA cache_size')).toEqual([{ cache_size: -3000 }]);
    });
});

describe('the other entries', () => {
    it('adds items, and on a second add updates split and hash but keeps the time first added', () => {
        apply({ op: 'items', items: [{ dataset: 'd', key: 'k', split: 'train', contentHash: 'h1', addedAt: '2026-01-01' }] });
        apply({ op: 'items', items: [{ dataset: 'd', key: 'k', split: 'test', addedAt: '2026-02-02' }] });
        apply({ op: 'items', items: [{ dataset: 'e', key: 'k', split: 'validation', contentHash: 'h3', addedAt: '2026-03-03' }] });
        expect(rows('SELECT * FROM items ORDER BY rowid').map(toItem)).toEqual([
            { dataset: 'd', key: 'k', split: 'test', contentHash: undefined, addedAt: '2026-01-01' },
            { dataset: 'e', key: 'k', split: 'validation', contentHash: 'h3', addedAt: '2026-03-03' },
        ]);
    });

    it('replaces aggregates, labeler estimates and stage states by their keys', () => {
        const aggregate = { task: 't', item: 'i', value: 'spam', confidence: 0.9, method: 'majority', answers: 3, updatedAt: 'u1' };
        apply({ op: 'aggregates', aggregates: [aggregate, { ...aggregate, item: 'j' }] });
        apply({ op: 'aggregates', aggregates: [{ ...aggregate, value: { class: 'ham' }, confidence: 0.6, answers: 4, updatedAt: 'u2' }] });
        expect(rows('SELECT * FROM aggregates ORDER BY item').map(toAggregate)).toEqual([
            { ...aggregate, value: { class: 'ham' }, confidence: 0.6, answers: 4, updatedAt: 'u2' },
            { ...aggregate, item: 'j' },
        ]);

        const estimate = { labeler: 'ann', task: 't', accuracy: 0.9, confusion: { a: { a: 0.9, b: 0.1 } }, n: 40, updatedAt: 'u1' };
        apply({ op: 'estimates', estimates: [estimate] });
        expect(rows('SELECT * FROM labeler_estimates').map(toEstimate)).toEqual([estimate]);
        apply({ op: 'estimates', estimates: [{ ...estimate, confusion: undefined, accuracy: 0.7, updatedAt: 'u2' }] });
        expect(rows('SELECT * FROM labeler_estimates').map(toEstimate)).toEqual([
            { ...estimate, confusion: undefined, accuracy: 0.7, updatedAt: 'u2' },
        ]);
        expect(rows('SELECT confusion FROM labeler_estimates')).toEqual([{ confusion: null }]);

        const state = { run: 'r', stage: 's', item: 'i', status: 'waiting', detail: { labeler: 'ann' }, updatedAt: 'u1' };
        apply({ op: 'stages', states: [state, { ...state, item: 'j', detail: undefined }] });
        expect(rows(`SELECT detail FROM stage_states WHERE item = 'i'`)).toEqual([{ detail: '{"labeler":"ann"}' }]);
        apply({ op: 'stages', states: [{ ...state, status: 'done', detail: undefined, updatedAt: 'u2' }] });
        expect(rows('SELECT * FROM stage_states ORDER BY item').map(toStageState)).toEqual([
            { ...state, status: 'done', detail: undefined, updatedAt: 'u2' },
            { ...state, item: 'j', detail: undefined },
        ]);
        expect(rows(`SELECT detail FROM stage_states WHERE item = 'j'`)).toEqual([{ detail: null }]);
    });

    it('replaces a plan or model version of the same version, and keeps the first evaluation of an id', () => {
        const plan = { program: 'p', version: 'v1', plan: { tasks: [] }, contentHash: 'c1', compiledAt: 'a1' };
        apply({ op: 'plan', plan });
        apply({ op: 'plan', plan: { ...plan, plan: { tasks: [1] }, contentHash: 'c2' } });
        apply({ op: 'plan', plan: { ...plan, version: 'v2' } });
        expect(rows('SELECT * FROM plans ORDER BY version').map(toPlan)).toEqual([
            { ...plan, plan: { tasks: [1] }, contentHash: 'c2' },
            { ...plan, version: 'v2' },
        ]);

        const model = { labeler: 'clf', version: '1', onnxPath: 'm1.onnx', validationAccuracy: 0.8, labelsUsed: 20, createdAt: 'a1' };
        apply({ op: 'model', model });
        apply({ op: 'model', model: { ...model, validationAccuracy: undefined, onnxPath: 'm1b.onnx' } });
        expect(rows('SELECT * FROM model_versions').map(toModel)).toEqual([
            { ...model, validationAccuracy: undefined, onnxPath: 'm1b.onnx' },
        ]);

        const evaluation = { id: 'e1', programVersion: 'v1', model: 'clf', split: 'test' as const, accuracy: 0.88, at: 'a1' };
        apply({ op: 'evaluation', evaluation });
        apply({ op: 'evaluation', evaluation: { ...evaluation, accuracy: 0.1 } });
        apply({ op: 'evaluation', evaluation: { ...evaluation, id: 'e2', programVersion: undefined } });
        expect(rows('SELECT * FROM evaluations ORDER BY id').map(toEvaluation)).toEqual([
            evaluation,
            { ...evaluation, id: 'e2', programVersion: undefined },
        ]);
    });
});

describe('the statement cache', () => {
    it('prepares a statement once and frees them all on clear', () => {
        const first = statements.get('SELECT 1');
        expect(statements.get('SELECT 1')).toBe(first);
        statements.clear();
        expect(() => first.step()).toThrow();
        expect(statements.get('SELECT 1')).not.toBe(first);
    });
});
