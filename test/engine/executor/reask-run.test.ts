/**
 * `dprog run` after a split (language.md §10: `pickup from truck, semi from truck`): the items whose
 * labels were `truck` are asked again only between pickup and semi. Real commands (compile --store,
 * run --replay, run live), a real sql.js store holding labels: an answer outside the two members is
 * not taken, the final answer is the new member the answers say, the re-ask entry is closed once
 * the item is decided, and compiling the same version again changes nothing — on sql.js and on a
 * real PostgreSQL server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationRun } from '../../../engine/src/migration/relabel-queue.js';
import { LabelStore, openStore } from '../../../engine/src/store/index.js';
import { skipWithoutPostgres, startCluster, type PgCluster } from '../../support/postgres.js';
import { labelsBy } from '../migration/labels-by.js';
import { dprog } from '../quality/cli-run.js';

const program = (version: number, labels: string) => `program Vehicles version ${version}
dataset frames from jsonl "data/frames.jsonl" {
    key id: String
    caption: Text
}
labels Vehicle { ${labels} }
labeler crowd: human { pool 5, cost $0.01 per item, accuracy 80% }
task kind(f: frames) -> choice<Vehicle> {
    ask "What is this vehicle?"
    show f.caption
    route cascade crowd
    quality { target 90%, at most 3 labels }
}
`;

/** item → people's recorded answers under the new version. */
const ANSWERS: Record<string, string[]> = {
    f1: ['car', 'pickup', 'pickup', 'pickup'], // 'car' is not one of the two members f1 is asked among
    f2: ['semi', 'semi', 'semi'],
    f3: ['car', 'car', 'car'],
    f4: ['bus', 'bus', 'bus'],
};

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-reask-'));
    mkdirSync(file('data'));
    writeFileSync(
        file('data/frames.jsonl'),
        `${['f1', 'f2', 'f3', 'f4', 'f5'].map((id) => JSON.stringify({ id, caption: id })).join('\n')}\n`,
    );
    writeFileSync(file('v1.dprog'), program(1, 'car, truck, bus'));
    writeFileSync(file('v2.dprog'), program(2, 'car, pickup from truck, semi from truck, bus'));
    const rows = Object.entries(ANSWERS).flatMap(([item, answers]) => answers.map((label, i) => `${item},w${i + 1},${label}`));
    writeFileSync(file('answers.csv'), `item,worker,label\n${rows.join('\n')}\n`);
    await prepare(file('replay.sqlite'));
    await prepare(file('live.sqlite'));
    await prepare(file('direct.sqlite'), false); // `run` meets version 2 first
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Version 1 compiled into `store`, ann's labels given, then (unless not) version 2 compiled: its migration applied. */
async function prepare(store: string, compileV2 = true): Promise<void> {
    expect((await dprog('compile', file('v1.dprog'), '--store', store)).code).toBe(0);
    const labels = await openStore(store);
    await labels.addLabels(labelsBy('ann', 'kind', { f1: 'truck', f2: 'truck', f3: 'car', f4: 'bus' }));
    await labels.close();
    if (compileV2) {
        const compiled = await dprog('compile', file('v2.dprog'), '--store', store);
        expect(compiled.code, compiled.stderr).toBe(0);
        expect(compiled.stdout).toContain('2 to re-ask');
    }
}

const replay = () => ['--replay', file('answers.csv'), '--item', 'item', '--worker', 'worker', '--label', 'label'];

async function read<T>(store: string, query: (s: LabelStore) => T): Promise<T> {
    const reader = await LabelStore.open(file(store), { readonly: true });
    try {
        return query(reader);
    } finally {
        await reader.close();
    }
}

