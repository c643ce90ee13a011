/**
 * Reading recorded answers (one row per answer: item, worker, label, optional gold) from a CSV,
 * straight into integer ids. A file without a double quote is read byte by byte (no string per
 * cell: items, workers and labels are interned as they are met); any other file goes through
 * csv-parse (quotes, embedded newlines). Both give the same table and the same errors.
 * A missing column or an unreadable file is a DataError of fault `usage` (the caller's problem); an
 * empty cell, a short record or conflicting gold is a DataError naming the file and line (the data's problem).
 */
import { isUtf8 } from 'node:buffer';
import type { Answer, EncodedAnswers } from '../quality/answers.js';
import { ByteInterner, grow } from './byte-interner.js';
import { decodeUtf8Text, parseCsv, requireColumns } from './csv.js';
import { DataError } from './errors.js';
import { readRegularFile } from './regular-file.js';

export interface AnswerColumns {
    item: string;
    worker: string;
    label: string;
    gold?: string;
}

export interface ReadAnswersOptions {
    /** An empty label cell is an answer (an empty set, for choices), not a data error. */
    emptyLabelIsAnswer?: boolean;
}

export interface RecordedAnswers {
    answers: Answer[];
    /** The gold label of items, when a gold column was given (empty gold cells are allowed). */
    gold?: Map<string, string>;
}

/** The answers as ids: `labelOf` and `goldOf` index `values` (labels and gold share one namespace). */
export interface AnswerTable {
    answers: number;
    itemOf: Int32Array;
    workerOf: Int32Array;
    labelOf: Int32Array;
    items: string[];
    workers: string[];
    values: string[];
    /** Per item: the id of its gold value, or -1 (when a gold column was given). */
    goldOf?: Int32Array;
}

interface Interner {
    readonly values: string[];
}

/** Collects rows as ids and checks each one; both readers feed it. */
class TableBuilder {
    answers = 0;
    itemOf = new Int32Array(1024);
    workerOf = new Int32Array(1024);
    labelOf = new Int32Array(1024);
    goldOf: Int32Array | undefined;

    constructor(
        readonly file: string,
        readonly columns: AnswerColumns,
        readonly options: ReadAnswersOptions,
        private readonly items: Interner,
        private readonly values: Interner,
    ) {
        if (columns.gold) {
            this.goldOf = new Int32Array(1024).fill(-1);
        }
    }

    /** `empty`: which of item, worker, label is an empty cell (bits 1, 2, 4). `gold`: a value id, or -1 for an empty cell. */
    add(line: number, item: number, worker: number, label: number, gold: number, empty: number): void {
        const missing = empty & (this.options.emptyLabelIsAnswer ? 3 : 7);
        if (missing) {
            const column = missing & 1 ? this.columns.item : missing & 2 ? this.columns.worker : this.columns.label;
            throw new DataError(
                `${this.file}:${line}: column '${column}' is empty; every answer needs an item, a worker and a label`,
                this.file,
                line,
            );
        }
        const a = this.answers++;
        if (a === this.itemOf.length) {
            [this.itemOf, this.workerOf, this.labelOf] = [grow(this.itemOf), grow(this.workerOf), grow(this.labelOf)];
        }
        this.itemOf[a] = item;
        this.workerOf[a] = worker;
        this.labelOf[a] = label;
        if (!this.goldOf || gold < 0) {
            return;
        }
        while (item >= this.goldOf.length) {
            this.goldOf = grow(this.goldOf).fill(-1, this.goldOf.length);
        }
        const previous = this.goldOf[item];
        if (previous >= 0 && previous !== gold) {
            throw new DataError(
                `${this.file}:${line}: item '${this.items.values[item]}' has gold '${this.values.values[gold]}' here but ` +
                    `'${this.values.values[previous]}' on an earlier line`,
                this.file,
                line,
            );
        }
        this.goldOf[item] = gold;
    }

