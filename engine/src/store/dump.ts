/**
 * A whole store as plain rows, for moving it between backends (`dprog store copy`), with a content
 * hash that ignores the backend and the order rows happen to come back in.
 */
import { createHash } from 'node:crypto';
import type { Aggregate, Evaluation, Item, Label, LabelerEstimate, ModelVersion, StageState, StoredPlan } from './types.js';

export interface StoreDump {
    /** In the order they were added (superseded ones included). */
    labels: Label[];
    items: Item[];
    aggregates: Aggregate[];
    estimates: LabelerEstimate[];
    plans: StoredPlan[];
    models: ModelVersion[];
    evaluations: Evaluation[];
    stages: StageState[];
}

export const DUMP_TABLES = ['labels', 'items', 'aggregates', 'estimates', 'plans', 'models', 'evaluations', 'stages'] as const;

/** Rows per table. */
export function dumpCounts(dump: StoreDump): Record<(typeof DUMP_TABLES)[number], number> {
    return Object.fromEntries(DUMP_TABLES.map((table) => [table, dump[table].length])) as Record<(typeof DUMP_TABLES)[number], number>;
}

/** JSON with object keys sorted and undefined fields left out, so equal rows give equal text. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map(canonical).join(',')}]`;
    }
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        // Stryker disable next-line EqualityOperator: equivalent: keys are unique, and any fixed order of them gives canonical text.
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
    }
    return JSON.stringify(value);
}

/** SHA-256 of every row of every table, each table's rows sorted: equal for equal contents on any backend. */
export function dumpHash(dump: StoreDump): string {
    const hash = createHash('sha256');
    for (const table of DUMP_TABLES) {
        const rows = (dump[table] as unknown[]).map(canonical).sort();
        hash.update(`${table}\n`);
        for (const row of rows) {
            hash.update(`${row}\n`);
        }
    }
    return hash.digest('hex');
}
