/**
 * A database reopened with room for a bulk write (store/room.ts) holds the same data, takes writes
 * past its old end, and exports a sound database of exactly its pages.
 */
import { describe, expect, test } from 'vitest';
import { reopenWithRoom } from '../../../engine/src/store/room.js';
import { loadSqlJs } from '../../../engine/src/store/sqljs.js';

const count = (db: { exec(sql: string): { values: unknown[][] }[] }) => Number(db.exec('SELECT count(*) FROM t')[0].values[0][0]);

describe('reopenWithRoom', () => {
    test('keeps the data, grows into the room, and exports only the database', async () => {
        const SQL = await loadSqlJs();
        const original = new SQL.Database();
        original.run('CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT)');
        original.run("INSERT INTO t VALUES ('a', 'first')");
        const before = original.export().length;

        const roomy = reopenWithRoom(original, 8 * 1024 * 1024);
        expect(() => original.exec('SELECT 1')).toThrow(/closed/i);
        expect(roomy.exec("SELECT body FROM t WHERE id = 'a'")[0].values).toEqual([['first']]);
        // Writes past the old end of the file (several MB of new pages), in one transaction and after it.
        roomy.run('BEGIN');
        const insert = roomy.prepare('INSERT INTO t VALUES (?, ?)');
        for (let i = 0; i < 20_000; i++) {
            insert.run([`k${i}`, 'x'.repeat(200)]);
        }
        insert.free();
        roomy.run('COMMIT');
        roomy.run("INSERT INTO t VALUES ('z', 'last')");

        const exported = roomy.export();
        roomy.close();
        expect(exported.length).toBeGreaterThan(before);
        // Page count × page size: the zeroed room is not in the export.
        const reread = new SQL.Database(exported);
        const pages = Number(reread.exec('PRAGMA page_count')[0].values[0][0]);
        const pageSize = Number(reread.exec('PRAGMA page_size')[0].values[0][0]);
        expect(exported.length).toBe(pages * pageSize);
        expect(reread.exec('PRAGMA integrity_check')[0].values).toEqual([['ok']]);
        expect(count(reread)).toBe(20_002);
        reread.close();
    });
});
