/**
 * The PostgreSQL store's schema: created once however many writers start together, recorded in
 * `schema_version`; a database written by a newer dprog is refused without a change; an older one is
 * upgraded by a writer and refused, untouched, by a reader; a store at this version is only read.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore, StoreOutdatedError, StoreVersionError } from '../../../engine/src/store/index.js';
import { PG_SCHEMA_VERSION } from '../../../engine/src/store/postgres/schema.js';
import { clusterForThisFile } from '../../support/postgres-file.js';

const db = clusterForThisFile('dprog_schema');
const skip = db.skip;

/** Runs statements on the database at `url` as the test cluster's superuser; the last one's rows. */
async function sql(url: string, ...statements: string[]): Promise<Record<string, unknown>[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
        let rows: Record<string, unknown>[] = [];
        for (const statement of statements) {
            rows = (await client.query(statement)).rows;
        }
        return rows;
    } finally {
        await client.end();
    }
}

async function schemaVersions(url: string): Promise<{ version: number; description: string }[]> {
    const rows = await sql(url, `SELECT version, description FROM schema_version ORDER BY version`);
    return rows.map((r) => ({ version: Number(r.version), description: String(r.description) }));
}

/** The tables of the database's public schema, by name. */
async function tables(url: string): Promise<string[]> {
    const rows = await sql(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    return rows.map((r) => String(r.tablename));
}

/** A database left by an older dprog: its `schema_version` says 2 and it has none of version 3's tables. */
async function olderDatabase(): Promise<string> {
    const url = await db.newDatabase();
    await sql(
        url,
        `CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, ` +
            `applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
        `INSERT INTO schema_version (version, description) VALUES (2, 'an older dprog')`,
    );
    return url;
}

describe.skipIf(skip)('the PostgreSQL schema', () => {
    it('is created once when eight writers open a new database at the same moment', async () => {
        const url = await db.newDatabase();
        const stores = await Promise.all(Array.from({ length: 8 }, () => openStore(url)));
        expect(stores.map((s) => s.schemaVersion)).toEqual(Array(8).fill(PG_SCHEMA_VERSION));
        await Promise.all(stores.map((s, i) => s.addLabel({ task: 't', item: `i${i}`, labeler: 'a', labelerKind: 'human', value: i })));
        expect(await stores[0].countLabels()).toBe(8);
        await Promise.all(stores.map((s) => s.close()));
        expect(await schemaVersions(url)).toEqual([{ version: 3, description: expect.stringMatching(/^items, labels .* leases$/) }]);
        const reader = await openStore(url, { readonly: true });
        expect(reader.schemaVersion).toBe(PG_SCHEMA_VERSION);
        await reader.close();
    });

    it('refuses a database written by a newer dprog, and changes nothing', async () => {
        const url = await db.newDatabase();
        await (await openStore(url)).close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`INSERT INTO schema_version (version, description) VALUES (99, 'from the future')`);
        await client.end();
        const error = await openStore(url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreVersionError);
        expect((error as Error).message).toMatch(/schema version 99 but this dprog supports up to \d+\. Upgrade dprog/);
        expect((await schemaVersions(url)).map((v) => v.version)).toEqual([3, 99]);
        const reading = await openStore(url, { readonly: true }).catch((e: unknown) => e);
        expect(reading).toBeInstanceOf(StoreVersionError);
    });

    it('refuses an older schema opened read-only, says how to upgrade it, and writes nothing', async () => {
        const url = await olderDatabase();
        const error = await openStore(url, { readonly: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreOutdatedError);
        expect((error as Error).message).toBe(
            `${url}: the label store has schema version 2, older than this dprog's ${PG_SCHEMA_VERSION}, and a read-only open ` +
                'does not upgrade it. Open it once for writing with this dprog (any command that labels or imports) to upgrade it.',
        );
        expect(await tables(url)).toEqual(['schema_version']);
        expect(await schemaVersions(url)).toEqual([{ version: 2, description: 'an older dprog' }]);
    });

    it('upgrades an older schema when a writer opens it, keeping the record of the versions before', async () => {
        const url = await olderDatabase();
        const writer = await openStore(url);
        expect(writer.schemaVersion).toBe(PG_SCHEMA_VERSION);
        await writer.addLabel({ task: 't', item: 'i', labeler: 'a', labelerKind: 'human', value: 'yes' });
        await writer.close();
        expect((await schemaVersions(url)).map((v) => v.version)).toEqual([2, 3]);
        expect(await tables(url)).toContain('labels');
        const reader = await openStore(url, { readonly: true });
        expect(reader.schemaVersion).toBe(PG_SCHEMA_VERSION);
        expect((await reader.labels({ task: 't' })).map((l) => l.value)).toEqual(['yes']);
        await reader.close();
    });

    it('opens a store of this version for a role that may only read its tables, and reads it', async () => {
        const url = await db.newDatabase();
        const writer = await openStore(url);
        await writer.addLabel({ task: 't', item: 'i', labeler: 'a', labelerKind: 'human', value: 'no' });
        await writer.close();
        const role = `dprog_reader_${process.pid}_${Date.now()}`;
        await sql(url, `CREATE ROLE ${role} LOGIN PASSWORD 'reader'`, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
        try {
            const reader = await openStore(url.replace('//dprog@', `//${role}@`), { readonly: true, password: 'reader' });
            expect(reader.schemaVersion).toBe(PG_SCHEMA_VERSION);
            expect((await reader.labels({ task: 't' })).map((l) => l.value)).toEqual(['no']);
            await reader.close();
        } finally {
            await sql(url, `DROP OWNED BY ${role}`, `DROP ROLE ${role}`);
        }
        expect(await schemaVersions(url)).toHaveLength(1);
    });

    it('gives a reader of an empty database an empty store of this version', async () => {
        const url = await db.newDatabase();
        const reader = await openStore(url, { readonly: true });
        expect(reader.schemaVersion).toBe(PG_SCHEMA_VERSION);
        expect(await reader.countLabels()).toBe(0);
        await reader.close();
        expect((await schemaVersions(url)).map((v) => v.version)).toEqual([PG_SCHEMA_VERSION]);
    });
});
