/**
 * Applying journal entries to the database: the one place rows are written, used both by new
 * writes and by journal replay, so the two can never disagree. Every entry is idempotent.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import type { JournalEntry } from './journal.js';
import type { Label } from './types.js';

/** Prepared statements, kept until `db.export()` (which frees them). */
export class StatementCache {
    private readonly statements = new Map<string, Statement>();

    constructor(private readonly db: Database) {}

    get(sql: string): Statement {
        let statement = this.statements.get(sql);
        if (!statement) {
            statement = this.db.prepare(sql);
            this.statements.set(sql, statement);
        }
        return statement;
    }

    /** Runs a statement once, without caching it (DDL and PRAGMAs). */
    run(sql: string): void {
        this.db.run(sql);
    }

    /** Rows changed by the last statement run. */
    modified(): number {
        return this.db.getRowsModified();
    }

    /** Frees every statement; call before `db.export()` or `db.close()`. */
    clear(): void {
        for (const statement of this.statements.values()) {
            statement.free();
        }
        this.statements.clear();
    }
}

const json = (value: unknown): string => JSON.stringify(value);
const orNull = (value: SqlValue | undefined): SqlValue => (value === undefined ? null : value);

/** Rows between two calls of `tick` in a large labels entry. */
const TICK_ROWS = 10_000;
/**
 * Labels per INSERT statement: sql.js pays a round trip into WebAssembly to step and reset a
 * statement, so 64 rows a statement take a third less time than one row a statement.
 */
const ROWS_PER_STATEMENT = 64;
/** A labels entry this large (and at least as large as the table) rebuilds the secondary indexes once, not row by row. */
const REINDEX_MIN_ROWS = 50_000;
/** SQLite's page cache (KiB) while a large labels entry is applied; the default (2 MiB) spills pages to sql.js's file system. */
const BULK_CACHE_KIB = 256 * 1024;

const LABEL_COLUMNS = 'id, task, item, labeler, labeler_kind, value, score, gold, program_version, created_at, superseded_by, person';
const LABEL_ROW = `(${Array(12).fill('?').join(', ')})`;

/** The INSERT OR IGNORE statement for `rows` labels. */
function insertLabelsSql(rows: number): string {
    return `INSERT OR IGNORE INTO labels (${LABEL_COLUMNS}) VALUES ${Array(rows).fill(LABEL_ROW).join(', ')}`;
}

/** Appends one label's 12 column values to `values`. */
function pushLabelRow(values: SqlValue[], l: Label): void {
    values.push(
        l.id,
        l.task,
        l.item,
        l.labeler,
        l.labelerKind,
        json(l.value),
        orNull(l.score),
        l.gold ? 1 : 0,
        orNull(l.programVersion),
        l.createdAt,
        orNull(l.supersededBy),
        orNull(l.person),
    );
}

/** The highest rowid of the labels table (0 when empty): rows added later have higher ones (labels are never deleted). */
function lastLabelRowid(statements: StatementCache): number {
    const statement = statements.get('SELECT max(rowid) FROM labels');
    try {
        statement.step();
        return Number(statement.get()[0] ?? 0);
    } finally {
        statement.reset();
    }
}

/** The ids of labels added after rowid `after`. */
function labelIdsAfter(statements: StatementCache, after: number): Set<string> {
    const statement = statements.get('SELECT id FROM labels WHERE rowid > ?');
    const ids = new Set<string>();
    try {
        statement.bind([after]);
        while (statement.step()) {
            ids.add(String(statement.get()[0]));
        }
    } finally {
        statement.reset();
    }
    return ids;
}

/**
 * Inserts labels (existing ids are left alone) several rows per statement; `inserted[i]` says
 * whether label i was new. A large batch runs with a large page cache, and — when it is at least
 * as large as the table already is — with the table's secondary indexes dropped and rebuilt once
 * at the end (sorting once is cheaper than a million B-tree insertions; same transaction, so a
 * failure rolls the drop back too).
 */
function insertLabels(statements: StatementCache, labels: readonly Label[], inserted: boolean[], tick?: () => void): void {
    const before = lastLabelRowid(statements);
    const large = labels.length >= REINDEX_MIN_ROWS;
    const indexes = large && labels.length >= before ? dropLabelIndexes(statements) : [];
    const cacheKib = large ? raiseCache(statements) : undefined;
    try {
        let added = 0;
        let done = 0;
        while (done < labels.length) {
            const rows = Math.min(ROWS_PER_STATEMENT, labels.length - done);
            const values: SqlValue[] = [];
            for (let i = done; i < done + rows; i++) {
                pushLabelRow(values, labels[i]);
            }
            statements.get(insertLabelsSql(rows)).run(values);
            added += statements.modified();
            if (tick && Math.floor((done + rows) / TICK_ROWS) > Math.floor(done / TICK_ROWS)) {
                tick();
            }
            done += rows;
        }
        const fresh = added === labels.length ? undefined : labelIdsAfter(statements, before);
        for (const l of labels) {
            inserted.push(fresh === undefined || fresh.has(l.id));
        }
        for (const sql of indexes) {
            statements.run(sql);
        }
    } finally {
        if (cacheKib !== undefined) {
            statements.run(`PRAGMA cache_size = ${cacheKib}`);
        }
    }
}

