/**
 * The extension's store access (LocalEngine) without VS Code: a second window on a busy embedded
 * store gets read-only access with the reason, can still read, and can wait for the writer; on a
 * PostgreSQL store (a throwaway cluster) the password comes from the SecretStorage hook, labels
 * carry the person, and two windows lease disjoint items. The lazy loader of the store bundle is
 * pointed at the store's sources (the real sql.js and pg underneath).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as storeModule from '../../engine/src/store/index.js';
import { LocalEngine } from '../../extension/src/engine-bridge/local-engine.js';
import { skipWithoutPostgres, startCluster, type PgCluster } from '../support/postgres.js';
import { startFixture, tempDir } from '../engine/store/helpers.js';

vi.mock('../../extension/src/load-deferred.js', () => ({ deferred: () => storeModule }));

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());
const program = join(dir, 'p.dprog');
const engineFor = (store: string, password?: string) =>
    new LocalEngine({ cliPath: '/nonexistent', storePathFor: () => store, passwordFor: async () => password, log: () => undefined });

describe('a second window on a busy embedded store', () => {
    it('opens read-only with the reason, reads, and writes once the other writer is gone', async () => {
        const store = join(dir, 'busy.sqlite');
        const holder = startFixture('hold-lock.ts', [store]);
        const pid = (await holder.waitFor('open ')).split(' ')[1];
        const engine = engineFor(store);
        try {
            const access = await engine.prepareToLabel(program);
            expect(access).toMatchObject({ writable: false });
            expect(access.writable ? '' : access.reason).toContain(`process ${pid}`);
            expect((await engine.labels(program, 't')).map((l) => l.id)).toEqual(['held']);
            const waiting = engine.waitForWriter(program);
            holder.child.kill('SIGKILL');
            await waiting;
            expect(await engine.prepareToLabel(program)).toEqual({ writable: true });
            await engine.addLabel(program, {
                id: 'mine',
                task: 't',
                item: 'j',
                labeler: 'crowd',
                labelerKind: 'human',
                person: 'ann',
                value: 2,
            });
            expect((await engine.labels(program, 't')).map((l) => l.id)).toEqual(['held', 'mine']);
        } finally {
            holder.child.kill('SIGKILL');
            await engine.dispose();
        }
    });

    it('lets the lock go once nobody labeled for a while (an orphaned window holds it no longer)', async () => {
        const store = join(dir, 'idle.sqlite');
        const engine = new LocalEngine({ cliPath: '/nonexistent', storePathFor: () => store, log: () => undefined, idleReleaseMs: 200 });
        const other = engineFor(store);
        try {
            await engine.addLabel(program, { id: 'first', task: 't', item: 'i', labeler: 'crowd', labelerKind: 'human', value: 1 });
            expect(await other.prepareToLabel(program)).toMatchObject({ writable: false });
            await new Promise((resolve) => setTimeout(resolve, 1500));
            expect(await other.prepareToLabel(program)).toEqual({ writable: true });
        } finally {
            await Promise.all([engine.dispose(), other.dispose()]);
        }
    });
});

describe.skipIf(skipWithoutPostgres())('two windows on a PostgreSQL store', () => {
    let cluster: PgCluster;
    let url: string;
    beforeAll(async () => {
        cluster = await startCluster();
        url = await cluster.createDatabase('windows');
        delete process.env.PGPASSWORD;
    }, 120_000);
    afterAll(() => cluster?.stop());

    it('connect with the stored password, record the person and lease disjoint items', async () => {
        const [ann, bob] = [engineFor(url, cluster.env.PGPASSWORD), engineFor(url, cluster.env.PGPASSWORD)];
        try {
            expect(await ann.prepareToLabel(program)).toEqual({ writable: true });
            const candidates = ['a', 'b', 'c', 'd'];
            const [mine, theirs] = await Promise.all([
                ann.lease(program, { task: 't', person: 'ann', candidates, limit: 2 }),
                bob.lease(program, { task: 't', person: 'bob', candidates, limit: 2 }),
            ]);
            expect([...mine, ...theirs].map((l) => l.item).sort()).toEqual(candidates);
            await ann.addLabel(program, { task: 't', item: mine[0].item, labeler: 'crowd', labelerKind: 'human', person: 'ann', value: 1 });
            expect((await bob.labels(program, 't')).map((l) => [l.item, l.person])).toEqual([[mine[0].item, 'ann']]);
            // Closing bob's panel gives his items back: ann may have them now (not the one she answered).
            await bob.releaseLeases(program, 't', 'bob');
            const after = await ann.lease(program, { task: 't', person: 'ann', candidates, limit: 4 });
            expect(after.map((l) => l.item).sort()).toEqual(candidates.filter((c) => c !== mine[0].item));
        } finally {
            await Promise.all([ann.dispose(), bob.dispose()]);
        }
        const refused = engineFor(url, undefined);
        await expect(refused.prepareToLabel(program)).rejects.toThrow(/refused the login .* none was given/);
        await refused.dispose();
    });
});
