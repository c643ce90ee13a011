/**
 * Whose problem a bad data file is: `data` when its content is wrong (not UTF-8, not CSV, an empty
 * cell, conflicting gold), `usage` when the command was pointed at the wrong thing (a file that
 * cannot be read, a column the header does not have).
 */
export type DataFault = 'data' | 'usage';

/** A problem with a data file that the user must fix; `file` and `line` (1-based) say where. */
export class DataError extends Error {
    constructor(
        message: string,
        readonly file: string,
        readonly line?: number,
        readonly fault: DataFault = 'data',
    ) {
        super(message);
        this.name = 'DataError';
    }
}