/** Drops the labels table's own indexes (not the primary key's); returns the statements that create them again. */
function dropLabelIndexes(statements: StatementCache): string[] {
    const found = statements.get(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'labels' AND sql IS NOT NULL`);
    const indexes: { name: string; sql: string }[] = [];
    try {
        while (found.step()) {
            const [name, sql] = found.get();
            indexes.push({ name: String(name), sql: String(sql) });
        }
    } finally {
        found.reset();
    }
    for (const { name } of indexes) {
        statements.run(`DROP INDEX "${name.replaceAll('"', '""')}"`);
    }
    return indexes.map((index) => index.sql);
}

/** Sets the large page cache; returns the setting to restore (pages past it are freed then). */
function raiseCache(statements: StatementCache): number {
    const current = statements.get('PRAGMA cache_size');
    let kib: number;
    try {
        current.step();
        kib = Number(current.get()[0]);
    } finally {
        current.reset();
    }
    statements.run(`PRAGMA cache_size = -${BULK_CACHE_KIB}`);
    return kib;
}

/**
 * Writes one entry's rows (the caller holds the transaction); for labels, `inserted[i]` says whether
 * label i was new. `tick` runs every 10,000 labels (the writer keeps its lock's heartbeat going).
 */
export function applyEntry(statements: StatementCache, entry: JournalEntry, inserted: boolean[] = [], tick?: () => void): void {
    switch (entry.op) {
        case 'labels': {
            insertLabels(statements, entry.labels, inserted, tick);
            const mark = statements.get(`UPDATE labels SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL`);
            for (const { id, by } of entry.supersede) {
                mark.run([by, id]);
            }
            return;
        }
        case 'items': {
            const upsert = statements.get(
                `INSERT INTO items (dataset, key, split, content_hash, added_at) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (dataset, key) DO UPDATE SET split = excluded.split, content_hash = excluded.content_hash`,
            );
            for (const i of entry.items) {
                upsert.run([i.dataset, i.key, i.split, orNull(i.contentHash), i.addedAt]);
            }
            return;
        }
        case 'aggregates': {
            const upsert = statements.get(
                `INSERT OR REPLACE INTO aggregates (task, item, value, confidence, method, answers, updated_at) VALUES (?, ?, ?, ` +
                    `?, ?, ?, ?)`,
            );
            for (const a of entry.aggregates) {
                upsert.run([a.task, a.item, json(a.value), a.confidence, a.method, a.answers, a.updatedAt]);
            }
            return;
        }
        case 'estimates': {
            const upsert = statements.get(
                `INSERT OR REPLACE INTO labeler_estimates (labeler, task, accuracy, confusion, n, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
            );
            for (const e of entry.estimates) {
                upsert.run([e.labeler, e.task, e.accuracy, e.confusion === undefined ? null : json(e.confusion), e.n, e.updatedAt]);
            }
            return;
        }
        case 'plan': {
            const p = entry.plan;
            statements
                .get(`INSERT OR REPLACE INTO plans (program, version, plan, content_hash, compiled_at) VALUES (?, ?, ?, ?, ?)`)
                .run([p.program, p.version, json(p.plan), p.contentHash, p.compiledAt]);
            return;
        }
        case 'model': {
            const m = entry.model;
            statements
                .get(
                    `INSERT OR REPLACE INTO model_versions (labeler, version, onnx_path, validation_accuracy, labels_used, ` +
                        `created_at) VALUES (?, ?, ?, ?, ?, ?)`,
                )
                .run([m.labeler, m.version, m.onnxPath, orNull(m.validationAccuracy), m.labelsUsed, m.createdAt]);
            return;
        }
        case 'evaluation': {
            const e = entry.evaluation;
            statements
                .get(`INSERT OR IGNORE INTO evaluations (id, program_version, model, split, accuracy, at) VALUES (?, ?, ?, ?, ?, ?)`)
                .run([e.id, orNull(e.programVersion), e.model, e.split, e.accuracy, e.at]);
            return;
        }
        case 'stages': {
            const upsert = statements.get(
                `INSERT OR REPLACE INTO stage_states (run, stage, item, status, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
            );
            for (const s of entry.states) {
                upsert.run([s.run, s.stage, s.item, s.status, s.detail === undefined ? null : json(s.detail), s.updatedAt]);
            }
            return;
        }
    }
}
