/**
 * The embedded store's lock with real processes: four processes taking over a dead (or silent)
 * writer's lock at the same instant — exactly one wins, every round; and a writer whose lock was
 * removed by hand stops instead of overwriting the labels another writer added meanwhile.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabelStore, lockPathOf } from '../../../engine/src/store/index.js';
import { startFixture, tempDir, type Fixture } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const ROUNDS = 500;

/** A pid that no process has any more. */
function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', '0']);
    return child.pid!;
}

/** A lock file left by a writer that stopped: a dead process (even rounds), or a live one silent for a minute (odd rounds). */
function leaveStaleLock(lockPath: string, round: number, dead: number): void {
    const pid = round % 2 === 0 ? dead : process.pid;
    writeFileSync(lockPath, JSON.stringify({ pid, host: hostname(), token: `stale-${round}`, since: new Date(0).toISOString() }));
    if (round % 2 === 1) {
        const minuteAgo = new Date(Date.now() - 60_000);
        utimesSync(lockPath, minuteAgo, minuteAgo);
    }
}

describe("taking over a stopped writer's lock", () => {
    it(`gives the lock to exactly one of four processes, in each of ${ROUNDS} rounds`, async () => {
        const store = join(dir, 'labels.sqlite');
        const lockPath = lockPathOf(store);
        const contenders: Fixture[] = Array.from({ length: 4 }, () => startFixture('lock-contender.ts', []));
        const dead = deadPid();
        const winnersPerRound: number[] = [];
        try {
            for (let round = 0; round < ROUNDS; round++) {
                leaveStaleLock(lockPath, round, dead);
                const start = Date.now() + 20;
                for (const c of contenders) {
                    c.send(`go ${store} ${lockPath} ${start}`);
                }
                const answers = await Promise.all(contenders.map((c) => c.nextLine()));
                const winners = contenders.filter((_, i) => answers[i] === 'won');
                // Every winner must still hold the lock afterwards: a winner whose lock was moved would show here.
                for (const c of contenders) {
                    c.send('verify');
                }
                const held = (await Promise.all(contenders.map((c) => c.nextLine()))).filter((a) => a === 'held').length;
                winnersPerRound.push(winners.length === held ? winners.length : -held);
                for (const c of contenders) {
                    c.send('release');
                }
                await Promise.all(contenders.map((c) => c.nextLine()));
                expect(existsSync(lockPath)).toBe(false);
            }
        } finally {
            for (const c of contenders) {
                c.child.kill();
            }
        }
        const bad = winnersPerRound.map((n, round) => ({ round, n })).filter(({ n }) => n !== 1);
        expect(bad).toEqual([]);
    }, 240_000);
});

describe('a writer whose lock was removed by hand', () => {
    it("stops with a clear error and loses nothing of anyone's", async () => {
        const path = join(dir, 'labels.sqlite');
        const first = startFixture('lock-lost-writer.ts', [path]);
        try {
            await first.waitFor('acked');
            unlinkSync(lockPathOf(path));
            // A second writer now gets the store and adds 20,000 labels.
            const second = await LabelStore.open(path);
            expect(second.countLabels()).toBe(100);
            await second.addLabels(
                Array.from({ length: 20_000 }, (_, i) => ({
                    id: `s-${i}`,
                    task: 't',
                    item: `j${i}`,
                    labeler: 'second',
                    labelerKind: 'human' as const,
                    value: i,
                })),
            );
            await second.close();
            first.send('more');
            expect(await first.nextLine()).toBe('acked');
            const more = await first.nextLine();
            expect(more).toMatch(/^error StoreLockLostError .*no longer holds the write lock .*wrote nothing more/);
            first.send('close');
            expect(await first.nextLine()).toMatch(/^(ok|error StoreLockLostError)/);
            await first.exited;
        } finally {
            first.child.kill('SIGKILL');
        }
        const after = await LabelStore.open(path, { readonly: true });
        expect(after.countLabels({ labeler: 'first' })).toBe(100);
        expect(after.countLabels({ labeler: 'second' })).toBe(20_000);
        expect(after.getLabel('w-late')).toBeUndefined();
        await after.close();
    }, 60_000);
});
