/**
 * The PostgreSQL store's schema, versioned in a `schema_version` table (one row per applied
 * migration). Its versions continue the embedded store's numbering: version 3 is the whole schema
 * of the embedded version 3, plus what many writers need (an insertion order and work leases).
 * To change it, append a migration that only adds — never drop or rewrite in an upgrade.
 */
import type { ClientBase } from 'pg';
import { StoreOutdatedError, StoreVersionError } from '../errors.js';
import type { Migration } from '../schema.js';

export const PG_MIGRATIONS: readonly Migration[] = [
    {
        version: 3,
        description:
            'items, labels (with the person who answered), aggregates, labeler estimates, plans, model versions, evaluations, ' +
            'stage states, leases',
        sql: `
CREATE TABLE items (
    dataset TEXT NOT NULL, key TEXT NOT NULL,
    split TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'validation', 'test')),
    content_hash TEXT, added_at TEXT NOT NULL, seq BIGSERIAL,
    PRIMARY KEY (dataset, key)
);
CREATE TABLE labels (
    id TEXT PRIMARY KEY, seq BIGSERIAL, task TEXT NOT NULL, item TEXT NOT NULL, labeler TEXT NOT NULL,
    labeler_kind TEXT NOT NULL CHECK (labeler_kind IN ('human', 'model', 'rules')), person TEXT,
    value TEXT NOT NULL, score DOUBLE PRECISION, gold BOOLEAN NOT NULL DEFAULT FALSE, program_version TEXT,
    created_at TEXT NOT NULL, superseded_by TEXT
);
CREATE INDEX labels_by_task_item ON labels (task, item);
CREATE INDEX labels_by_seq ON labels (seq);
CREATE TABLE aggregates (
    task TEXT NOT NULL, item TEXT NOT NULL, value TEXT NOT NULL, confidence DOUBLE PRECISION NOT NULL,
    method TEXT NOT NULL, answers INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (task, item)
);
CREATE TABLE labeler_estimates (
    labeler TEXT NOT NULL, task TEXT NOT NULL, accuracy DOUBLE PRECISION NOT NULL, confusion TEXT,
    n INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (labeler, task)
);
CREATE TABLE plans (
    program TEXT NOT NULL, version TEXT NOT NULL, plan TEXT NOT NULL, content_hash TEXT NOT NULL,
    compiled_at TEXT NOT NULL, seq BIGSERIAL, PRIMARY KEY (program, version)
);
CREATE TABLE model_versions (
    labeler TEXT NOT NULL, version TEXT NOT NULL, onnx_path TEXT NOT NULL, validation_accuracy DOUBLE PRECISION,
    labels_used INTEGER NOT NULL, created_at TEXT NOT NULL, seq BIGSERIAL, PRIMARY KEY (labeler, version)
);
CREATE TABLE evaluations (
    id TEXT PRIMARY KEY, program_version TEXT, model TEXT NOT NULL,
    split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')), accuracy DOUBLE PRECISION NOT NULL,
    at TEXT NOT NULL, seq BIGSERIAL
);
CREATE TABLE stage_states (
    run TEXT NOT NULL, stage TEXT NOT NULL, item TEXT NOT NULL, status TEXT NOT NULL, detail TEXT,
    updated_at TEXT NOT NULL, PRIMARY KEY (run, stage, item)
);
CREATE INDEX stage_states_by_status ON stage_states (run, stage, status);
CREATE TABLE leases (
    task TEXT NOT NULL, item TEXT NOT NULL, person TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (task, item, person)
);
`,
    },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;

/**
 * Creates or upgrades the schema (under an advisory lock, so writers starting together do it once)
 * and returns its version. A database from a newer dprog is refused with StoreVersionError; a
 * read-only open of an older schema is refused with StoreOutdatedError (it neither upgrades it nor
 * reads tables that are not there yet). A store already at this version is only read, so a role
 * allowed to read its tables (and not to create any) can open it. An empty database gets the schema,
 * read-only or not: a reader of a team store nobody has written to yet sees an empty store.
 */
export async function ensurePgSchema(client: ClientBase, location: string, readonly: boolean): Promise<number> {
    await client.query('BEGIN');
    try {
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('dprog schema'))`);
        const found = await storedVersion(client);
        if (found > PG_SCHEMA_VERSION) {
            throw new StoreVersionError(location, found, PG_SCHEMA_VERSION);
        }
        if (found < PG_SCHEMA_VERSION) {
            if (readonly && found > 0) {
                throw new StoreOutdatedError(location, found, PG_SCHEMA_VERSION);
            }
            await applyMigrations(client, found);
        }
        await client.query('COMMIT');
        return PG_SCHEMA_VERSION;
    } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
    }
}

/** The schema version recorded in the database; 0 when it has none (no `schema_version` table). */
async function storedVersion(client: ClientBase): Promise<number> {
    const table = (await client.query(`SELECT to_regclass('schema_version') AS t`)).rows[0].t;
    if (table === null) {
        return 0;
    }
    return Number((await client.query(`SELECT COALESCE(MAX(version), 0) AS v FROM schema_version`)).rows[0].v);
}

/** Applies the migrations past `found`, each recorded in `schema_version`. */
async function applyMigrations(client: ClientBase, found: number): Promise<void> {
    await client.query(
        `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at ` +
            `TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    for (const migration of PG_MIGRATIONS.filter((m) => m.version > found)) {
        await client.query(migration.sql);
        await client.query(`INSERT INTO schema_version (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
}
