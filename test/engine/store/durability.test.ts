/**
 * Durability: the journal replays after a crash, a torn last line is ignored, damaged files are
 * reported and left byte for byte as they were, and only one writer at a time gets in.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
    LabelStore,
    StoreCorruptError,
    StoreLockedError,
    StoreNotFoundError,
    StoreVersionError,
    journalPathOf,
    lockPathOf,
    type NewLabel,
} from '../../../engine/src/store/index.js';
import { fileHash, startFixture, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const label = (id: string, value: NewLabel['value'] = id): NewLabel => ({
    id,
    task: 't',
    item: `item-${id}`,
    labeler: 'alice',
    labelerKind: 'human',
    value,
});

/** Copies the store's files as they are on disk now (no lock): what a crash would leave behind. */
function crashImage(storePath: string, target: string): string {
    copyFileSync(storePath, target);
    if (existsSync(journalPathOf(storePath))) {
        copyFileSync(journalPathOf(storePath), journalPathOf(target));
    }
    return target;
}

async function expectCorrupt(path: string, files: string[], pattern: RegExp): Promise<void> {
    const before = files.map(fileHash);
    for (const readonly of [false, true]) {
        const error = await LabelStore.open(path, { readonly }).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreCorruptError);
        expect((error as Error).message).toMatch(pattern);
        expect((error as Error).message).toMatch(/was not modified/);
    }
    expect(files.map(fileHash)).toEqual(before);
    expect(existsSync(lockPathOf(path))).toBe(false);
}

describe('journal replay', () => {
    it('recovers acknowledged writes that were never snapshotted', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await store.addLabels([label('a'), label('b')]);
        await store.supersede('a', { id: 'a2', labeler: 'bob', labelerKind: 'human', value: 'better' });
        await store.setAggregates([{ task: 't', item: 'item-b', value: 'b', confidence: 0.9, method: 'majority', answers: 1 }]);
        const image = crashImage(path, join(dir, 'crashed.sqlite'));
        await store.close();

        expect(readFileSync(journalPathOf(image), 'utf8').split('\n').length).toBeGreaterThan(3);
        const reader = await LabelStore.open(image, { readonly: true });
        expect(reader.labels().map((l) => l.id)).toEqual(['b', 'a2']);
        await reader.close();
        const recovered = await LabelStore.open(image);
        expect(recovered.getLabel('a')?.supersededBy).toBe('a2');
        expect(recovered.getAggregate('t', 'item-b')?.confidence).toBe(0.9);
        await recovered.close();
        // After a writer's open the journal was folded into the snapshot and emptied.
        expect(readFileSync(journalPathOf(image), 'utf8').trim().split('\n')).toHaveLength(1);
        const again = await LabelStore.open(image, { readonly: true });
        expect(again.countLabels({ includeSuperseded: true })).toBe(3);
        await again.close();
    });

    it('ignores a torn last line (a crash in the middle of a write)', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await store.addLabel(label('kept'));
        const image = crashImage(path, join(dir, 'torn.sqlite'));
        await store.close();
        appendFileSync(journalPathOf(image), '{"op":"labels","labels":[{"id":"half');
        const recovered = await LabelStore.open(image);
        expect(recovered.labels().map((l) => l.id)).toEqual(['kept']);
        await recovered.addLabel(label('after'));
        await recovered.close();
        const reopened = await LabelStore.open(image, { readonly: true });
        expect(reopened.labels().map((l) => l.id)).toEqual(['kept', 'after']);
        await reopened.close();
    });

    it('makes a bulk batch durable by a snapshot instead of writing it to the journal too', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000, journalLimitBytes: 50_000 });
        await store.addLabel(label('small'));
        const bulk = Array.from({ length: 2000 }, (_, i) => label(`bulk${i}`));
        await store.addLabels(bulk);
        // Acknowledged, and on disk as a snapshot: the journal holds only its header now.
        expect(readFileSync(journalPathOf(path), 'utf8').trim().split('\n')).toHaveLength(1);
        const image = crashImage(path, join(dir, 'image.sqlite'));
        await store.addLabel(label('after'));
        await store.close();
        const recovered = await LabelStore.open(image, { readonly: true });
        expect(recovered.countLabels()).toBe(2001);
        expect(recovered.getLabel('small')).toBeDefined();
        await recovered.close();
    });

    it('snapshots on its own after the debounce, so the journal stays short', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path, { snapshotDelayMs: 20 });
        await store.addLabel(label('x'));
        expect(readFileSync(journalPathOf(path), 'utf8')).toContain('"x"');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(readFileSync(journalPathOf(path), 'utf8')).not.toContain('"x"');
        const reader = await LabelStore.open(path, { readonly: true });
        expect(reader.getLabel('x')).toBeDefined();
        await reader.close();
        await store.close();
    });
});

