/**
 * CSV reading for datasets and recorded answers: a header row, then one record per line.
 * Parsing (quotes, embedded newlines, BOM) is csv-parse's; this file adds the errors a
 * user can act on — which file, which line, which column is missing.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** A CSV problem the user must fix; `file` and `line` (1-based) say where. */
export class CsvError extends Error {
    constructor(
        message: string,
        readonly file: string,
        readonly line?: number,
    ) {
        super(message);
        this.name = 'CsvError';
    }
}

export interface CsvTable {
    file: string;
    header: string[];
    /** One object per record, keyed by header name. */
    rows: Record<string, string>[];
}

/** Parses CSV text (header row first). `file` names the source in error messages. */
export function parseCsv(text: string, file = '<input>'): CsvTable {
    let records: string[][];
    try {
        records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
    } catch (error) {
        const e = error as { message?: string; lines?: number };
        const line = typeof e.lines === 'number' ? e.lines : undefined;
        throw new CsvError(`${file}${line ? `:${line}` : ''}: invalid CSV: ${e.message ?? String(error)}`, file, line);
    }
    if (records.length === 0) {
        throw new CsvError(`${file}: the file is empty; expected a header row naming the columns`, file, 1);
    }
    const header = records[0].map((name) => name.trim());
    const seen = new Set<string>();
    for (const name of header) {
        if (seen.has(name)) {
            throw new CsvError(`${file}:1: column '${name}' appears twice in the header`, file, 1);
        }
        seen.add(name);
    }
    const rows = records.slice(1).map((record) => {
        const row: Record<string, string> = {};
        header.forEach((name, i) => (row[name] = record[i]));
        return row;
    });
    return { file, header, rows };
}

/** Reads and parses a CSV file; an unreadable file is a CsvError naming it. */
export function readCsvFile(file: string): CsvTable {
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch (error) {
        throw new CsvError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, file);
    }
    return parseCsv(text, file);
}

/** Checks that every named column is in the header; the error names the file, the column and the columns there are. */
export function requireColumns(table: CsvTable, columns: Record<string, string | undefined>): void {
    for (const [option, column] of Object.entries(columns)) {
        if (column !== undefined && !table.header.includes(column)) {
            throw new CsvError(
                `${table.file}: no column '${column}' (given as ${option}); the columns are: ${table.header.join(', ')}`,
                table.file,
                1,
            );
        }
    }
}