    table(workers: Interner): AnswerTable {
        const { items, values } = this;
        if (this.answers === 0) {
            throw new DataError(`${this.file}: no answers (only a header row)`, this.file);
        }
        const n = this.answers;
        const goldOf =
            this.goldOf && Int32Array.from({ length: items.values.length }, (_, i) => (i < this.goldOf!.length ? this.goldOf![i] : -1));
        return {
            answers: n,
            itemOf: this.itemOf.slice(0, n),
            workerOf: this.workerOf.slice(0, n),
            labelOf: this.labelOf.slice(0, n),
            items: items.values,
            workers: workers.values,
            values: values.values,
            ...(goldOf ? { goldOf } : {}),
        };
    }
}

export function readAnswerTable(file: string, columns: AnswerColumns, options: ReadAnswersOptions = {}): AnswerTable {
    let bytes: Buffer;
    try {
        bytes = readRegularFile(file);
    } catch (error) {
        throw new DataError((error as Error).message, file, undefined, 'usage');
    }
    if (!isUtf8(bytes)) {
        decodeUtf8Text(bytes, file); // throws a DataError naming the first line that is not UTF-8
    }
    const general = bytes.includes(0x22) || bytes.length === 0;
    return general ? parsedTable(bytes.toString('utf8'), file, columns, options) : scannedTable(bytes, file, columns, options);
}

/** Column positions of item, worker, label, gold (-1: none) from the header, checked. */
function rolesOf(header: string[], file: string, columns: AnswerColumns): Int32Array {
    requireColumns(
        { file, header, rows: [] },
        { '--item': columns.item, '--worker': columns.worker, '--label': columns.label, '--gold': columns.gold },
    );
    const roles = new Int32Array(header.length).fill(-1);
    [columns.item, columns.worker, columns.label, columns.gold].forEach((name, role) => {
        if (name !== undefined) {
            roles[header.indexOf(name)] = role;
        }
    });
    return roles;
}

/** The fast path: no quotes anywhere, so a comma ends a cell and a newline ends a record. */
function scannedTable(bytes: Buffer, file: string, columns: AnswerColumns, options: ReadAnswersOptions): AnswerTable {
    let p = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let eol = bytes.indexOf(0x0a, p);
    if (eol < 0) {
        eol = bytes.length;
    }
    const header = parseCsv(bytes.toString('utf8', p, eol), file).header;
    const roles = rolesOf(header, file, columns);
    const interners = [new ByteInterner(), new ByteInterner(), new ByteInterner()];
    const builder = new TableBuilder(file, columns, options, interners[0], interners[2]);
    const ids = new Int32Array(4);
    let line = 1;
    for (p = eol + 1; p < bytes.length; p = eol + 1) {
        line++;
        eol = bytes.indexOf(0x0a, p);
        if (eol < 0) {
            eol = bytes.length;
        }
        const end = eol > p && bytes[eol - 1] === 0x0d ? eol - 1 : eol;
        if (end === p) {
            continue; // an empty line
        }
        ids.fill(-1);
        let empty = 0;
        let column = 0;
        for (let start = p; ; column++) {
            let stop = start;
            while (stop < end && bytes[stop] !== 0x2c) {
                stop++;
            }
            const role = column < roles.length ? roles[column] : -1;
            if (role >= 0) {
                let s = start;
                let e = stop;
                while (s < e && (bytes[s] === 0x20 || bytes[s] === 0x09)) {
                    s++;
                }
                while (e > s && (bytes[e - 1] === 0x20 || bytes[e - 1] === 0x09)) {
                    e--;
                }
                if (s === e) {
                    empty |= 1 << role;
                } else {
                    ids[role] = interners[Math.min(role, 2)].intern(bytes, s, e);
                }
            }
            if (stop >= end) {
                break;
            }
            start = stop + 1;
        }
        if (column + 1 !== header.length) {
            throw new DataError(
                `${file}:${line}: invalid CSV: this record has ${column + 1} field(s), the header has ${header.length}`,
                file,
                line,
            );
        }
        builder.add(line, ids[0], ids[1], empty & 4 ? interners[2].intern(bytes, p, p) : ids[2], ids[3], empty);
    }
    return builder.table(interners[1]);
}

