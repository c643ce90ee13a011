/**
 * The single-writer lock of an embedded store: a file whose content (pid, host, a random token) is
 * written whole before it appears — a temporary file hard-linked into place, which fails if a lock
 * is already there, so creating it is exclusive and nobody ever reads a half-written lock.
 *
 * The holder beats (touches the file) every few seconds. A lock is stale when its process is gone
 * (same host) or when it has not beaten for 30 s (a hung or orphaned process). Taking over a stale
 * lock never moves someone else's: a contender first claims the takeover of that lock's token
 * (`mkdir`, exclusive), checks that the lock still carries the token, and only then removes it; the
 * new lock is again created exclusively, so exactly one contender wins. A writer calls `verify()`
 * before every journal append and snapshot, and stops with StoreLockLostError when the lock is no
 * longer its own (removed by hand, or taken over after a long stall).
 */
import { randomUUID } from 'node:crypto';
import {
    closeSync,
    fstatSync,
    linkSync,
    mkdirSync,
    openSync,
    readFileSync,
    rmdirSync,
    statSync,
    unlinkSync,
    utimesSync,
    writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { StoreLockedError, StoreLockLostError, type LockHolder } from './errors.js';

interface LockContent {
    pid: number;
    host: string;
    token: string;
    since: string;
}

export interface LockTiming {
    /** A lock not touched for this long is stale even if its process exists (ms). Default 30 s. */
    staleMs?: number;
    /** How often the holder touches its lock (ms). Default 5 s. */
    beatMs?: number;
}

/** A held lock. */
export interface StoreLock {
    readonly path: string;
    /** Throws StoreLockLostError unless the lock file is still this holder's; beats when due. */
    verify(): void;
    /** Stops the heartbeat and removes the lock file if it is still this holder's. */
    release(): void;
}

const DEFAULT_STALE_MS = 30_000;
const DEFAULT_BEAT_MS = 5_000;
/** A takeover claim older than this belongs to a contender that died mid-takeover. */
const CLAIM_STALE_MS = 10_000;

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

/** What a lock file tells about its holder (`since` is for people reading the file). */
type LockFile = Omit<LockContent, 'since'>;

function parseLock(bytes: Buffer): LockFile | undefined {
    try {
        const parsed = JSON.parse(bytes.toString()) as Partial<LockContent>;
        if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') {
            return undefined;
        }
        return { pid: parsed.pid, host: String(parsed.host ?? ''), token: parsed.token };
    } catch {
        return undefined;
    }
}

/**
 * The lock file's identity for a takeover: its token (or its inode when it cannot be read), its
 * holder and how long ago it last beat. Content and age are read through one file descriptor, so
 * they describe the same file: read by path, a lock that another contender has just replaced
 * would lend the stale file's age to the new holder's token, and a fresh lock would be taken over.
 */
function identityOf(lockPath: string): { id: string; holder?: LockFile; ageMs: number } | undefined {
    let fd: number;
    try {
        fd = openSync(lockPath, 'r');
    } catch {
        return undefined;
    }
    try {
        const stat = fstatSync(fd);
        const holder = parseLock(readFileSync(fd));
        return { id: holder?.token ?? `inode-${stat.ino}-${stat.mtimeMs}`, holder, ageMs: Date.now() - stat.mtimeMs };
    } finally {
        closeSync(fd);
    }
}

function isStale(found: { holder?: LockFile; ageMs: number }, staleMs: number): boolean {
    if (found.ageMs > staleMs) {
        return true;
    }
    const holder = found.holder;
    if (!holder) {
        return found.ageMs > 2000;
    }
    return holder.host === hostname() && !processIsAlive(holder.pid);
}

/** Creates the lock file whole and exclusively; false when one is already there. */
function createExclusive(lockPath: string, content: LockContent): boolean {
    const temp = `${lockPath}.new-${content.token}`;
    writeFileSync(temp, JSON.stringify(content));
    try {
        linkSync(temp, lockPath);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            return false;
        }
        throw error;
    } finally {
        unlinkSync(temp);
    }
}

