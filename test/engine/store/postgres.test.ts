/**
 * The label store on a real PostgreSQL server (a throwaway cluster, test/support/postgres.ts):
 * eight writer processes at once, writers killed and re-run, the server crashing, the
 * schema version, and a copy round trip sql.js → PostgreSQL → sql.js.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpHash, LabelStore, openStore } from '../../../engine/src/store/index.js';
import { clusterForThisFile } from '../../support/postgres-file.js';
import { startFixture, tempDir } from './helpers.js';

const WRITERS = 8;
const PER_WRITER = 2500;
const db = clusterForThisFile('dprog_test');
const skip = db.skip;

/** Runs writer processes to their end (or until `stopAfter` acks, then SIGKILL); returns each one's last ack. */
async function runWriters(url: string, count: number, killAfterAcks?: number): Promise<number[]> {
    const writers = Array.from({ length: count }, (_, i) => startFixture('pg-writer.ts', [url, String(i)], db.cluster.env));
    return Promise.all(
        writers.map(async (w) => {
            if (killAfterAcks !== undefined) {
                await w.waitFor(`acked ${killAfterAcks}`);
                w.child.kill('SIGKILL');
            }
            await w.exited;
            const acks = w.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.split(' ')[1]));
            return acks.length ? Math.max(...acks) : 0;
        }),
    );
}

async function labelIds(url: string): Promise<string[]> {
    const store = await openStore(url, { readonly: true });
    try {
        return (await store.labels({ includeSuperseded: true })).map((l) => l.id);
    } finally {
        await store.close();
    }
}

const expectedIds = (writers: number, upTo = PER_WRITER) =>
    Array.from({ length: writers }, (_, w) => Array.from({ length: upTo }, (_, n) => `w${w}-${n}`)).flat();

describe.skipIf(skip)('PostgreSQL store with many writers', () => {
    it(`keeps every label of ${WRITERS} concurrent writers × ${PER_WRITER}, once`, async () => {
        const url = await db.newDatabase();
        const acks = await runWriters(url, WRITERS);
        expect(acks).toEqual(Array(WRITERS).fill(PER_WRITER));
        const ids = await labelIds(url);
        expect(ids.length).toBe(WRITERS * PER_WRITER);
        expect(new Set(ids)).toEqual(new Set(expectedIds(WRITERS)));
        // The 500 shared items carry one answer from each writer, each recorded with its person.
        const store = await openStore(url, { readonly: true });
        const shared = await store.labels({ task: 'team', item: 'shared-7' });
        expect(shared.map((l) => l.person).sort()).toEqual(Array.from({ length: WRITERS }, (_, w) => `annotator-${w}`).sort());
        await store.close();
    }, 180_000);

    it('loses and doubles nothing when writers are killed mid-import and run again', async () => {
        const url = await db.newDatabase();
        const acked = await runWriters(url, WRITERS, 1000);
        const afterKill = new Set(await labelIds(url));
        for (const [w, n] of acked.entries()) {
            for (let i = 0; i < n; i++) {
                expect(afterKill.has(`w${w}-${i}`)).toBe(true);
            }
        }
        await runWriters(url, WRITERS);
        const ids = await labelIds(url);
        expect(ids.length).toBe(WRITERS * PER_WRITER);
        expect(new Set(ids).size).toBe(ids.length);
    }, 180_000);

    it('keeps every acknowledged label when the server stops as in a power cut', async () => {
        const url = await db.newDatabase();
        const writer = startFixture('pg-writer.ts', [url, '0'], db.cluster.env);
        await writer.waitFor('acked 1000');
        await db.cluster.crashAndRestart();
        await writer.exited;
        const acks = writer.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.split(' ')[1]));
        const lastAck = Math.max(...acks);
        expect(lastAck).toBeGreaterThanOrEqual(1000);
        const ids = new Set(await labelIds(url));
        for (let i = 0; i < lastAck; i++) {
            expect(ids.has(`w0-${i}`)).toBe(true);
        }
    }, 120_000);
});

describe.skipIf(skip)('PostgreSQL schema and moving stores', () => {
    it('copies sql.js → PostgreSQL → sql.js with every row identical', async () => {
        const { dir, cleanup } = tempDir();
        try {
            const original = await LabelStore.open(join(dir, 'a.sqlite'));
            await fillEverything(original);
            const before = original.dump();
            await original.close();
            const url = await db.newDatabase();
            const pgStore = await openStore(url);
            await pgStore.load(before);
            expect(dumpHash(await pgStore.dump())).toBe(dumpHash(before));
            const back = await LabelStore.open(join(dir, 'b.sqlite'));
            await back.load(await pgStore.dump());
            await pgStore.close();
            expect(back.dump()).toEqual(before);
            await back.close();
        } finally {
            cleanup();
        }
    });
});

async function fillEverything(store: LabelStore): Promise<void> {
    await store.addItems([
        { dataset: 'docs', key: 'd1', split: 'train', contentHash: 'h1' },
        { dataset: 'docs', key: 'd2', split: 'test' },
    ]);
    const first = await store.addLabel({
        id: 'l1',
        task: 't',
        item: 'd1',
        labeler: 'crowd',
        labelerKind: 'human',
        person: 'ann',
        value: { spans: [[0, 3]], note: 'ü' },
    });
    await store.supersede(first.id, { id: 'l2', labeler: 'crowd', labelerKind: 'human', person: 'ann', value: 'b', score: 0.25 });
    await store.addLabel({
        id: 'l3',
        task: 't',
        item: 'd2',
        labeler: 'rules',
        labelerKind: 'rules',
        value: null,
        gold: true,
        programVersion: 'v1',
    });
    await store.setAggregates([{ task: 't', item: 'd1', value: 'b', confidence: 0.875, method: 'dawid_skene', answers: 2 }]);
    await store.setLabelerEstimates([{ labeler: 'crowd', task: 't', accuracy: 0.8, confusion: { a: { a: 0.8, b: 0.2 } }, n: 2 }]);
    await store.savePlan({ program: 'P', version: '1', plan: { schema: 'x' }, contentHash: 'abc' });
    await store.addModelVersion({ labeler: 'm', version: '1', onnxPath: 'm.onnx', validationAccuracy: 0.5, labelsUsed: 10 });
    await store.recordEvaluation({ model: 'm', split: 'test', accuracy: 0.5, programVersion: 'v1' });
    await store.setStageStates([{ run: 'r', stage: 's', item: 'd1', status: 'done', detail: { n: 1 } }]);
}
