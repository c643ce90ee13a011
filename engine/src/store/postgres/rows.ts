/** Rows of the PostgreSQL store as dprog records, and the batched writes (one statement per table and batch). */
import type { PoolClient } from 'pg';
import type { Aggregate, Evaluation, Item, Label, LabelerEstimate, LabelQuery, ModelVersion, StageState, StoredPlan } from '../types.js';
import { labelWhere as whereOf } from '../label-where.js';
export { toAggregate, toEstimate, toEvaluation, toItem, toLabel, toModel, toPlan, toStageState } from '../rows.js';

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** WHERE clause of a label query, with $n placeholders. */
export function labelWhere(query: LabelQuery): { where: string; params: unknown[] } {
    return whereOf(query, { placeholder: (position) => `$${position}`, flag: (value) => value });
}

/** One table's batched write: columns with their PostgreSQL array types, the key, and what a conflict does. */
interface TableWrite<T> {
    table: string;
    columns: [name: string, type: string, value: (row: T) => unknown][];
    key: string[];
    /** `update`: the new row replaces the stored one; `keep`: the stored row stays (idempotent inserts). */
    onConflict: 'update' | 'keep';
    /** Columns an update leaves as they are (an item's first-added time). */
    keepOnUpdate?: string[];
}

const CHUNK = 5000;

/** Writes rows with one `INSERT … SELECT FROM unnest(…)` per chunk. */
export async function writeRows<T>(client: Queryable, spec: TableWrite<T>, rows: readonly T[]): Promise<void> {
    const sql = insertSql(spec);
    for (let start = 0; start < rows.length; start += CHUNK) {
        const chunk = rows.slice(start, start + CHUNK);
        await client.query(
            sql,
            spec.columns.map(([, , value]) => chunk.map(value)),
        );
    }
}

/** A client or a pool: a lone statement on a pool is a transaction of its own. */
export type Queryable = Pick<PoolClient, 'query'>;

/** `INSERT … SELECT FROM unnest($1…$n) ON CONFLICT …` returning the first key column of each row written. */
function insertSql<T>(spec: TableWrite<T>): string {
    const names = spec.columns.map(([name]) => name);
    const unnest = spec.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    const conflict =
        spec.onConflict === 'keep'
            ? 'DO NOTHING'
            : `DO UPDATE SET ${names
                  .filter((n) => !spec.key.includes(n) && !spec.keepOnUpdate?.includes(n))
                  .map((n) => `${n} = excluded.${n}`)
                  .join(', ')}`;
    return (
        `INSERT INTO ${spec.table} (${names.join(', ')}) SELECT * FROM unnest(${unnest}) ON CONFLICT (${spec.key.join(', ')}) ` +
        `${conflict} RETURNING ${spec.key[0]}`
    );
}

/**
 * Adds up to CHUNK labels in one statement (one round trip, its own transaction when sent on a
 * pool): new labels are inserted, and the leases their people held on those items end.
 */
export async function insertLabelsEndingLeases(client: Queryable, labels: readonly Label[]): Promise<string[]> {
    // Named: each connection parses and plans it once, then only binds and runs it (the label's acknowledgement is this round trip).
    const result = await client.query({
        name: 'dprog-insert-labels-ending-leases',
        text: INSERT_LABELS_ENDING_LEASES,
        values: LABELS.columns.map(([, , value]) => labels.map(value)),
    });
    return (result.rows as Record<string, unknown>[]).map((row) => String(row.id));
}

export const LABELS_PER_STATEMENT = CHUNK;

/** The last row of each key (an upsert may not touch one row twice in a statement). */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
    return [...new Map(rows.map((row) => [key(row), row])).values()];
}

export const LABELS: TableWrite<Label> = {
    table: 'labels',
    key: ['id'],
    onConflict: 'keep',
    columns: [
        ['id', 'text', (l) => l.id],
        ['task', 'text', (l) => l.task],
        ['item', 'text', (l) => l.item],
        ['labeler', 'text', (l) => l.labeler],
        ['labeler_kind', 'text', (l) => l.labelerKind],
        ['person', 'text', (l) => l.person ?? null],
        ['value', 'text', (l) => json(l.value)],
        ['score', 'float8', (l) => l.score ?? null],
        ['gold', 'bool', (l) => l.gold],
        ['program_version', 'text', (l) => l.programVersion ?? null],
        ['created_at', 'text', (l) => l.createdAt],
        ['superseded_by', 'text', (l) => l.supersededBy ?? null],
    ],
};

