/** A problem with a data file that the user must fix; `file` and `line` (1-based) say where. */
export class DataError extends Error {
    constructor(
        message: string,
        readonly file: string,
        readonly line?: number,
    ) {
        super(message);
        this.name = 'DataError';
    }
}
