/**
 * CSV reading for datasets and recorded answers: a header row, then one record per line.
 * Parsing (quotes, embedded newlines, BOM) is csv-parse's; this file adds the errors a
 * user can act on — which file, which line, which column is missing.
 */
import { parse } from 'csv-parse/sync';
import { DataError } from './errors.js';
import { readRegularFile } from './regular-file.js';

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
        throw new DataError(`${file}${line ? `:${line}` : ''}: invalid CSV: ${e.message ?? String(error)}`, file, line);
    }
    if (records.length === 0) {
        throw new DataError(`${file}: the file is empty; expected a header row naming the columns`, file, 1);
    }
    const header = records[0].map((name) => name.trim());
    const seen = new Set<string>();
    for (const name of header) {
        if (seen.has(name)) {
            throw new DataError(`${file}:1: column '${name}' appears twice in the header`, file, 1);
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

/**
 * Reads and parses a CSV file. A file that cannot be read (missing, a folder, a device) is a
 * DataError of fault `usage` naming it; text that is not UTF-8 or not CSV is a DataError naming file and line.
 */
export function readCsvFile(file: string): CsvTable {
    let bytes: Buffer;
    try {
        bytes = readRegularFile(file);
    } catch (error) {
        throw new DataError((error as Error).message, file, undefined, 'usage');
    }
    return parseCsv(decodeUtf8Text(bytes, file), file);
}

/** Decodes a whole file as strict UTF-8; other bytes are a DataError naming the first bad line. */
export function decodeUtf8Text(bytes: Buffer, file: string): string {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        const line = firstInvalidUtf8Line(bytes);
        throw new DataError(
            `${file}:${line}: the file is not valid UTF-8 text; convert it to UTF-8 (for example with iconv -t UTF-8)`,
            file,
            line,
        );
    }
}

/** The 1-based line of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8Line(bytes: Buffer): number {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
        if (i === bytes.length || bytes[i] === 0x0a) {
            try {
                decoder.decode(bytes.subarray(start, i));
            } catch {
                return line;
            }
            line++;
            start = i + 1;
        }
    }
    return line;
}

/** Checks that every named column is in the header; the error names the file, the column and the columns there are. */
export function requireColumns(table: CsvTable, columns: Record<string, string | undefined>): void {
    for (const [option, column] of Object.entries(columns)) {
        if (column !== undefined && !table.header.includes(column)) {
            throw new DataError(
                `${table.file}: no column '${column}' (given as ${option}); the columns are: ${table.header.join(', ')}`,
                table.file,
                1,
                'usage',
            );
        }
    }
}
