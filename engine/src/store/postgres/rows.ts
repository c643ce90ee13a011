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

/** A column's PostgreSQL type; `json` is text holding the field's value as JSON. */
type ColumnType = 'text' | 'float8' | 'int4' | 'bool' | 'json';

/** `labelerKind` → `labeler_kind`: a record field's column name. */
type ColumnName<Field extends string> = Field extends `${infer Head}${infer Rest}`
    ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${ColumnName<Rest>}`
    : Field;

/**
 * A table's columns, in order: each holds the record field of the same name in camelCase (a missing
 * field is NULL), as text unless `types` says otherwise. The names are checked against the record's fields.
 */
function columnsOf<T>(
    names: ColumnName<keyof T & string>[],
    types: Partial<Record<ColumnName<keyof T & string>, ColumnType>> = {},
): TableWrite<T>['columns'] {
    return names.map((name) => {
        const field = name.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()) as keyof T;
        const type: ColumnType = types[name] ?? 'text';
        const value = type === 'json' ? (row: T) => json(row[field]) : (row: T) => row[field] ?? null;
        // Stryker disable next-line ConditionalExpression: sent as json[], JSON.stringify's text is stored verbatim in the TEXT column
        return [name, type === 'json' ? 'text' : type, value];
    });
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
    columns: columnsOf<Label>(
        [
            'id',
            'task',
            'item',
            'labeler',
            'labeler_kind',
            'person',
            'value',
            'score',
            'gold',
            'program_version',
            'created_at',
            'superseded_by',
        ],
        { value: 'json', score: 'float8', gold: 'bool' },
    ),
};

// Stryker disable next-line Regex: insertSql's text holds "RETURNING id" once, at its end
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
    columns: columnsOf<Item>(['dataset', 'key', 'split', 'content_hash', 'added_at']),
};

export const AGGREGATES: TableWrite<Aggregate> = {
    table: 'aggregates',
    key: ['task', 'item'],
    onConflict: 'update',
    columns: columnsOf<Aggregate>(['task', 'item', 'value', 'confidence', 'method', 'answers', 'updated_at'], {
        value: 'json',
        confidence: 'float8',
        answers: 'int4',
    }),
};

export const ESTIMATES: TableWrite<LabelerEstimate> = {
    table: 'labeler_estimates',
    key: ['labeler', 'task'],
    onConflict: 'update',
    columns: columnsOf<LabelerEstimate>(['labeler', 'task', 'accuracy', 'confusion', 'n', 'updated_at'], {
        accuracy: 'float8',
        confusion: 'json',
        n: 'int4',
    }),
};

export const PLANS: TableWrite<StoredPlan> = {
    table: 'plans',
    key: ['program', 'version'],
    onConflict: 'update',
    columns: columnsOf<StoredPlan>(['program', 'version', 'plan', 'content_hash', 'compiled_at'], { plan: 'json' }),
};

export const MODELS: TableWrite<ModelVersion> = {
    table: 'model_versions',
    key: ['labeler', 'version'],
    onConflict: 'update',
    columns: columnsOf<ModelVersion>(['labeler', 'version', 'onnx_path', 'validation_accuracy', 'labels_used', 'created_at'], {
        validation_accuracy: 'float8',
        labels_used: 'int4',
    }),
};

export const EVALUATIONS: TableWrite<Evaluation> = {
    table: 'evaluations',
    key: ['id'],
    onConflict: 'keep',
    columns: columnsOf<Evaluation>(['id', 'program_version', 'model', 'split', 'accuracy', 'at'], { accuracy: 'float8' }),
};

export const STAGES: TableWrite<StageState> = {
    table: 'stage_states',
    key: ['run', 'stage', 'item'],
    onConflict: 'update',
    columns: columnsOf<StageState>(['run', 'stage', 'item', 'status', 'detail', 'updated_at'], { detail: 'json' }),
};
