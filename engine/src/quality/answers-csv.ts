/**
 * Reading recorded answers (one row per answer: item, worker, label, optional gold) from a CSV.
 * A missing column or an unreadable file is a CsvError (the caller's usage problem); an empty
 * cell or conflicting gold is an AnswerDataError naming the file and line (the data's problem).
 */
import { readCsvFile, requireColumns } from '../data/csv.js';
import type { Answer } from './answers.js';

export class AnswerDataError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'AnswerDataError';
    }
}

export interface AnswerColumns {
    item: string;
    worker: string;
    label: string;
    gold?: string;
}

export interface RecordedAnswers {
    answers: Answer[];
    /** The gold label of items, when a gold column was given (empty gold cells are allowed). */
    gold?: Map<string, string>;
}

export interface ReadAnswersOptions {
    /** An empty label cell is an answer (an empty set, for choices), not a data error. */
    emptyLabelIsAnswer?: boolean;
}

export function readAnswersCsv(file: string, columns: AnswerColumns, options: ReadAnswersOptions = {}): RecordedAnswers {
    const table = readCsvFile(file);
    requireColumns(table, { '--item': columns.item, '--worker': columns.worker, '--label': columns.label, '--gold': columns.gold });
    const answers: Answer[] = [];
    const gold = columns.gold ? new Map<string, string>() : undefined;
    table.rows.forEach((row, index) => {
        const line = index + 2; // 1-based, after the header
        const item = row[columns.item]?.trim();
        const worker = row[columns.worker]?.trim();
        const label = row[columns.label]?.trim();
        const required = options.emptyLabelIsAnswer ? [[columns.item, item], [columns.worker, worker]] : [[columns.item, item], [columns.worker, worker], [columns.label, label]];
        for (const [column, value] of required) {
            if (!value) throw new AnswerDataError(`${file}:${line}: column '${column}' is empty; every answer needs an item, a worker and a label`);
        }
        answers.push({ item, worker, label: label ?? '' });
        const known = gold && row[columns.gold!]?.trim();
        if (gold && known) {
            const previous = gold.get(item);
            if (previous !== undefined && previous !== known) {
                throw new AnswerDataError(`${file}:${line}: item '${item}' has gold '${known}' here but '${previous}' on an earlier line`);
            }
            gold.set(item, known);
        }
    });
    if (answers.length === 0) throw new AnswerDataError(`${file}: no answers (only a header row)`);
    return { answers, gold };
}