class StringInterner implements Interner {
    readonly values: string[] = [];
    private readonly ids = new Map<string, number>();
    intern(value: string): number {
        let id = this.ids.get(value);
        if (id === undefined) {
            this.ids.set(value, (id = this.values.push(value) - 1));
        }
        return id;
    }
}

/** The general path: csv-parse reads quotes and embedded newlines. */
function parsedTable(text: string, file: string, columns: AnswerColumns, options: ReadAnswersOptions): AnswerTable {
    const table = parseCsv(text, file);
    rolesOf(table.header, file, columns);
    const [items, workers, values] = [new StringInterner(), new StringInterner(), new StringInterner()];
    const builder = new TableBuilder(file, columns, options, items, values);
    table.rows.forEach((row, index) => {
        const cell = (name: string | undefined) => (name === undefined ? '' : (row[name] ?? '').trim());
        const [item, worker, label, gold] = [cell(columns.item), cell(columns.worker), cell(columns.label), cell(columns.gold)];
        const empty = (item ? 0 : 1) | (worker ? 0 : 2) | (label ? 0 : 4);
        builder.add(index + 2, items.intern(item), workers.intern(worker), values.intern(label), gold ? values.intern(gold) : -1, empty);
    });
    return builder.table(workers);
}

/** The answers as strings (for callers that work per answer: replay, sets). */
export function readAnswersCsv(file: string, columns: AnswerColumns, options: ReadAnswersOptions = {}): RecordedAnswers {
    const table = readAnswerTable(file, columns, options);
    const answers: Answer[] = new Array(table.answers);
    for (let a = 0; a < table.answers; a++) {
        answers[a] = {
            item: table.items[table.itemOf[a]],
            worker: table.workers[table.workerOf[a]],
            label: table.values[table.labelOf[a]],
        };
    }
    return { answers, gold: goldMap(table) };
}

function goldMap(table: AnswerTable): Map<string, string> | undefined {
    if (!table.goldOf) {
        return undefined;
    }
    const gold = new Map<string, string>();
    table.goldOf.forEach((g, i) => g >= 0 && gold.set(table.items[i], table.values[g]));
    return gold;
}

/**
 * The answers encoded for aggregation, without a string per answer: classes are the distinct
 * labels, sorted; with `fixGold`, the gold column's items are fixed (planted gold questions).
 */
export function readEncodedAnswersCsv(
    file: string,
    columns: AnswerColumns,
    options: { fixGold?: boolean } = {},
): { encoded: EncodedAnswers; gold?: Map<string, string> } {
    const table = readAnswerTable(file, columns);
    const used = new Uint8Array(table.values.length);
    for (let a = 0; a < table.answers; a++) {
        used[table.labelOf[a]] = 1;
    }
    const classes = table.values.filter((_, v) => used[v]).sort();
    const classOf = new Int32Array(table.values.length).fill(-1);
    classes.forEach((c, k) => (classOf[table.values.indexOf(c)] = k));
    const labelOf = table.labelOf.map((v) => classOf[v]);
    const gold = new Int32Array(table.items.length).fill(-1);
    if (options.fixGold && table.goldOf) {
        table.goldOf.forEach((g, i) => {
            if (g < 0) {
                return;
            }
            if (classOf[g] < 0) {
                throw new DataError(
                    `${file}: gold label '${table.values[g]}' of item '${table.items[i]}' is not one of the answered labels ` +
                        `${classes.join(', ')}`,
                    file,
                );
            }
            gold[i] = classOf[g];
        });
    }
    const encoded: EncodedAnswers = {
        items: table.items,
        workers: table.workers,
        classes,
        itemOf: table.itemOf,
        workerOf: table.workerOf,
        labelOf,
        gold,
    };
    return { encoded, gold: goldMap(table) };
}
