/**
 * Errors of the label store. Each names the file involved and says what to do, so the CLI and
 * the extension can show the message as is.
 */

/** Base class of every label-store error. */
export class StoreError extends Error {
    constructor(
        message: string,
        /** The file the error is about. */
        readonly path: string,
    ) {
        super(message);
        this.name = new.target.name;
    }
}

/** Another process (or another open store in this process) holds the write lock. */
export class StoreLockedError extends StoreError {
    constructor(
        path: string,
        readonly lockPath: string,
        /** Process id of the holder, when the lock file names one. */
        readonly holderPid: number | undefined,
    ) {
        super(
            holderPid === process.pid
                ? `${path}: the label store is already open for writing in this process (lock file ${lockPath}). ` +
                      'Use the open LabelStore, or close it before opening it again.'
                : `${path}: the label store is locked by another writer (process ${holderPid ?? 'unknown'}, lock file ${lockPath}). ` +
                      'Close the other dprog session (VS Code window or CLI) or open the store read-only; ' +
                      'if no such process exists, delete the lock file.',
            path,
        );
    }
}

/** The database or its journal is damaged. The file is left exactly as it was. */
export class StoreCorruptError extends StoreError {
    constructor(
        path: string,
        /** What is wrong, in a few words. */
        readonly problem: string,
    ) {
        super(
            `${path}: the label store is damaged: ${problem}. The file was not modified. ` +
                'Restore it from a backup (or version control), or move it aside to start a new store; ' +
                'labels can be re-imported with `dprog label import`.',
            path,
        );
    }
}

/** The store does not exist and was opened read-only, so it cannot be created. */
export class StoreNotFoundError extends StoreError {
    constructor(path: string) {
        super(`${path}: no label store here. Run a labeling command (or \`dprog label import\`) to create it, or pass --store with the right path.`, path);
    }
}

/** The store was written by a newer dprog whose schema this version does not know. */
export class StoreVersionError extends StoreError {
    constructor(
        path: string,
        readonly found: number,
        readonly supported: number,
    ) {
        super(`${path}: the label store has schema version ${found} but this dprog supports up to ${supported}. Upgrade dprog to open it.`, path);
    }
}

/** A write was attempted on a store opened with `readonly: true`, after `close()`, or after an unsaved bulk write. */
export class StoreReadonlyError extends StoreError {
    constructor(path: string, reason: 'readonly' | 'closed' | 'broken') {
        super(
            reason === 'readonly'
                ? `${path}: the label store was opened read-only; open it without \`readonly\` to write.`
                : reason === 'closed'
                  ? `${path}: the label store is closed.`
                  : `${path}: a large write could not be saved (snapshot and journal both failed; is the disk full?). ` +
                    'It was not acknowledged; the store takes no more writes until it is opened again.',
            path,
        );
    }
}

/** A value given to the store is invalid (a missing field, an unknown labeler kind, …). */
export class StoreInputError extends StoreError {}
