/** A label query (`LabelQuery`) as an SQL WHERE clause, for either backend's placeholders. */
import type { LabelQuery } from './types.js';

export interface SqlDialect<Flag> {
    /** The placeholder of the n-th parameter (from 1): `?` for SQLite, `$n` for PostgreSQL. */
    placeholder(position: number): string;
    /** A boolean column's value: 1/0 in SQLite, a boolean in PostgreSQL. */
    flag(value: boolean): Flag;
}

/** The query's text fields and their columns. */
const TEXT_COLUMNS = [
    ['task', 'task'],
    ['item', 'item'],
    ['labeler', 'labeler'],
    ['labelerKind', 'labeler_kind'],
    ['person', 'person'],
] as const;

export function labelWhere<Flag>(query: LabelQuery, dialect: SqlDialect<Flag>): { where: string; params: (string | Flag)[] } {
    const clauses: string[] = [];
    const params: (string | Flag)[] = [];
    const add = (column: string, value: string | Flag) => {
        params.push(value);
        clauses.push(`${column} = ${dialect.placeholder(params.length)}`);
    };
    for (const [field, column] of TEXT_COLUMNS) {
        const value = query[field];
        if (value !== undefined) {
            add(column, value);
        }
    }
    if (query.gold !== undefined) {
        add('gold', dialect.flag(query.gold));
    }
    if (!query.includeSuperseded) {
        clauses.push('superseded_by IS NULL');
    }
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}
