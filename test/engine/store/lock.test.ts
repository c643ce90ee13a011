/**
 * The embedded store's write lock, in-process (so that mutation testing sees it): whose lock is
 * honoured and whose is taken over, what verify() and release() do, and how a waiting writer waits.
 * lock-race.test.ts covers the same lock across real processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreLockedError, StoreLockLostError } from '../../../engine/src/store/errors.js';
import { acquireLock, acquireLockWaiting, processIsAlive, type StoreLock } from '../../../engine/src/store/lock.js';

let dir: string;
let lockPath: string;
const held: StoreLock[] = [];
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-lock-'));
    lockPath = path.join(dir, 'labels.sqlite.lock');
});
afterEach(() => {
    for (const lock of held.splice(0)) {
        lock.release();
    }
    rmSync(dir, { recursive: true, force: true });
});

const take = (timing = {}) => {
    const lock = acquireLock('labels.sqlite', lockPath, timing);
    held.push(lock);
    return lock;
};

/** A pid that no running process has (a child that has already exited). */
function deadPid(): number {
    const pid = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(processIsAlive(pid)).toBe(false);
    return pid;
}

/** Writes someone else's lock file, last touched `ageMs` ago. */
function foreignLock(content: string, ageMs = 0): void {
    writeFileSync(lockPath, content);
    const when = new Date(Date.now() - ageMs);
    utimesSync(lockPath, when, when);
}

const lockOf = (pid: number, host: string) => JSON.stringify({ pid, host, token: `t-${pid}-${host}`, since: '2026-01-01T00:00:00Z' });
const tokenIn = () => JSON.parse(readFileSync(lockPath, 'utf8')).token as string;

function lockedError(run: () => unknown): StoreLockedError {
    try {
        run();
    } catch (error) {
        expect(error).toBeInstanceOf(StoreLockedError);
        return error as StoreLockedError;
    }
    throw new Error('expected StoreLockedError');
}

describe('acquireLock', () => {
    it('writes a whole lock naming this process and host, and leaves no temporary file', () => {
        take();
        const content = JSON.parse(readFileSync(lockPath, 'utf8'));
        expect(content).toMatchObject({ pid: process.pid, host: hostname() });
        expect(content.token).toMatch(/^[0-9a-f-]{36}$/);
        expect(Number.isNaN(Date.parse(content.since))).toBe(false);
        expect(spawnSync('ls', [dir]).stdout.toString().trim()).toBe('labels.sqlite.lock');
    });

    it('refuses a second writer in this process, naming this pid', () => {
        take();
        const error = lockedError(() => acquireLock('labels.sqlite', lockPath));
        expect(error.holderPid).toBe(process.pid);
        expect(error.message).toContain('already open for writing in this process');
    });

    it('honours a fresh lock of another host even when its pid is not running here', () => {
        const pid = deadPid();
        foreignLock(lockOf(pid, 'another-host'));
        const error = lockedError(() => acquireLock('labels.sqlite', lockPath));
        expect(error.holderPid).toBe(pid);
        expect(error.holder.host).toBe('another-host');
        expect(error.message).toContain(`on another-host`);
        expect(tokenIn()).toBe(`t-${pid}-another-host`);
    });

    it('takes over a lock of this host whose process is gone', () => {
        foreignLock(lockOf(deadPid(), hostname()));
        take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    });

    it('honours a lock of a live process of this host', () => {
        const parent = process.ppid;
        foreignLock(lockOf(parent, hostname()));
        expect(lockedError(() => acquireLock('labels.sqlite', lockPath)).holderPid).toBe(parent);
    });

    it('takes over a lock that has not beaten for longer than the stale time, whoever holds it', () => {
        foreignLock(lockOf(process.ppid, 'another-host'), 31_000);
        take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
        foreignLock(lockOf(process.ppid, 'another-host'), 1_500);
        expect(() => acquireLock('labels.sqlite', lockPath, { staleMs: 2_000 })).toThrow(StoreLockedError);
    });

    it('honours an empty lock file just created (its writer is still writing it), not one seconds old', () => {
        foreignLock('');
        const error = lockedError(() => acquireLock('labels.sqlite', lockPath));
        expect(error.holderPid).toBeUndefined();
        expect(readFileSync(lockPath, 'utf8')).toBe('');
        foreignLock('{"pid": "nope"', 1_000);
        expect(() => acquireLock('labels.sqlite', lockPath)).toThrow(StoreLockedError);
        foreignLock('', 3_000);
        take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    });

    it('leaves a stale lock alone while a recent takeover claim on it exists', () => {
        const pid = deadPid();
        foreignLock(lockOf(pid, hostname()));
        mkdirSync(`${lockPath}.takeover-t-${pid}-${hostname()}-1`);
        expect(() => acquireLock('labels.sqlite', lockPath)).toThrow(StoreLockedError);
        expect(tokenIn()).toBe(`t-${pid}-${hostname()}`);
    });

    it('takes the next claim when an earlier contender died mid-takeover', () => {
        const pid = deadPid();
        foreignLock(lockOf(pid, hostname()));
        const claim = `${lockPath}.takeover-t-${pid}-${hostname()}-1`;
        mkdirSync(claim);
        const old = new Date(Date.now() - 11_000);
        utimesSync(claim, old, old);
        take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
        expect(existsSync(`${lockPath}.takeover-t-${pid}-${hostname()}-2`)).toBe(false);
    });
});