const INSERT_LABELS_ENDING_LEASES = `WITH ins AS (${insertSql(LABELS).replace(/RETURNING id$/, 'RETURNING id, task, item, person')}),
    ended AS (DELETE FROM leases l USING ins
               WHERE ins.person IS NOT NULL AND l.task = ins.task AND l.item = ins.item AND l.person = ins.person)
    SELECT id FROM ins`;

export const ITEMS: TableWrite<Item> = {
    table: 'items',
    key: ['dataset', 'key'],
    onConflict: 'update',
    // As in the embedded store: `addedAt` is when the item was first added.
    keepOnUpdate: ['added_at'],
    columns: [
        ['dataset', 'text', (i) => i.dataset],
        ['key', 'text', (i) => i.key],
        ['split', 'text', (i) => i.split],
        ['content_hash', 'text', (i) => i.contentHash ?? null],
        ['added_at', 'text', (i) => i.addedAt],
    ],
};

export const AGGREGATES: TableWrite<Aggregate> = {
    table: 'aggregates',
    key: ['task', 'item'],
    onConflict: 'update',
    columns: [
        ['task', 'text', (a) => a.task],
        ['item', 'text', (a) => a.item],
        ['value', 'text', (a) => json(a.value)],
        ['confidence', 'float8', (a) => a.confidence],
        ['method', 'text', (a) => a.method],
        ['answers', 'int4', (a) => a.answers],
        ['updated_at', 'text', (a) => a.updatedAt],
    ],
};

export const ESTIMATES: TableWrite<LabelerEstimate> = {
    table: 'labeler_estimates',
    key: ['labeler', 'task'],
    onConflict: 'update',
    columns: [
        ['labeler', 'text', (e) => e.labeler],
        ['task', 'text', (e) => e.task],
        ['accuracy', 'float8', (e) => e.accuracy],
        ['confusion', 'text', (e) => json(e.confusion)],
        ['n', 'int4', (e) => e.n],
        ['updated_at', 'text', (e) => e.updatedAt],
    ],
};

export const PLANS: TableWrite<StoredPlan> = {
    table: 'plans',
    key: ['program', 'version'],
    onConflict: 'update',
    columns: [
        ['program', 'text', (p) => p.program],
        ['version', 'text', (p) => p.version],
        ['plan', 'text', (p) => json(p.plan)],
        ['content_hash', 'text', (p) => p.contentHash],
        ['compiled_at', 'text', (p) => p.compiledAt],
    ],
};

export const MODELS: TableWrite<ModelVersion> = {
    table: 'model_versions',
    key: ['labeler', 'version'],
    onConflict: 'update',
    columns: [
        ['labeler', 'text', (m) => m.labeler],
        ['version', 'text', (m) => m.version],
        ['onnx_path', 'text', (m) => m.onnxPath],
        ['validation_accuracy', 'float8', (m) => m.validationAccuracy ?? null],
        ['labels_used', 'int4', (m) => m.labelsUsed],
        ['created_at', 'text', (m) => m.createdAt],
    ],
};

export const EVALUATIONS: TableWrite<Evaluation> = {
    table: 'evaluations',
    key: ['id'],
    onConflict: 'keep',
    columns: [
        ['id', 'text', (e) => e.id],
        ['program_version', 'text', (e) => e.programVersion ?? null],
        ['model', 'text', (e) => e.model],
        ['split', 'text', (e) => e.split],
        ['accuracy', 'float8', (e) => e.accuracy],
        ['at', 'text', (e) => e.at],
    ],
};

export const STAGES: TableWrite<StageState> = {
    table: 'stage_states',
    key: ['run', 'stage', 'item'],
    onConflict: 'update',
    columns: [
        ['run', 'text', (s) => s.run],
        ['stage', 'text', (s) => s.stage],
        ['item', 'text', (s) => s.item],
        ['status', 'text', (s) => s.status],
        ['detail', 'text', (s) => json(s.detail)],
        ['updated_at', 'text', (s) => s.updatedAt],
    ],
};