/**
 * Removes the stale lock whose identity is `id`, unless someone else is already taking it over or
 * it has changed meanwhile. Only the contender holding the claim directory for `id` may remove it.
 */
export function takeOver(lockPath: string, id: string, staleMs: number): void {
    for (let n = 1; n <= 5; n++) {
        const claim = `${lockPath}.takeover-${id}-${n}`;
        try {
            mkdirSync(claim);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
                throw error;
            }
            const age = Date.now() - (statSync(claim, { throwIfNoEntry: false })?.mtimeMs ?? 0);
            if (age < CLAIM_STALE_MS) {
                return; // another contender is taking it over right now
            }
            continue; // that contender died mid-takeover: claim the next generation
        }
        try {
            // Still the very lock judged stale, and still stale (it may have beaten meanwhile).
            const now = identityOf(lockPath);
            if (now?.id === id && isStale(now, staleMs)) {
                unlinkSync(lockPath);
            }
        } finally {
            rmdirSync(claim);
        }
        return;
    }
}

function holderOf(found: { holder?: LockFile; ageMs: number } | undefined): LockHolder {
    return { pid: found?.holder?.pid, host: found?.holder?.host, beatAgoMs: found?.ageMs };
}

/**
 * Takes the write lock for `storePath` at `lockPath` at once, or throws StoreLockedError naming
 * the holder. A stale lock is taken over (see the file comment).
 */
export function acquireLock(storePath: string, lockPath: string, timing: LockTiming = {}): StoreLock {
    const staleMs = timing.staleMs ?? DEFAULT_STALE_MS;
    const content: LockContent = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
        if (createExclusive(lockPath, content)) {
            return heldLock(storePath, lockPath, content.token, timing.beatMs ?? DEFAULT_BEAT_MS);
        }
        const found = identityOf(lockPath);
        if (found && !isStale(found, staleMs)) {
            throw new StoreLockedError(storePath, lockPath, holderOf(found));
        }
        if (found) {
            takeOver(lockPath, found.id, staleMs);
        }
    }
    throw new StoreLockedError(storePath, lockPath, holderOf(identityOf(lockPath)));
}

/**
 * Takes the lock, waiting up to `waitMs` for the current writer to finish (polling); `onWait` is
 * called once, with the holder, when the lock is busy at first.
 */
export async function acquireLockWaiting(
    storePath: string,
    lockPath: string,
    options: LockTiming & { waitMs: number; onWait?: (error: StoreLockedError) => void; signal?: AbortSignal },
): Promise<StoreLock> {
    const deadline = Date.now() + options.waitMs;
    for (let told = false; ; told = true) {
        try {
            return acquireLock(storePath, lockPath, options);
        } catch (error) {
            const samePid = error instanceof StoreLockedError && error.holderPid === process.pid;
            if (!(error instanceof StoreLockedError) || samePid || Date.now() >= deadline || options.signal?.aborted) {
                throw error;
            }
            if (!told) {
                options.onWait?.(error);
            }
            await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(1, deadline - Date.now()))));
        }
    }
}

function heldLock(storePath: string, lockPath: string, token: string, beatMs: number): StoreLock {
    let lastBeat = Date.now();
    const isMine = () => identityOf(lockPath)?.holder?.token === token;
    const beat = () => {
        lastBeat = Date.now();
        const now = new Date();
        utimesSync(lockPath, now, now);
    };
    const timer = setInterval(() => {
        try {
            if (isMine()) {
                beat();
            }
        } catch {
            // The next verify() reports a lost lock.
        }
    }, beatMs);
    timer.unref();
    return {
        path: lockPath,
        verify() {
            if (!isMine()) {
                throw new StoreLockLostError(storePath, lockPath, holderOf(identityOf(lockPath)));
            }
            if (Date.now() - lastBeat > beatMs / 5) {
                beat();
            }
        },
        release() {
            clearInterval(timer);
            if (isMine()) {
                unlinkSync(lockPath);
            }
        },
    };
}
