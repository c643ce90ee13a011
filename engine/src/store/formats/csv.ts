/**
 * `csv`: one label per row. `value` holds the answer as JSON, except a string that is not JSON by
 * itself (`spam`, `New York`), which is written as is — so files stay readable and hand-written
 * ones work; round-trips exactly.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Label } from '../types.js';
import { FormatError, ReadCollector, RecordError, type LabelFormat, type RecordSource } from './format.js';
import { finish, labelRecord, recordToLabel } from './records.js';

const COLUMNS = [
    'id',
    'task',
    'item',
    'labeler',
    'labelerKind',
    'value',
    'score',
    'gold',
    'programVersion',
    'createdAt',
    'supersededBy',
    'person',
] as const;

export function cell(value: unknown): string {
    if (value === undefined) {
        return '';
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvFormat: LabelFormat = {
    name: 'csv',
    directory: false,
    export(labels) {
        const rows = labels.map((label) => {
            const record = labelRecord(label);
            return COLUMNS.map((column) => (column === 'value' ? cell(valueText(label.value)) : cell(record[column]))).join(',');
        });
        return [{ path: '', text: `${[COLUMNS.join(','), ...rows].join('\n')}\n` }];
    },
    import(source, options) {
        let rows: string[][];
        // The line each row ends on (a quoted newline makes a row span lines).
        const lines: number[] = [];
        try {
            const records = parse(readFileSync(source, 'utf8'), {
                bom: true,
                skip_empty_lines: true,
                relax_column_count: true,
                info: true,
            }) as unknown as { record: string[]; info: { lines: number } }[];
            rows = records.map((r) => r.record);
            for (const r of records) {
                lines.push(r.info.lines);
            }
        } catch (error) {
            const e = error as { message?: string; lines?: number };
            throw new FormatError(`invalid CSV: ${e.message}`, source, e.lines);
        }
        if (rows.length === 0) {
            throw new FormatError('the file is empty; expected a header row (item,value,…)', source, 1);
        }
        const header = rows[0].map((name) => name.trim());
        for (const required of ['item', 'value']) {
            if (!header.includes(required)) {
                throw new FormatError(`no '${required}' column; the header has ${header.join(', ')}`, source, 1);
            }
        }
        const read = new ReadCollector();
        const labels: Label[] = [];
        const sources: RecordSource[] = [];
        rows.slice(1).forEach((row, index) => {
            const where = { file: source, line: lines[index + 1] };
            read.record(where, () => {
                if (row.length !== header.length) {
                    throw new RecordError(`${row.length} field(s), the header has ${header.length}`);
                }
                const record: Record<string, unknown> = {};
                header.forEach((name, column) => {
                    const text = row[column];
                    if (name === 'value') {
                        record.value = parseValue(text);
                    } else if (name === 'score') {
                        record.score = text === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;
                    } else if (name === 'gold') {
                        record.gold = text === 'true' || text === '1';
                    } else {
                        record[name] = text;
                    }
                });
                labels.push(recordToLabel(record, options));
                sources.push(where);
            });
        });
        finish(labels, sources, read);
        return read;
    },
};

/** A string that is not itself JSON (`spam`) is written as is; anything else as JSON. `parseValue` undoes both. */
export function valueText(value: unknown): string {
    if (typeof value === 'string' && parseValue(value) === value) {
        return value;
    }
    return JSON.stringify(value);
}

function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
