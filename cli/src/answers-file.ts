/** Reading a CSV of recorded answers (one row per answer) (`dprog aggregate`, `run --replay`, `simulate`), with the CLI's exit codes. */
import { type AnswerColumns, type ReadAnswersOptions, type RecordedAnswers, readAnswersCsv } from '../../engine/src/data/answers-csv.js';
import { DataError } from '../../engine/src/data/errors.js';
import { ProgramError, UsageError } from './errors.js';

/** Reads the answers CSV: file and column problems exit 2, data problems (not CSV, not UTF-8, an empty cell) exit 1. */
export function readAnswers(file: string, columns: AnswerColumns, options: ReadAnswersOptions = {}): RecordedAnswers {
    return withAnswerErrors(() => readAnswersCsv(file, columns, options));
}

/** Runs a read of an answers CSV, turning its errors into the CLI's (file problems exit 2, data problems exit 1). */
export function withAnswerErrors<T>(read: () => T): T {
    try {
        return read();
    } catch (error) {
        if (error instanceof DataError) {
            throw error.fault === 'usage' ? new UsageError(error.message) : new ProgramError(error.message);
        }
        throw error;
    }
}