describe('a held lock', () => {
    it('verifies while it is its own, and beats (touches the file) when a beat is due', () => {
        const lock = take({ beatMs: 50 });
        const old = new Date(Date.now() - 20_000);
        utimesSync(lockPath, old, old);
        lock.verify();
        const start = Date.now();
        while (Date.now() - start < 15) {
            // let more than a fifth of the beat interval pass
        }
        lock.verify();
        const age = Date.now() - Number(spawnSync('stat', ['-c', '%Y', lockPath]).stdout.toString()) * 1000;
        expect(age).toBeLessThan(5_000);
    });

    it('reports a lock removed by hand, or taken by someone else, as lost', () => {
        const lock = take();
        rmSync(lockPath);
        expect(() => lock.verify()).toThrow(StoreLockLostError);
        expect(() => lock.verify()).toThrow(/is gone/);
        foreignLock(lockOf(4242, 'another-host'));
        expect(() => lock.verify()).toThrow(/now names process 4242 on another-host/);
        lock.release();
        expect(readFileSync(lockPath, 'utf8')).toBe(lockOf(4242, 'another-host'));
    });

    it('removes its own lock on release, once, and verifies no more', () => {
        const lock = take();
        lock.release();
        expect(existsSync(lockPath)).toBe(false);
        expect(() => lock.verify()).toThrow(StoreLockLostError);
        take();
        lock.release();
        expect(existsSync(lockPath)).toBe(true);
    });
});

describe('acquireLockWaiting', () => {
    it('waits for a busy lock, telling once, and takes it when freed', async () => {
        foreignLock(lockOf(process.ppid, 'another-host'));
        const onWait = vi.fn();
        setTimeout(() => rmSync(lockPath), 300);
        const second = await acquireLockWaiting('labels.sqlite', lockPath, { waitMs: 5_000, onWait });
        held.push(second);
        expect(onWait).toHaveBeenCalledTimes(1);
        expect(onWait.mock.calls[0][0]).toBeInstanceOf(StoreLockedError);
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    });

    it('gives up after waitMs, and at once for a lock of this very process', async () => {
        foreignLock(lockOf(process.ppid, 'another-host'));
        const start = Date.now();
        await expect(acquireLockWaiting('labels.sqlite', lockPath, { waitMs: 300 })).rejects.toThrow(StoreLockedError);
        expect(Date.now() - start).toBeGreaterThanOrEqual(290);
        rmSync(lockPath);
        take();
        const onWait = vi.fn();
        await expect(acquireLockWaiting('labels.sqlite', lockPath, { waitMs: 60_000, onWait })).rejects.toThrow(/in this process/);
        expect(onWait).not.toHaveBeenCalled();
    });

    it('stops waiting when aborted', async () => {
        foreignLock(lockOf(process.ppid, 'another-host'));
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        await expect(acquireLockWaiting('labels.sqlite', lockPath, { waitMs: 60_000, signal: controller.signal })).rejects.toThrow(
            StoreLockedError,
        );
    });
});