describe('run after a split member', () => {
    it('asks the re-asked items only among the new members; the final answer is the member the answers say', async () => {
        const ran = await dprog('run', file('v2.dprog'), '--store', file('replay.sqlite'), ...replay(), '--json');
        expect(ran.code, ran.stderr).toBe(0);
        const final = await read('replay.sqlite', (s) => Object.fromEntries(s.aggregates('kind').map((a) => [a.item, a.value])));
        expect(final).toMatchObject({ f1: 'pickup', f2: 'semi', f3: 'car', f4: 'bus' });
        // The answer outside {pickup, semi} was not taken: no label of f1 says car, and none says truck any more.
        const f1 = await read('replay.sqlite', (s) => s.labels({ task: 'kind', item: 'f1' }).map((l) => l.value));
        expect(f1.length).toBeGreaterThan(0);
        expect(f1.every((v) => v === 'pickup')).toBe(true);
        // History kept: the truck labels are still in the store, superseded by the migration.
        expect(await read('replay.sqlite', (s) => s.getLabel('v1-f1'))).toMatchObject({
            value: 'truck',
            supersededBy: 'migration:Vehicles@2',
        });
        // Decided: the re-ask entries are closed with the value they got.
        const queue = await read('replay.sqlite', (s) => s.stageStates({ run: migrationRun('Vehicles'), stage: 'kind@2' }));
        expect(queue.map((q) => [q.item, q.status, (q.detail as { value?: unknown }).value])).toEqual([
            ['f1', 'reasked', 'pickup'],
            ['f2', 'reasked', 'semi'],
        ]);
    });

    it('recompiling the same version after the run changes nothing', async () => {
        const before = await read('replay.sqlite', (s) => ({ labels: s.dump().labels, aggregates: s.aggregates('kind') }));
        const again = await dprog('compile', file('v2.dprog'), '--store', file('replay.sqlite'), '--json');
        expect(again.code, again.stderr).toBe(0);
        expect(JSON.parse(again.stdout).migration.applied).toMatchObject({ alreadyApplied: true });
        const after = await read('replay.sqlite', (s) => ({ labels: s.dump().labels, aggregates: s.aggregates('kind') }));
        expect(after).toEqual(before);
    });

    it('live: a re-asked item waits for people with the two members to choose among; the others may be any member', async () => {
        const ran = await dprog('run', file('v2.dprog'), '--store', file('live.sqlite'), '--json');
        expect(ran.code, ran.stderr).toBe(0);
        const states = await read('live.sqlite', (s) => s.stageStates({ run: 'Vehicles/kind' }));
        const among = Object.fromEntries(states.map((s) => [s.item, [s.status, (s.detail as { among?: string[] }).among ?? null]]));
        expect(among).toEqual({
            f1: ['waiting', ['pickup', 'semi']],
            f2: ['waiting', ['pickup', 'semi']],
            f3: ['waiting', null],
            f4: ['waiting', null],
            f5: ['waiting', null],
        });
        const open = await read('live.sqlite', (s) => s.stageStates({ run: migrationRun('Vehicles'), status: 'reask' }));
        expect(open.map((q) => q.item)).toEqual(['f1', 'f2']);
        const text = await dprog('run', file('v2.dprog'), '--store', file('live.sqlite'));
        expect(text.stdout).toContain('kind f1 → crowd (only among pickup, semi)');
        expect(text.stdout).toMatch(/kind f5 → crowd\n/);
    });

    it('run meeting a new version first applies its migration (once), as compile --store does', async () => {
        for (let i = 0; i < 2; i++) {
            const ran = await dprog('run', file('v2.dprog'), '--store', file('direct.sqlite'), '--json');
            expect(ran.code, ran.stderr).toBe(0);
        }
        const open = await read('direct.sqlite', (s) => s.stageStates({ run: migrationRun('Vehicles'), status: 'reask' }));
        expect(open.map((q) => [q.item, (q.detail as { among: string[] }).among])).toEqual([
            ['f1', ['pickup', 'semi']],
            ['f2', ['pickup', 'semi']],
        ]);
        expect(await read('direct.sqlite', (s) => s.labels({ task: 'kind' }).map((l) => l.item))).toEqual(['f3', 'f4']);
        expect(await read('direct.sqlite', (s) => s.countLabels({ includeSuperseded: true }))).toBe(4);
    });
});

const skip = skipWithoutPostgres();
let cluster: PgCluster | undefined;

describe.skipIf(skip)('run after a split member, on PostgreSQL', () => {
    beforeAll(async () => {
        cluster = await startCluster();
        Object.assign(process.env, { PGPASSWORD: cluster.env.PGPASSWORD });
    }, 120_000);
    afterAll(() => cluster?.stop());

    it('asks the re-asked items only among the new members there too', async () => {
        const url = await cluster!.createDatabase('dprog_reask');
        await prepare(url);
        const ran = await dprog('run', file('v2.dprog'), '--store', url, ...replay(), '--json');
        expect(ran.code, ran.stderr).toBe(0);
        const store = await openStore(url, { readonly: true });
        try {
            const final = Object.fromEntries((await store.aggregates('kind')).map((a) => [a.item, a.value]));
            expect(final).toMatchObject({ f1: 'pickup', f2: 'semi', f3: 'car', f4: 'bus' });
            expect((await store.labels({ task: 'kind', item: 'f1' })).every((l) => l.value === 'pickup')).toBe(true);
            const decided = await store.stageStates({ run: migrationRun('Vehicles'), status: 'reasked' });
            expect(decided.map((q) => q.item)).toEqual(['f1', 'f2']);
        } finally {
            await store.close();
        }
    });
});
