/**
 * Applying journal entries to the database: the one place rows are written, used both by new
 * writes and by journal replay, so the two can never disagree. Every entry is idempotent.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import type { JournalEntry } from './journal.js';

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
 * Writes one entry's rows (the caller holds the transaction); for labels, `inserted[i]` says whether
 * label i was new. `tick` runs every 10,000 labels (the writer keeps its lock's heartbeat going).
 */
export function applyEntry(statements: StatementCache, entry: JournalEntry, inserted: boolean[] = [], tick?: () => void): void {
    switch (entry.op) {
        case 'labels': {
            const insert = statements.get(
                `INSERT OR IGNORE INTO labels
                   (id, task, item, labeler, labeler_kind, value, score, gold, program_version, created_at, superseded_by, person)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            );
            for (const l of entry.labels) {
                insert.run([
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
                ]);
                inserted.push(statements.modified() > 0);
                if (tick && inserted.length % TICK_ROWS === 0) {
                    tick();
                }
            }
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
