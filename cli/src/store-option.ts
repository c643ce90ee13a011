/**
 * The `--store STORE` option: a file path (the embedded store) or `postgres://user@host:port/db`;
 * without it, `.dprog/labels.sqlite` beside the program (or in the current folder). Anything else
 * is a usage error, never a folder named after it. Writers wait for a busy embedded store.
 */
import { existsSync } from 'node:fs';
import {
    EmbeddedStore,
    type LabelStore,
    openStore as openAnyStore,
    programStoreLocation,
    StoreCorruptError,
    StoreError,
    StoreInputError,
    StoreLocationError,
    StoreVersionError,
    type Store,
    type StoreLocation,
    type StoreLockedError,
} from '../../engine/src/store/index.js';
import { ProgramError, UsageError } from './errors.js';

/** Where `--store` points; the default store beside `file` (or in the current folder without one). */
export function storeLocationFor(file: string | undefined, store?: string, what = '--store'): StoreLocation {
    try {
        return programStoreLocation(file, store);
    } catch (error) {
        if (error instanceof StoreLocationError) {
            throw new UsageError(`${what} ${error.message}`);
        }
        throw error;
    }
}

/** The embedded store's file, for commands that run only on it (they say so for a PostgreSQL URL). */
export function storePathFor(file: string, store?: string, command = 'this command'): string {
    const location = storeLocationFor(file, store);
    if (location.backend === 'sqljs') {
        return location.path;
    }
    throw new UsageError(
        `--store ${location.display}: ${command} runs on the embedded store only for now. ` +
            `Copy the team store to a file with \`dprog store copy ${location.display} FILE\` and pass --store FILE.`,
    );
}

/**
 * The embedded store of `file`, for the commands that still read it synchronously (the learning
 * commands), opened by openAnyStoreAt; a `readonly` store that does not exist yet gives undefined
 * (nothing labeled so far).
 */
export async function openStore(file: string, store: string | undefined, readonly: boolean): Promise<LabelStore | undefined> {
    const storePath = storePathFor(file, store);
    if (readonly && !existsSync(storePath)) {
        if (store) {
            throw new UsageError(`${store}: no such label store.`);
        }
        return undefined;
    }
    return embedded(await openAnyStoreAt({ backend: 'sqljs', path: storePath }, readonly)).inner;
}

/** The embedded store behind `store` (the plan executor reads it synchronously). */
export function embedded(store: Store): EmbeddedStore {
    if (store instanceof EmbeddedStore) {
        return store;
    }
    throw new UsageError(`${store.location}: this command runs on the embedded store only for now.`);
}

/** How long a CLI writer waits for another writer of an embedded store: `DPROG_LOCK_WAIT` seconds, default 10. */
export function lockWait(): { lockWaitMs: number; onLockWait: (busy: StoreLockedError) => void } {
    const seconds = Number(process.env.DPROG_LOCK_WAIT ?? 10);
    const waitS = Number.isFinite(seconds) && seconds >= 0 ? seconds : 10;
    return {
        lockWaitMs: waitS * 1000,
        onLockWait: (busy) =>
            process.stderr.write(
                `dprog: the label store is busy (process ${busy.holderPid ?? 'unknown'} is writing); waiting up to ${waitS} s for ` +
                    `it to finish…\n`,
            ),
    };
}

/** Store errors as CLI errors: damaged data and bad records exit 1; locks, connections and missing stores exit 2. */
export function asCliError(error: unknown): unknown {
    if (error instanceof StoreCorruptError || error instanceof StoreVersionError || error instanceof StoreInputError) {
        return new ProgramError(error.message);
    }
    if (error instanceof StoreError) {
        return new UsageError(error.message);
    }
    return error;
}

/**
 * The CLI's store opener: any store (embedded or PostgreSQL), writers of an embedded store waiting
 * for the lock. Store errors become CLI errors (asCliError); anything else that stops the store
 * from opening (a folder, no permission) is a usage error naming the store.
 */
export async function openAnyStoreAt(location: StoreLocation, readonly: boolean): Promise<Store> {
    const where = location.backend === 'sqljs' ? location.path : location.display;
    if (readonly && location.backend === 'sqljs' && !existsSync(location.path)) {
        throw new UsageError(`${where}: no such label store.`);
    }
    try {
        return await openAnyStore(location, { readonly, ...lockWait() });
    } catch (error) {
        const cli = asCliError(error);
        if (cli !== error || !(error instanceof Error)) {
            throw cli;
        }
        throw new UsageError(`${where}: cannot open the label store: ${error.message}`);
    }
}
