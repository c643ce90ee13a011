/**
 * The PostgreSQL store's schema: created once however many writers start together, recorded in
 * `schema_version`, and a database written by a newer dprog is refused without a change.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore, StoreVersionError } from '../../../engine/src/store/index.js';
import { PG_SCHEMA_VERSION } from '../../../engine/src/store/postgres/schema.js';
import { clusterForThisFile } from '../../support/postgres-file.js';

const db = clusterForThisFile('dprog_schema');
const skip = db.skip;

async function schemaVersions(url: string): Promise<{ version: number; description: string }[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
        const rows = (await client.query(`SELECT version, description FROM schema_version ORDER BY version`)).rows;
        return rows.map((r) => ({ version: Number(r.version), description: String(r.description) }));
    } finally {
        await client.end();
    }
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
        const after = new pg.Client({ connectionString: url });
        await after.connect();
        const versions = (await after.query(`SELECT version FROM schema_version ORDER BY version`)).rows.map((r) => Number(r.version));
        await after.end();
        expect(versions).toEqual([3, 99]);
    });
});
