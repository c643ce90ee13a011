/**
 * The database file on disk: what the store takes for a whole SQLite database before sql.js sees the
 * bytes, what it tells the user about one that is not, and how a snapshot replaces the file.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreCorruptError } from '../../../engine/src/store/errors.js';
import { checkSqliteFile, readSnapshot, writeSnapshot } from '../../../engine/src/store/snapshot.js';
import { loadSqlJs } from '../../../engine/src/store/sqljs.js';
import { tempDir } from './helpers.js';

const path = '/data/labels.sqlite';

/** A real database of three 4096-byte pages, as sql.js exports it. */
async function database(): Promise<Uint8Array> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('PRAGMA page_size = 4096');
    db.run('CREATE TABLE a (x TEXT); CREATE TABLE b (y TEXT)');
    const bytes = db.export();
    db.close();
    return bytes;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** `bytes` made `length` long, with the header's page size field set to `raw` and its page count to the pages there are. */
function withPageSize(bytes: Uint8Array, raw: number, length: number): Uint8Array {
    const copy = new Uint8Array(length);
    copy.set(bytes.subarray(0, Math.min(length, bytes.length)));
    view(copy).setUint16(16, raw);
    view(copy).setUint32(28, Math.floor(length / (raw === 1 ? 65536 : Math.max(raw, 1))));
    return copy;
}

/** Why `checkSqliteFile` refuses `bytes`, or undefined when it takes them. */
function problem(bytes: Uint8Array): string | undefined {
    try {
        checkSqliteFile(path, bytes);
        return undefined;
    } catch (error) {
        expect(error).toBeInstanceOf(StoreCorruptError);
        expect((error as StoreCorruptError).path).toBe(path);
        return (error as StoreCorruptError).problem;
    }
}

describe('a whole SQLite database', () => {
    it('takes a database as sql.js exports it, also when it sits inside a larger buffer', async () => {
        const bytes = await database();
        expect(bytes.length).toBe(3 * 4096);
        expect(problem(bytes)).toBeUndefined();
        const inside = new Uint8Array(bytes.length + 64);
        inside.set(bytes, 32);
        expect(problem(inside.subarray(32, 32 + bytes.length))).toBeUndefined();
    });

    it('refuses an empty file and a file that does not start with the SQLite header', async () => {
        const bytes = await database();
        expect(problem(new Uint8Array(0))).toBe('the file is empty (0 bytes)');
        const wrongMagic = bytes.slice();
        wrongMagic[15] = 1;
        expect(problem(wrongMagic)).toBe('it is not an SQLite database (the file header is wrong)');
        expect(problem(bytes.slice(0, 99))).toBe('it is not an SQLite database (the file header is wrong)');
        expect(problem(new TextEncoder().encode('SQLite format 3'))).toBe('it is not an SQLite database (the file header is wrong)');
        // A whole header is enough to read the page size: 100 bytes are not a whole page.
        expect(problem(bytes.slice(0, 100))).toBe('the file is truncated (100 bytes is not a whole number of 4096-byte pages)');
    });

    it('reads a page size field of 1 as 64 KiB, and refuses sizes SQLite cannot have', async () => {
        const bytes = await database();
        expect(problem(withPageSize(bytes, 1, 65536))).toBeUndefined();
        expect(problem(withPageSize(bytes, 512, 512 * 24))).toBeUndefined();
        expect(problem(withPageSize(bytes, 32768, 32768))).toBeUndefined();
        expect(problem(withPageSize(bytes, 256, 256 * 48))).toBe('the header names an impossible page size (256)');
        expect(problem(withPageSize(bytes, 0, 4096))).toBe('the header names an impossible page size (0)');
        expect(problem(withPageSize(bytes, 3072, 3072 * 4))).toBe('the header names an impossible page size (3072)');
        expect(problem(withPageSize(bytes, 65535, 65535))).toBe('the header names an impossible page size (65535)');
    });

    it('refuses a file cut inside a page, naming its size', async () => {
        const bytes = await database();
        expect(problem(bytes.slice(0, 4096 + 1))).toBe('the file is truncated (4097 bytes is not a whole number of 4096-byte pages)');
        expect(problem(bytes.slice(0, 3 * 4096 - 1))).toMatch(/^the file is truncated \(12287 bytes/);
    });

    it('refuses a file cut at a page boundary when the header’s page count is valid, and trusts the size when it is not', async () => {
        const bytes = await database();
        const header = view(bytes);
        expect(header.getUint32(28)).toBe(3);
        expect(header.getUint32(92)).toBe(header.getUint32(24));
        expect(problem(bytes.slice(0, 2 * 4096))).toBe('the file is truncated (8192 bytes, the header says 12288)');
        // A page count from an older change counter is stale (written by an old SQLite): the size decides.
        const stale = bytes.slice(0, 2 * 4096);
        view(stale).setUint32(92, header.getUint32(24) + 1);
        expect(problem(stale)).toBeUndefined();
        // More pages than the header counts are fine (free room at the end).
        const longer = new Uint8Array(4 * 4096);
        longer.set(bytes);
        expect(problem(longer)).toBeUndefined();
    });
});

describe('snapshot files', () => {
    let dir: string;
    let cleanup: () => void;
    beforeEach(() => ({ dir, cleanup } = tempDir()));
    afterEach(() => cleanup());

    it('reads nothing where there is no file, and checks the bytes of one that is there', async () => {
        const file = join(dir, 'labels.sqlite');
        expect(readSnapshot(file)).toBeUndefined();
        writeFileSync(file, 'not a database at all, but long enough to hold a header of one hundred bytes or so, padded out.....');
        expect(() => readSnapshot(file)).toThrow(StoreCorruptError);
        expect(() => readSnapshot(file)).toThrow(`${file}: the label store is damaged: it is not an SQLite database`);
    });

    it('replaces the file with exactly the new bytes and leaves no temporary file', async () => {
        const file = join(dir, 'labels.sqlite');
        const bytes = await database();
        writeFileSync(file, 'old contents');
        writeSnapshot(file, bytes);
        expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
        expect(readSnapshot(file)).toEqual(Buffer.from(bytes));
        expect(readdirSync(dir)).toEqual(['labels.sqlite']);
        writeSnapshot(file, bytes.subarray(0, 4096));
        expect(readFileSync(file).length).toBe(4096);
        expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
    });
});
