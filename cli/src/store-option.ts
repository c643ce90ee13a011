/**
 * The `--store STORE` option: a file path (the embedded store) or `postgres://user@host:port/db`;
 * without it, `.dprog/labels.sqlite` beside the program (or in the current folder). Anything else
 * is a usage error, never a folder named after it. Writers wait for a busy embedded store.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
    defaultStorePath,
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

/**
 * Where files kept beside the store go (retrained models in `models/`, crops in `derived/`): the
 * embedded store's file itself, or for a team store the default store's path beside the program.
 */
export function localStorePath(file: string, store?: string): string {
    const location = storeLocationFor(file, store);
    return location.backend === 'sqljs' ? location.path : defaultStorePath(path.dirname(path.resolve(file)));
}

/** Whether the store exists: an embedded store's file is there (a server's store is made on first use). */
export function storeExists(file: string, store?: string): boolean {
    const location = storeLocationFor(file, store);
    return location.backend === 'postgres' || existsSync(location.path);
}

/**
 * Opens the store (embedded or PostgreSQL); a `readonly` embedded store that does not exist yet
 * gives undefined when it is the default one (nothing labeled so far), a usage error when named.
 */
export async function openStore(file: string, store: string | undefined, readonly: boolean): Promise<Store | undefined> {
    if (readonly && !storeExists(file, store)) {
        if (store) {
            throw new UsageError(`${store}: no such label store.`);
        }
        return undefined;
    }
    return openAnyStoreAt(storeLocationFor(file, store), readonly);
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
