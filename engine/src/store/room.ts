/**
 * Room for a bulk write in sql.js's in-memory database file.
 *
 * sql.js keeps the database file in one Emscripten file-system buffer that grows by 12.5% at a
 * time, copying the whole file at each step: a batch that adds 130 MB to the file makes about 40
 * copies of it and as much garbage (a fifth of a million-label import). Reopening the database in
 * a buffer with room for the batch copies it once. SQLite reads the database's size from its
 * header, so the zeroed room after it is free space to it, and an export holds only the database.
 */
import type { Database } from 'sql.js';

/** Below this much new data, the buffer's own growth costs less than a copy of the database. */
// Stryker disable next-line ArithmeticOperator: equivalent: any threshold stores the same rows (room or growth alike); only speed differs.
export const ROOM_MIN_BYTES = 32 * 1024 * 1024;

/** The database reopened in a buffer with `extraBytes` of room after it; `db` is closed. */
export function reopenWithRoom(db: Database, extraBytes: number): Database {
    const bytes = db.export();
    const roomy = new Uint8Array(bytes.length + extraBytes);
    roomy.set(bytes);
    const SqlDatabase = db.constructor as new (data: Uint8Array) => Database;
    const reopened = new SqlDatabase(roomy);
    db.close();
    return reopened;
}
