/**
 * The single-writer lock: a file created with O_EXCL holding the writer's pid. A lock whose
 * process is gone (a crash, a kill) is stale and is taken over; a live one is an error.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreLockedError } from './errors.js';

interface LockContent {
    pid: number;
    host: string;
    since: string;
}

/** A held lock; `release()` removes the file. */
export interface StoreLock {
    readonly path: string;
    release(): void;
}

/** True when a process with this pid exists on this machine. */
export function processIsAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: it exists but belongs to someone else.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}

function readLock(lockPath: string): LockContent | undefined {
    try {
        const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockContent>;
        return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? ''), since: String(parsed.since ?? '') } : undefined;
    } catch {
        return undefined;
    }
}

function isRecent(lockPath: string): boolean {
    try {
        return Date.now() - statSync(lockPath).mtimeMs < 2000;
    } catch {
        return false;
    }
}

/**
 * Takes the write lock for `storePath` at `lockPath`, or throws StoreLockedError naming the holder.
 * A lock file that cannot be read (a crash between create and write) counts as stale.
 */
export function acquireLock(storePath: string, lockPath: string): StoreLock {
    for (let attempt = 0; attempt < 3; attempt++) {
        let fd: number;
        try {
            fd = openSync(lockPath, 'wx');
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
                throw error;
            }
            const holder = readLock(lockPath);
            if (!holder && isRecent(lockPath)) {
                // Just created by another writer that has not written its pid yet.
                throw new StoreLockedError(storePath, lockPath, undefined);
            }
            const sameHost = !holder || holder.host === hostname();
            if (holder && (!sameHost || processIsAlive(holder.pid))) {
                throw new StoreLockedError(storePath, lockPath, holder.pid);
            }
            // Stale: move it aside atomically (only one contender wins the rename), then retry.
            try {
                const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
                renameSync(lockPath, aside);
                unlinkSync(aside);
            } catch {
                // Someone else took it over first; the next attempt will see their lock.
            }
            continue;
        }
        const content: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
        writeSync(fd, JSON.stringify(content));
        fsyncSync(fd);
        closeSync(fd);
        let released = false;
        return {
            path: lockPath,
            release() {
                if (released) {
                    return;
                }
                released = true;
                const current = readLock(lockPath);
                if (current && current.pid === process.pid && current.since === content.since) {
                    unlinkSync(lockPath);
                }
            },
        };
    }
    throw new StoreLockedError(storePath, lockPath, readLock(lockPath)?.pid);
}
