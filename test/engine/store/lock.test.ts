/**
 * The embedded store's write lock, in-process (so that mutation testing sees it): whose lock is
 * honoured and whose is taken over, what verify() and release() do, and how a waiting writer waits.
 * lock-race.test.ts covers the same lock across real processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreLockedError, StoreLockLostError } from '../../../engine/src/store/errors.js';
import { acquireLock, acquireLockWaiting, processIsAlive, takeOver, type StoreLock } from '../../../engine/src/store/lock.js';
import { thrownBy } from '../../support/thrown.js';

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

const lockedError = (run: () => unknown): StoreLockedError => thrownBy(StoreLockedError, run);

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
    it('judges a lock file without a numeric pid or a token by its age alone, like an unreadable one', () => {
        foreignLock(JSON.stringify({ pid: process.ppid, host: 'another-host' }), 3_000);
        const first = take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
        first.release();
        foreignLock(JSON.stringify({ pid: 'x', host: 'another-host', token: 't' }), 3_000);
        take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    });

    it('names the claim on an unreadable lock after its inode and time, so contenders agree on it', () => {
        foreignLock('', 3_000);
        const stat = statSync(lockPath);
        mkdirSync(`${lockPath}.takeover-inode-${stat.ino}-${stat.mtimeMs}-1`);
        expect(() => acquireLock('labels.sqlite', lockPath)).toThrow(StoreLockedError);
        expect(readFileSync(lockPath, 'utf8')).toBe('');
    });

    it('takes the fifth claim when four contenders died mid-takeover, and gives up after five', () => {
        const pid = deadPid();
        const claims = (count: number) => {
            for (let n = 1; n <= count; n++) {
                const claim = `${lockPath}.takeover-t-${pid}-${hostname()}-${n}`;
                mkdirSync(claim, { recursive: true });
                const old = new Date(Date.now() - 11_000);
                utimesSync(claim, old, old);
            }
        };
        foreignLock(lockOf(pid, hostname()));
        claims(5);
        expect(() => acquireLock('labels.sqlite', lockPath)).toThrow(StoreLockedError);
        expect(tokenIn()).toBe(`t-${pid}-${hostname()}`);
        rmSync(`${lockPath}.takeover-t-${pid}-${hostname()}-5`, { recursive: true });
        take();
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    });

    it('closes every file it opens, however often a busy lock is tried', () => {
        foreignLock(lockOf(process.ppid, 'another-host'));
        const open = () => readdirSync('/proc/self/fd').length;
        const before = open();
        for (let i = 0; i < 20; i++) {
            expect(() => acquireLock('labels.sqlite', lockPath)).toThrow(StoreLockedError);
        }
        expect(open()).toBe(before);
    });
});

describe('processIsAlive', () => {
    afterEach(() => vi.restoreAllMocks());
    const killFails = (code: string) =>
        vi.spyOn(process, 'kill').mockImplementation(() => {
            throw Object.assign(new Error(code), { code });
        });

    it('counts a process of another user (EPERM) as alive and a missing one (ESRCH) as gone', () => {
        killFails('EPERM');
        expect(processIsAlive(12345)).toBe(true);
        killFails('ESRCH');
        expect(processIsAlive(12345)).toBe(false);
    });
});

describe('takeOver', () => {
    it('removes the stale lock it was asked about', () => {
        foreignLock(lockOf(process.ppid, 'another-host'), 31_000);
        takeOver(lockPath, `t-${process.ppid}-another-host`, 30_000);
        expect(existsSync(lockPath)).toBe(false);
    });

    it('leaves a lock that was replaced, or has beaten, since it was judged stale, and a vanished one', () => {
        foreignLock(lockOf(4242, 'another-host'), 31_000);
        takeOver(lockPath, 't-old', 30_000);
        expect(tokenIn()).toBe('t-4242-another-host');
        foreignLock(lockOf(4242, 'another-host'), 1_000);
        takeOver(lockPath, 't-4242-another-host', 30_000);
        expect(tokenIn()).toBe('t-4242-another-host');
        rmSync(lockPath);
        expect(() => takeOver(lockPath, 't-4242-another-host', 30_000)).not.toThrow();
        expect(readdirSync(dir)).toEqual([]);
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

    it('does not touch the file on every verify, only when a beat is due', () => {
        const lock = take({ beatMs: 60_000 });
        const old = new Date(Date.now() - 20_000);
        utimesSync(lockPath, old, old);
        lock.verify();
        expect(Date.now() - statSync(lockPath).mtimeMs).toBeGreaterThan(15_000);
    });

    it('beats on its own every beatMs while the lock is its own, and stops when released', () => {
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
        try {
            const lock = take({ beatMs: 1_000 });
            const old = new Date(Date.now() - 20_000);
            utimesSync(lockPath, old, old);
            vi.advanceTimersByTime(1_000);
            expect(Date.now() - statSync(lockPath).mtimeMs).toBeLessThan(5_000);
            foreignLock(lockOf(4242, 'another-host'), 20_000);
            vi.advanceTimersByTime(1_000);
            expect(Date.now() - statSync(lockPath).mtimeMs).toBeGreaterThan(15_000);
            rmSync(lockPath);
            vi.advanceTimersByTime(1_000);
            lock.release();
            expect(vi.getTimerCount()).toBe(0);
        } finally {
            vi.useRealTimers();
        }
    });

    it('reports a lock removed by hand, or taken by someone else, as lost', () => {
        const lock = take();
        rmSync(lockPath);
        expect(() => lock.verify()).toThrow(StoreLockLostError);
        expect(() => lock.verify()).toThrow(/is gone/);
        foreignLock('not a lock');
        expect(() => lock.verify()).toThrow(StoreLockLostError);
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
        // Freed after a few polls (one every 200 ms): onWait is still called only once.
        setTimeout(() => rmSync(lockPath), 700);
        // It polls: it takes the lock soon after it is freed, not at the end of a long wait.
        const second = await acquireLockWaiting('labels.sqlite', lockPath, { waitMs: 600_000, onWait });
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