describe('damaged files', () => {
    async function storeWithLabels(): Promise<string> {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path);
        await store.addLabels(Array.from({ length: 300 }, (_, i) => label(`l${i}`, 'x'.repeat(100))));
        await store.close();
        return path;
    }

    it('reports a truncated database and leaves it untouched', async () => {
        const path = await storeWithLabels();
        truncateSync(path, Math.floor(readFileSync(path).length / 2));
        await expectCorrupt(path, [path, journalPathOf(path)], /truncated/);
    });

    it('reports a database cut at a page boundary (header says more pages)', async () => {
        const path = await storeWithLabels();
        truncateSync(path, 4096 * 2);
        await expectCorrupt(path, [path, journalPathOf(path)], /truncated/);
    });

    it('reports a garbage file and leaves it untouched', async () => {
        const path = join(dir, 'labels.sqlite');
        writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
        await expectCorrupt(path, [path], /not an SQLite database/);
    });

    it('reports an empty file', async () => {
        const path = join(dir, 'labels.sqlite');
        writeFileSync(path, '');
        await expectCorrupt(path, [path], /empty/);
    });

    it('reports damaged pages inside a well-formed file', async () => {
        const path = await storeWithLabels();
        const bytes = readFileSync(path);
        for (let i = 4096 * 3; i < 4096 * 5; i++) {
            bytes[i] = (i * 31) % 256;
        }
        writeFileSync(path, bytes);
        await expectCorrupt(path, [path], /SQLite|integrity/);
    });

    it('reports an SQLite file that is not a dprog store', async () => {
        const path = join(dir, 'other.sqlite');
        const store = await LabelStore.open(join(dir, 'seed.sqlite'));
        await store.close();
        const bytes = readFileSync(join(dir, 'seed.sqlite'));
        // Same bytes with the meta table renamed: a valid database without our schema version.
        writeFileSync(path, Buffer.from(bytes.toString('latin1').replaceAll('meta', 'mexa'), 'latin1'));
        const before = fileHash(path);
        await expect(LabelStore.open(path)).rejects.toThrow(/not a dprog label store|damaged/);
        expect(fileHash(path)).toBe(before);
    });

    it('reports a garbage journal line and leaves both files untouched', async () => {
        const path = await storeWithLabels();
        appendFileSync(journalPathOf(path), 'this is not json\n{"op":"labels","labels":[],"supersede":[]}\n');
        await expectCorrupt(
            path,
            [path, journalPathOf(path)],
            /labels\.sqlite\.journal: the label store is damaged: line 2 of the journal is not valid JSON/,
        );
    });

    it('reports a journal that belongs to a newer database than the file', async () => {
        const path = await storeWithLabels();
        const old = readFileSync(path);
        const store = await LabelStore.open(path, { snapshotDelayMs: 60_000 });
        await store.addLabel(label('newer'));
        await store.snapshot();
        await store.addLabel(label('newest'));
        const image = crashImage(path, join(dir, 'image.sqlite'));
        await store.close();
        writeFileSync(image, old);
        const before = [fileHash(image), fileHash(journalPathOf(image))];
        await expect(LabelStore.open(image)).rejects.toThrow(/replaced by an older copy/);
        expect([fileHash(image), fileHash(journalPathOf(image))]).toEqual(before);
    });

    it('reports a store from a newer dprog', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path);
        await store.close();
        const bytes = readFileSync(path);
        const { default: initSqlJs } = await import('sql.js');
        const SQL = await initSqlJs();
        const db = new SQL.Database(bytes);
        db.run(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`);
        writeFileSync(path, db.export());
        db.close();
        const before = fileHash(path);
        await expect(LabelStore.open(path)).rejects.toThrow(StoreVersionError);
        await expect(LabelStore.open(path)).rejects.toThrow(/schema version 999 .* Upgrade dprog/);
        expect(fileHash(path)).toBe(before);
    });

    it('says when a read-only store does not exist, and creates nothing', async () => {
        const path = join(dir, 'missing', 'labels.sqlite');
        await expect(LabelStore.open(path, { readonly: true })).rejects.toThrow(StoreNotFoundError);
        expect(existsSync(join(dir, 'missing'))).toBe(false);
    });
});

describe('one writer at a time', () => {
    it('refuses a second writer in the same process, naming the lock and the pid', async () => {
        const path = join(dir, 'labels.sqlite');
        const first = await LabelStore.open(path);
        await first.addLabel(label('one'));
        const error = await LabelStore.open(path).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreLockedError);
        expect((error as StoreLockedError).holderPid).toBe(process.pid);
        expect((error as Error).message).toContain(lockPathOf(path));
        expect((error as Error).message).toContain('already open for writing in this process');
        // Readers are welcome meanwhile, and the first writer carries on.
        const reader = await LabelStore.open(path, { readonly: true });
        expect(reader.getLabel('one')).toBeDefined();
        await reader.close();
        await first.addLabel(label('two'));
        await first.close();
        const next = await LabelStore.open(path);
        expect(next.labels().map((l) => l.id)).toEqual(['one', 'two']);
        await next.close();
    });

    it('refuses a writer while another process holds the store, and takes over once it is dead', async () => {
        const path = join(dir, 'labels.sqlite');
        const holder = startFixture('hold-lock.ts', [path]);
        const pid = Number((await holder.waitFor('open ')).split(' ')[1]);
        try {
            const before = fileHash(path);
            const error = await LabelStore.open(path).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(StoreLockedError);
            expect((error as StoreLockedError).holderPid).toBe(pid);
            expect(fileHash(path)).toBe(before);
        } finally {
            holder.child.kill('SIGKILL');
            await holder.exited;
        }
        // The lock names a dead process now: it is stale, and the holder's acknowledged label survived.
        expect(existsSync(lockPathOf(path))).toBe(true);
        const store = await LabelStore.open(path);
        expect(store.getLabel('held')?.labeler).toBe('holder');
        await store.close();
        expect(existsSync(lockPathOf(path))).toBe(false);
    });
});

describe('leftovers of a crash', () => {
    it('removes temporary files a dead writer left mid-snapshot, and nothing else', async () => {
        const path = join(dir, 'labels.sqlite');
        const store = await LabelStore.open(path);
        await store.close();
        for (const name of ['labels.sqlite.tmp-4242', 'labels.sqlite.journal.tmp-4242', 'labels.sqlite.tmp-notes', 'other.tmp-4242']) {
            writeFileSync(join(dir, name), 'x');
        }
        const again = await LabelStore.open(path);
        await again.close();
        expect(
            ['labels.sqlite.tmp-4242', 'labels.sqlite.journal.tmp-4242', 'labels.sqlite.tmp-notes', 'other.tmp-4242'].map((n) =>
                existsSync(join(dir, n)),
            ),
        ).toEqual([false, false, true, true]);
    });

    it('removes a lock a dead contender was writing and its takeover claim once a minute old, not younger ones', async () => {
        const path = join(dir, 'labels.sqlite');
        const old = new Date(Date.now() - 120_000);
        const names = ['labels.sqlite.lock.new-dead', 'labels.sqlite.lock.takeover-dead-1', 'labels.sqlite.lock.new-young'];
        writeFileSync(join(dir, names[0]), '{}');
        mkdirSync(join(dir, names[1]));
        writeFileSync(join(dir, names[2]), '{}');
        utimesSync(join(dir, names[0]), old, old);
        utimesSync(join(dir, names[1]), old, old);
        const store = await LabelStore.open(path);
        await store.close();
        expect(names.map((n) => existsSync(join(dir, n)))).toEqual([false, false, true]);
    });
});
