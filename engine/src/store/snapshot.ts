/**
 * Snapshots: the whole database written to a temporary file, fsynced, renamed over the old one
 * and the directory fsynced — so the file on disk is always a complete database, old or new.
 * Reading checks the SQLite header and size before sql.js sees the bytes.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreCorruptError } from './errors.js';
import { fsyncDirectory, replaceFile } from './journal.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_SIZE = 100;

/** The database file's bytes after checking that they look like a whole SQLite database; undefined if absent. */
export function readSnapshot(path: string): Uint8Array | undefined {
    if (!existsSync(path)) {
        return undefined;
    }
    const bytes = readFileSync(path);
    checkSqliteFile(path, bytes);
    return bytes;
}

/** Throws StoreCorruptError when `bytes` are not a complete SQLite database file. */
export function checkSqliteFile(path: string, bytes: Uint8Array): void {
    if (bytes.length === 0) {
        throw new StoreCorruptError(path, 'the file is empty (0 bytes)');
    }
    if (bytes.length < HEADER_SIZE || !SQLITE_MAGIC.equals(Buffer.from(bytes.buffer, bytes.byteOffset, SQLITE_MAGIC.length))) {
        throw new StoreCorruptError(path, 'it is not an SQLite database (the file header is wrong)');
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const rawPageSize = view.getUint16(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
        throw new StoreCorruptError(path, `the header names an impossible page size (${rawPageSize})`);
    }
    if (bytes.length % pageSize !== 0) {
        throw new StoreCorruptError(path, `the file is truncated (${bytes.length} bytes is not a whole number of ${pageSize}-byte pages)`);
    }
    // The page count in the header is valid when its "version-valid-for" equals the change counter.
    const pageCount = view.getUint32(28);
    if (view.getUint32(92) === view.getUint32(24) && pageCount * pageSize > bytes.length) {
        throw new StoreCorruptError(path, `the file is truncated (${bytes.length} bytes, the header says ${pageCount * pageSize})`);
    }
}

/** Writes `bytes` as the new database file, atomically and durably. */
export function writeSnapshot(path: string, bytes: Uint8Array): void {
    const temp = `${path}.tmp-${process.pid}`;
    const fd = openSync(temp, 'w');
    try {
        let offset = 0;
        while (offset < bytes.length) {
            // Stryker disable next-line ArithmeticOperator: equivalent: a write to a regular file is whole or fails, so offset is 0 here
            offset += writeSync(fd, bytes, offset, bytes.length - offset);
        }
        fsyncSync(fd);
    } catch (error) {
        closeSync(fd);
        unlinkSync(temp);
        throw error;
    }
    closeSync(fd);
    replaceFile(temp, path);
    fsyncDirectory(dirname(path));
}
