/**
 * The embedded store's label inserts: several rows per statement, and for a batch larger than the
 * table, its secondary indexes rebuilt once. Re-sent ids anywhere in a batch are recognised, the
 * order labels were added in is kept, and the indexes are there afterwards.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabelStore, type NewLabel } from '../../../engine/src/store/index.js';
import { loadSqlJs } from '../../../engine/src/store/sqljs.js';
import { readSnapshot } from '../../../engine/src/store/snapshot.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const label = (id: string, value: string): NewLabel => ({
    id,
    task: `t${id.length % 3}`,
    item: `item-${id}`,
    labeler: 'ann',
    labelerKind: 'human',
    value,
});

/** The names of the labels table's indexes in the store file on disk. */
async function indexesOnDisk(path: string): Promise<string[]> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readSnapshot(path));
    try {
        const rows = db.exec(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'labels' ORDER BY name`);
        return rows[0].values.map((row) => String(row[0]));
    } finally {
        db.close();
    }
}

describe('label inserts', () => {
    it('tells new labels from stored ones in every position of a multi-row statement', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path);
        // Stored first: ids that will fall at the start, middle and end of 64-row statements, and in the remainder.
        const storedIds = ['n0', 'n31', 'n63', 'n64', 'n127', 'n128', 'n130'];
        await store.addLabels(storedIds.map((id) => label(id, 'old')));
        const batchIds = Array.from({ length: 131 }, (_, i) => `n${i}`);
        const batch = batchIds.map((id) => label(id, 'new'));
        const { labels, added } = await store.addLabelsCounted(batch);
        expect(added).toBe(131 - storedIds.length);
        expect(labels.map((l) => l.id)).toEqual(batchIds);
        expect(labels.filter((l) => l.value === 'old').map((l) => l.id)).toEqual(storedIds);
        await store.close();

        const reopened = await LabelStore.open(path, { readonly: true });
        const all = reopened.labels();
        expect(all).toHaveLength(131);
        // Added order: the stored ones first, then the new ones in batch order.
        expect(all.map((l) => l.id)).toEqual([...storedIds, ...batchIds.filter((id) => !storedIds.includes(id))]);
        await reopened.close();
    });

    it('rebuilds the indexes once for a batch larger than the table, and queries by task and item still work', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path);
        await store.addLabels([label('b5', 'old'), label('b59999', 'old')]);
        const batch = Array.from({ length: 60_000 }, (_, i) => label(`b${i}`, `v${i % 4}`));
        const { added } = await store.addLabelsCounted(batch);
        expect(added).toBe(59_998);
        expect(store.integrityCheck()).toEqual(['ok']);
        expect(store.labels({ task: 't2', item: 'item-b5' }).map((l) => l.value)).toEqual(['old']);
        expect(store.countLabels({ task: 't0' })).toBe(batch.filter((l) => l.task === 't0').length);
        await store.close();

        expect(await indexesOnDisk(path)).toEqual(['labels_by_task_item', 'sqlite_autoindex_labels_1']);
        const reopened = await LabelStore.open(path, { readonly: true });
        expect(reopened.countLabels()).toBe(60_000);
        expect(reopened.history('t0', 'item-b59999').map((l) => l.value)).toEqual(['old']);
        expect(reopened.integrityCheck()).toEqual(['ok']);
        await reopened.close();
    });
});

describe('a bulk batch large enough to reopen the database with room for it (store/room.ts)', () => {
    it('keeps what was stored, adds the batch, takes writes afterwards, and reopens whole', async () => {
        const path = join(dir, 'labels.sqlite');
        // A batch over 1 MB of journal lines is written in bulk (made durable by a snapshot).
        const store = await LabelStore.open(path, { journalLimitBytes: 1024 * 1024 });
        await store.addLabel(label('before', 'a'));
        // About 38 MB of journal lines: past the 32 MB at which the database is reopened with room.
        const batch = Array.from({ length: 250_000 }, (_, i) => label(`bulk-${i}`, i % 2 ? 'a' : 'b'));
        const added = await store.addLabelsCounted(batch);
        expect(added.added).toBe(250_000);
        await store.addLabel(label('after', 'b'));
        expect(store.countLabels()).toBe(250_002);
        expect(store.getLabel('bulk-249999')).toMatchObject({ item: 'item-bulk-249999', value: 'a' });
        await store.close();

        const reopened = await LabelStore.open(path, { readonly: true });
        expect(reopened.countLabels()).toBe(250_002);
        expect(['before', 'bulk-0', 'after'].map((id) => reopened.getLabel(id)?.item)).toEqual([
            'item-before',
            'item-bulk-0',
            'item-after',
        ]);
        expect(reopened.integrityCheck()).toEqual(['ok']);
        await reopened.close();
    });
});
