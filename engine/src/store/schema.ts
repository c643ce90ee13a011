/**
 * The store's schema, versioned. Each migration takes the database from version N-1 to N; a new
 * store runs them all. To change the schema, append a migration — never edit a released one.
 */
import type { Database } from 'sql.js';

export interface Migration {
    version: number;
    description: string;
    sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
    {
        version: 1,
        description: 'items, labels, aggregates, labeler estimates, plans, model versions, evaluations, stage states',
        sql: `
CREATE TABLE items (
    dataset      TEXT NOT NULL,
    key          TEXT NOT NULL,
    split        TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'validation', 'test')),
    content_hash TEXT,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (dataset, key)
);
-- Append-only: rows are never deleted; a replaced label points to its replacement.
CREATE TABLE labels (
    id              TEXT PRIMARY KEY,
    task            TEXT NOT NULL,
    item            TEXT NOT NULL,
    labeler         TEXT NOT NULL,
    labeler_kind    TEXT NOT NULL CHECK (labeler_kind IN ('human', 'model', 'rules')),
    value           TEXT NOT NULL,
    score           REAL,
    gold            INTEGER NOT NULL DEFAULT 0,
    program_version TEXT,
    created_at      TEXT NOT NULL,
    superseded_by   TEXT
);
CREATE INDEX labels_by_task_item ON labels (task, item);
CREATE INDEX labels_by_labeler ON labels (labeler, task);
CREATE TABLE aggregates (
    task       TEXT NOT NULL,
    item       TEXT NOT NULL,
    value      TEXT NOT NULL,
    confidence REAL NOT NULL,
    method     TEXT NOT NULL,
    answers    INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (task, item)
);
CREATE TABLE labeler_estimates (
    labeler    TEXT NOT NULL,
    task       TEXT NOT NULL,
    accuracy   REAL NOT NULL,
    confusion  TEXT,
    n          INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (labeler, task)
);
CREATE TABLE plans (
    program      TEXT NOT NULL,
    version      TEXT NOT NULL,
    plan         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    compiled_at  TEXT NOT NULL,
    PRIMARY KEY (program, version)
);
CREATE TABLE model_versions (
    labeler             TEXT NOT NULL,
    version             TEXT NOT NULL,
    onnx_path           TEXT NOT NULL,
    validation_accuracy REAL,
    labels_used         INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (labeler, version)
);
CREATE TABLE evaluations (
    id              TEXT PRIMARY KEY,
    program_version TEXT,
    model           TEXT NOT NULL,
    split           TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
    accuracy        REAL NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX evaluations_by_model ON evaluations (model, split);
CREATE TABLE stage_states (
    run        TEXT NOT NULL,
    stage      TEXT NOT NULL,
    item       TEXT NOT NULL,
    status     TEXT NOT NULL,
    detail     TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run, stage, item)
);
CREATE INDEX stage_states_by_status ON stage_states (run, stage, status);
`,
    },
    {
        version: 2,
        description: 'no per-labeler index: labels are read by task, and keeping it cost a fifth of the insert time',
        sql: `DROP INDEX IF EXISTS labels_by_labeler;`,
    },
    {
        version: 3,
        description: 'the individual person behind a label of a human labeler pool',
        sql: `ALTER TABLE labels ADD COLUMN person TEXT;`,
    },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Creates the meta table if needed; returns the database's schema version (0 for an empty database). */
export function readSchemaVersion(db: Database): number {
    const tables = db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'`);
    if (tables.length === 0) {
        return 0;
    }
    const rows = db.exec(`SELECT value FROM meta WHERE key = 'schema_version'`);
    return rows.length === 0 ? 0 : Number(rows[0].values[0][0]);
}

/** Brings the database up to SCHEMA_VERSION, each migration in its own transaction. Returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
    db.run(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const applied: number[] = [];
    for (const migration of migrations) {
        if (migration.version <= readSchemaVersion(db)) {
            continue;
        }
        db.run('BEGIN');
        try {
            db.run(migration.sql);
            db.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`, [String(migration.version)]);
            db.run('COMMIT');
        } catch (error) {
            db.run('ROLLBACK');
            throw error;
        }
        applied.push(migration.version);
    }
    return applied;
}

/** Reads a meta value. */
export function readMeta(db: Database, key: string): string | undefined {
    const rows = db.exec(`SELECT value FROM meta WHERE key = ?`, [key]);
    return rows.length === 0 ? undefined : String(rows[0].values[0][0]);
}

export function writeMeta(db: Database, key: string, value: string): void {
    db.run(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, [key, value]);
}
