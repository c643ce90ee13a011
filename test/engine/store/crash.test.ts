/**
 * The crash test: a child process writes labels in a loop and is killed with SIGKILL at random
 * moments; after every kill the store reopens, holds every label the child acknowledged (with its
 * supersede marks), and passes SQLite's integrity check.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelStore } from '../../../engine/src/store/index.js';
import { startFixture, tempDir } from './helpers.js';

const KILLS = 50;
const SQL = await initSqlJs();

describe('label store crash safety', () => {
    const { dir, cleanup } = tempDir();
    afterAll(cleanup);

    it(`keeps every acknowledged label across ${KILLS} SIGKILLs`, async () => {
        const storePath = join(dir, 'labels.sqlite');
        const acknowledged = new Set<string>();
        const supersedes = new Map<string, string>();
        let killedBeforeFirstAck = 0;
        let random = 12345;
        const nextRandom = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        for (let run = 0; run < KILLS; run++) {
            const writer = startFixture('crash-writer.ts', [storePath, `r${run}`]);
            if (run % 5 === 4) {
                // Sometimes kill while the child is still starting or opening (replaying, snapshotting).
                await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(nextRandom() * 600)));
            } else {
                await writer.waitFor('ack ');
                await new Promise((resolve) => setTimeout(resolve, Math.floor(nextRandom() * 120)));
            }
            writer.child.kill('SIGKILL');
            await writer.exited;
            if (!writer.lines.some((line) => line.startsWith('ack'))) {
                killedBeforeFirstAck++;
            }
            for (const line of writer.lines) {
                const [word, id, , old] = line.split(' ');
                if (word === 'ack') {
                    acknowledged.add(id);
                    if (old) {
                        supersedes.set(old, id);
                    }
                }
            }
            // The file on disk is always a whole database (snapshots are renamed into place).
            if (existsSync(storePath)) {
                const raw = new SQL.Database(readFileSync(storePath));
                expect(raw.exec('PRAGMA integrity_check')[0].values, `run ${run}: the file itself`).toEqual([['ok']]);
                raw.close();
            }
            // Alternate readers and writers: a reader must see the journal too, a writer replays it.
            const store = await LabelStore.open(storePath, { readonly: run % 3 === 2 });
            try {
                expect(store.integrityCheck()).toEqual(['ok']);
                const stored = new Map(store.labels({ includeSuperseded: true }).map((label) => [label.id, label]));
                const missing = [...acknowledged].filter((id) => !stored.has(id));
                expect(missing, `run ${run}: acknowledged labels missing`).toEqual([]);
                for (const [old, by] of supersedes) {
                    expect(stored.get(old)?.supersededBy, `run ${run}: ${old} superseded by ${by}`).toBe(by);
                }
            } finally {
                await store.close();
            }
        }
        expect(acknowledged.size).toBeGreaterThan(KILLS);
        // Some kills landed while a child was starting or opening the store (replay, first snapshot).
        expect(killedBeforeFirstAck).toBeGreaterThan(0);
    }, 600_000);
});
