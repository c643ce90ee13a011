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

/** Who holds a lock, as far as its file tells. */
export interface LockHolder {
    pid?: number;
    host?: string;
    /** Time since the holder last touched the lock (its heartbeat). */
    beatAgoMs?: number;
}

function describeHolder(holder: LockHolder): string {
    const where = holder.host ? ` on ${holder.host}` : '';
    const beat = holder.beatAgoMs === undefined ? '' : `, last heartbeat ${Math.round(holder.beatAgoMs / 1000)} s ago`;
    return `process ${holder.pid ?? 'unknown'}${where}${beat}`;
}

/** Another process (or another open store in this process) holds the write lock. */
export class StoreLockedError extends StoreError {
    /** Process id of the holder, when the lock file names one. */
    readonly holderPid: number | undefined;

    constructor(
        path: string,
        readonly lockPath: string,
        readonly holder: LockHolder,
    ) {
        super(
            holder.pid === process.pid
                ? `${path}: the label store is already open for writing in this process (lock file ${lockPath}). ` +
                      'Use the open LabelStore, or close it before opening it again.'
                : `${path}: the label store is locked by another writer (${describeHolder(holder)}, lock file ${lockPath}). ` +
                      'Close that dprog session (VS Code window or CLI) and try again, or open the store read-only meanwhile. ' +
                      'A writer that stops (its process ends, or it misses its heartbeat for 30 s) loses the lock by itself; ' +
                      'for many writers at once use a PostgreSQL store (--store postgres://…).',
            path,
        );
        this.holderPid = holder.pid;
    }
}

/** This writer's lock was removed or taken over: it stops writing rather than overwrite another writer's work. */
export class StoreLockLostError extends StoreError {
    constructor(
        path: string,
        readonly lockPath: string,
        readonly holder: LockHolder,
    ) {
        super(
            `${path}: this process no longer holds the write lock (lock file ${lockPath} ` +
                (holder.pid === undefined && holder.beatAgoMs === undefined ? 'is gone' : `now names ${describeHolder(holder)}`) +
                '), so it wrote nothing more: every label it acknowledged is already in the store. ' +
                'Open the store again to go on writing.',
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
        super(
            `${path}: no label store here. Run a labeling command (or \`dprog label import\`) to create it, or pass --store with ` +
                `the right path.`,
            path,
        );
    }
}

/** The store was written by a newer dprog whose schema this version does not know. */
export class StoreVersionError extends StoreError {
    constructor(
        path: string,
        readonly found: number,
        readonly supported: number,
    ) {
        super(
            `${path}: the label store has schema version ${found} but this dprog supports up to ${supported}. Upgrade dprog to open it.`,
            path,
        );
    }
}

/** A read-only open of a store whose schema is older than this dprog's: only a writer upgrades it. */
export class StoreOutdatedError extends StoreError {
    constructor(
        path: string,
        readonly found: number,
        readonly supported: number,
    ) {
        super(
            `${path}: the label store has schema version ${found}, older than this dprog's ${supported}, and a read-only open does ` +
                'not upgrade it. Open it once for writing with this dprog (any command that labels or imports) to upgrade it.',
            path,
        );
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
