/**
 * What opening and closing the embedded store writes, and what it leaves alone: a new or migrated
 * store is on disk at once, a clean one is not rewritten, readers never write, a journal that
 * cannot be replayed is reported as damage, and a failed snapshot loses nothing.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
    LabelStore,
    SCHEMA_VERSION,
    StoreCorruptError,
    journalPathOf,
    lockPathOf,
    type NewLabel,
} from '../../../engine/src/store/index.js';
import { MIGRATIONS, migrate } from '../../../engine/src/store/schema.js';
import { loadSqlJs } from '../../../engine/src/store/sqljs.js';
import { fileHash, tempDir } from './helpers.js';

let dir: string;
let path: string;
let cleanup: () => void;
beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    path = join(dir, 'labels.sqlite');
});
afterEach(() => cleanup());

const label = (id: string): NewLabel => ({ id, task: 't', item: `item-${id}`, labeler: 'ann', labelerKind: 'human', value: id });
const journalLines = () => readFileSync(journalPathOf(path), 'utf8').trim().split('\n');
const hashes = () => [fileHash(path), fileHash(journalPathOf(path))];

async function storeWith(ids: string[]): Promise<void> {
    const store = await LabelStore.open(path);
    await store.addLabels(ids.map(label));
    await store.close();
}

async function readIds(): Promise<string[]> {
    const reader = await LabelStore.open(path, { readonly: true });
    try {
        return reader.labels().map((l) => l.id);
    } finally {
        await reader.close();
    }
}

describe('opening', () => {
    it('puts a new store on disk at once, so a reader can open it while the writer holds it', async () => {
        const writer = await LabelStore.open(path);
        expect(existsSync(path)).toBe(true);
        expect(journalLines()).toHaveLength(1);
        const reader = await LabelStore.open(path, { readonly: true });
        expect(reader.schemaVersion).toBe(SCHEMA_VERSION);
        expect(reader.readonly).toBe(true);
        expect(writer.readonly).toBe(false);
        expect(reader.path).toBe(path);
        await reader.close();
        await writer.close();
    });

    it('rewrites neither the database nor its journal when a clean store is opened and closed again', async () => {
        await storeWith(['a']);
        const before = hashes();
        const again = await LabelStore.open(path);
        await again.close();
        expect(hashes()).toEqual(before);
        expect(await readIds()).toEqual(['a']);
        expect(hashes()).toEqual(before);
    });

    it('snapshots a migrated store at open; a reader migrates only in memory and writes nothing', async () => {
        const SQL = await loadSqlJs();
        const db = new SQL.Database();
        migrate(db, MIGRATIONS.slice(0, 1));
        db.run(
            `INSERT INTO labels (id, task, item, labeler, labeler_kind, value, created_at) ` +
                `VALUES ('old', 't', 'i', 'x', 'human', '1', '2025-01-01')`,
        );
        writeFileSync(path, db.export());
        db.close();
        const before = fileHash(path);

        const reader = await LabelStore.open(path, { readonly: true });
        expect(reader.schemaVersion).toBe(SCHEMA_VERSION);
        expect(reader.getLabel('old')?.value).toBe(1);
        await reader.close();
        expect(fileHash(path)).toBe(before);
        expect([existsSync(journalPathOf(path)), existsSync(lockPathOf(path))]).toEqual([false, false]);

        const writer = await LabelStore.open(path);
        // The file on disk is at the current schema before anything is written or closed.
        const SQL2 = await loadSqlJs();
        const onDisk = new SQL2.Database(readFileSync(path));
        expect(onDisk.exec(`SELECT value FROM meta WHERE key = 'schema_version'`)[0].values).toEqual([[String(SCHEMA_VERSION)]]);
        onDisk.close();
        await writer.close();
    });

    it('folds a replayed journal into the file at open, so the fresh journal never drops those labels', async () => {
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await store.addLabels([label('a'), label('b')]);
        const image = join(dir, 'image.sqlite');
        writeFileSync(image, readFileSync(path));
        writeFileSync(journalPathOf(image), readFileSync(journalPathOf(path)));
        await store.close();

        const recovered = await LabelStore.open(image);
        // Without a close: the replayed labels are already in the file, and the journal is only a header.
        expect(readFileSync(journalPathOf(image), 'utf8').trim().split('\n')).toHaveLength(1);
        const SQL = await loadSqlJs();
        const onDisk = new SQL.Database(readFileSync(image));
        expect(onDisk.exec('SELECT id FROM labels ORDER BY rowid')[0].values.flat()).toEqual(['a', 'b']);
        onDisk.close();
        await recovered.close();
    });

    it('starts a new journal over an empty one (a crash while it was being reset), keeping every label', async () => {
        await storeWith(['a']);
        truncateSync(journalPathOf(path), 0);
        const store = await LabelStore.open(path);
        expect(journalLines()).toHaveLength(1);
        expect(JSON.parse(journalLines()[0])).toMatchObject({ dprogJournal: 1 });
        await store.addLabel(label('b'));
        await store.close();
        expect(await readIds()).toEqual(['a', 'b']);
    });

    it('reports a journal entry that cannot be replayed, to writers and readers, and leaves both files and no lock', async () => {
        await storeWith(['a']);
        // An item in a split the schema does not have (a journal edited by hand): SQLite refuses the row.
        const bad = { dataset: 'd', key: 'k', split: 'dev', addedAt: '2026-01-01' };
        appendFileSync(journalPathOf(path), `${JSON.stringify({ op: 'items', items: [bad] })}\n`);
        const before = hashes();
        for (const readonly of [false, true]) {
            const error = await LabelStore.open(path, { readonly }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(StoreCorruptError);
            expect((error as StoreCorruptError).path).toBe(journalPathOf(path));
            expect((error as Error).message).toMatch(
                new RegExp(`^${journalPathOf(path)}: the label store is damaged: an entry cannot be replayed \\(.*CHECK constraint failed`),
            );
        }
        expect(hashes()).toEqual(before);
        expect(existsSync(lockPathOf(path))).toBe(false);
        // Moving the journal aside, as the message says, opens the store as it was snapshotted.
        rmSync(journalPathOf(path));
        expect(await readIds()).toEqual(['a']);
    });

    it('does not replay a journal older than the database (a crash between a snapshot and the journal’s reset)', async () => {
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        const aggregate = { task: 't', item: 'i', confidence: 0.5, method: 'majority', answers: 1 };
        await store.setAggregates([{ ...aggregate, value: 'old' }]);
        const olderJournal = readFileSync(journalPathOf(path));
        await store.setAggregates([{ ...aggregate, value: 'new' }]);
        await store.snapshot();
        await store.close();
        writeFileSync(journalPathOf(path), olderJournal);

        const reopened = await LabelStore.open(path);
        expect(reopened.getAggregate('t', 'i')?.value).toBe('new');
        await reopened.close();
        expect(journalLines()).toHaveLength(1);
        const reader = await LabelStore.open(path, { readonly: true });
        expect(reader.getAggregate('t', 'i')?.value).toBe('new');
        await reader.close();
    });

    it('opens an SQLite file without tables as a new store, and refuses one with tables but no schema version', async () => {
        const SQL = await loadSqlJs();
        const empty = new SQL.Database();
        empty.run('PRAGMA user_version = 0');
        writeFileSync(path, empty.export());
        empty.close();
        const store = await LabelStore.open(path);
        expect(store.schemaVersion).toBe(SCHEMA_VERSION);
        await store.close();

        const other = join(dir, 'other.sqlite');
        const foreign = new SQL.Database();
        foreign.run('CREATE TABLE notes (body TEXT)');
        writeFileSync(other, foreign.export());
        foreign.close();
        const before = fileHash(other);
        for (const readonly of [false, true]) {
            await expect(LabelStore.open(other, { readonly })).rejects.toThrow(
                `${other}: the label store is damaged: it is an SQLite database but not a dprog label store (no schema version).`,
            );
        }
        expect(fileHash(other)).toBe(before);
    });

    it('tells a reader, too, that the database was replaced by an older copy, naming both snapshots', async () => {
        await storeWith(['a']);
        const old = readFileSync(path);
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await store.addLabel(label('b'));
        await store.snapshot();
        await store.addLabel(label('c'));
        const journal = readFileSync(journalPathOf(path));
        await store.close();
        writeFileSync(path, old);
        writeFileSync(journalPathOf(path), journal);
        const error = await LabelStore.open(path, { readonly: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreCorruptError);
        const [, base, seq] = /continues snapshot (\d+) but the database file is at snapshot (\d+)/.exec((error as Error).message) ?? [];
        expect(Number(base)).toBeGreaterThan(Number(seq));
        expect((error as Error).message).toContain('restore the newer database, or move the journal aside to keep the older one');
    });
});

describe('closing and snapshots', () => {
    it('snapshots pending writes on close, and does not rewrite a store with none', async () => {
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await store.addLabel(label('a'));
        expect(journalLines()).toHaveLength(2);
        await store.snapshot();
        expect(journalLines()).toHaveLength(1);
        const snapshotted = hashes();
        await store.addLabel(label('b'));
        await store.close();
        expect(journalLines()).toHaveLength(1);
        expect(fileHash(path)).not.toBe(snapshotted[0]);
        expect(await readIds()).toEqual(['a', 'b']);

        const idle = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await idle.snapshot();
        const after = hashes();
        await idle.close();
        expect(hashes()).toEqual(after);
    });

    it('snapshots at once when the journal grows past its limit', async () => {
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000, journalLimitBytes: 300 });
        await store.addLabel(label('a'));
        expect(journalLines()).toHaveLength(2);
        await store.addLabels([label('b'), label('c')]);
        expect(journalLines()).toHaveLength(1);
        await store.close();
        expect(await readIds()).toEqual(['a', 'b', 'c']);
    });

    it('keeps a write whose snapshot failed in the journal, says why, and snapshots once it can again', async () => {
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000, journalLimitBytes: 300 });
        await store.addLabel(label('a'));
        // The database file is replaced by a folder that is not empty: renaming a snapshot over it fails.
        rmSync(path);
        mkdirSync(join(path, 'blocker'), { recursive: true });
        await store.addLabels([label('b'), label('c')]);
        expect(store.lastSnapshotError).toBeInstanceOf(Error);
        expect(journalLines()).toHaveLength(3);
        await expect(store.snapshot()).rejects.toThrow();
        rmSync(path, { recursive: true });
        await store.addLabel(label('d'));
        expect(journalLines()).toHaveLength(1);
        await store.close();
        expect(await readIds()).toEqual(['a', 'b', 'c', 'd']);
    });
});
