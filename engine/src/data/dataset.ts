/**
 * Reading a declared dataset (jsonl or csv) into typed items with stable keys and split buckets.
 * Every problem names the file and, where there is one, the line: a missing key, a duplicate key,
 * a field of the wrong type, text that is not UTF-8, or a file with no items at all.
 */
import * as nodePath from 'node:path';
import { globSync } from 'tinyglobby';
import { DataError } from './errors.js';
import { readJsonl } from './jsonl.js';
import { decodeUtf8Text, parseCsv, type CsvTable } from './csv.js';
import { readRegularFile } from './regular-file.js';
import { assignBucket, type SplitBucket } from './split.js';

export type FieldType = 'Text' | 'String' | 'Number' | 'Bool' | 'Image';

export interface FieldSpec {
    name: string;
    type: FieldType;
    key?: boolean;
    /** The column / JSON key in the file when it differs from the field name. */
    source?: string;
}

export interface DatasetSpec {
    name: string;
    format: 'jsonl' | 'csv' | 'images';
    /** The data file (already resolved against the program's folder); for `images`, a glob. */
    path: string;
    /** For `images`: the folder keys and `path` fields are relative to (the program's folder). Default: the glob's folder. */
    root?: string;
    fields: FieldSpec[];
    split?: { field: string; buckets: SplitBucket[] };
}

export interface DataItem {
    key: string;
    /** The split bucket, when the dataset declares a split. */
    split?: string;
    /** Declared fields, by field name, converted to their declared types. */
    fields: Record<string, string | number | boolean>;
    /** The whole source record, including undeclared columns (e.g. a gold answer). */
    record: Record<string, unknown>;
    /** 1-based line (jsonl) or record number (csv) in the file. */
    line: number;
}

export interface Dataset {
    spec: DatasetSpec;
    items: DataItem[];
}

function convert(value: unknown, field: FieldSpec, where: string, file: string, line: number): string | number | boolean {
    const column = field.source ?? field.name;
    if (value === undefined || value === null) {
        throw new DataError(`${where}: missing field '${column}' (declared as ${field.name}: ${field.type})`, file, line);
    }
    switch (field.type) {
        case 'Number': {
            const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
            if (!Number.isFinite(n)) {
                throw new DataError(`${where}: field '${column}' should be a Number, found ${JSON.stringify(value)}`, file, line);
            }
            return n;
        }
        case 'Bool': {
            if (typeof value === 'boolean') {
                return value;
            }
            if (value === 'true' || value === 'false') {
                return value === 'true';
            }
            throw new DataError(`${where}: field '${column}' should be a Bool (true/false), found ${JSON.stringify(value)}`, file, line);
        }
        default:
            if (typeof value === 'string') {
                return value;
            }
            if (typeof value === 'number' || typeof value === 'boolean') {
                return String(value);
            }
            throw new DataError(
                `${where}: field '${column}' should be ${field.type}, found ${Array.isArray(value) ? 'an array' : typeof value}`,
                file,
                line,
            );
    }
}

function* sourceRecords(spec: DatasetSpec): Generator<{ line: number; value: Record<string, unknown>; where: string }> {
    if (spec.format === 'jsonl') {
        for (const { line, value } of readJsonl(spec.path)) {
            yield { line, value, where: `${spec.path}:${line}` };
        }
        return;
    }
    if (spec.format === 'csv') {
        const table = readCsvDataset(spec.path);
        let record = 0;
        for (const row of table.rows) {
            record++;
            yield { line: record + 1, value: row, where: `${spec.path}: record ${record}` };
        }
        return;
    }
    const root = spec.root ?? globBase(spec.path);
    const files = globSync(nodePath.relative(root, spec.path).split(nodePath.sep).join('/'), { cwd: root, onlyFiles: true }).sort();
    let line = 0;
    for (const file of files) {
        line++;
        yield { line, value: { path: file, image: file }, where: nodePath.resolve(root, file) };
    }
}

/** A CSV dataset's table; every problem with it, like one in a JSONL dataset, is a DataError. */
function readCsvDataset(file: string): CsvTable {
    return parseCsv(decodeUtf8Text(readRegularFile(file), file), file);
}

/** The folder part of a glob before its first wildcard. */
function globBase(pattern: string): string {
    const parts = pattern.split(/[\\/]/);
    const wild = parts.findIndex((p) => /[*?[\]{}]/.test(p));
    return wild < 0 ? nodePath.dirname(pattern) : parts.slice(0, wild).join('/') || '/';
}

/** The implicit fields of an `images` dataset (language.md §3). */
const IMAGE_FIELDS: FieldSpec[] = [
    { name: 'path', type: 'String', key: true },
    { name: 'image', type: 'Image' },
];

/** Reads every item of a dataset. Throws DataError for malformed rows and for an empty dataset. */
export function readDataset(declared: DatasetSpec): Dataset {
    const spec =
        declared.format === 'images'
            ? { ...declared, fields: [...IMAGE_FIELDS, ...declared.fields.filter((f) => !IMAGE_FIELDS.some((i) => i.name === f.name))] }
            : declared;
    const keyField = spec.fields.find((f) => f.key);
    const seen = new Map<string, number>();
    const items: DataItem[] = [];
    for (const { line, value, where } of sourceRecords(spec)) {
        const fields: DataItem['fields'] = {};
        for (const field of spec.fields) {
            fields[field.name] = convert(value[field.source ?? field.name], field, where, spec.path, line);
        }
        const key = keyField ? String(fields[keyField.name]) : String(line);
        if (keyField && key.trim() === '') {
            throw new DataError(
                `${where}: the key '${keyField.source ?? keyField.name}' is empty; every item needs a non-empty key`,
                spec.path,
                line,
            );
        }
        const previous = seen.get(key);
        if (previous !== undefined) {
            throw new DataError(`${where}: duplicate key '${key}' (first seen at line ${previous}); keys must be unique`, spec.path, line);
        }
        seen.set(key, line);
        let split: string | undefined;
        if (spec.split) {
            const splitField = spec.fields.find((f) => f.name === spec.split!.field);
            const raw = splitField ? fields[splitField.name] : value[spec.split.field];
            if (raw === undefined || raw === null) {
                throw new DataError(`${where}: missing split field '${spec.split.field}'`, spec.path, line);
            }
            split = assignBucket(String(raw), spec.split.buckets);
        }
        items.push({ key, split, fields, record: value, line });
    }
    if (items.length === 0) {
        const what = { csv: 'row below the header', jsonl: 'JSON object, one per line', images: 'image matching the glob' }[spec.format];
        throw new DataError(`${spec.path}: the dataset '${spec.name}' is empty; add at least one ${what}`, spec.path);
    }
    return { spec, items };
}
