/**
 * A migration applied to a store holding labels (language.md §10): rename, split and merge from the
 * spec's own examples, compiled by the real compiler and applied to a real sql.js store and to a
 * real PostgreSQL server (a throwaway cluster) — the same scenarios, the same results. History is
 * kept (superseded labels stay, marked), and applying the same migration again changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyMigration, migrationRun } from '../../../engine/src/migration/apply-migration.js';
import { openStore, type NewLabel, type Store } from '../../../engine/src/store/index.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { compileText } from '../../language-server/compiler/compile-helpers.js';
import { skipWithoutPostgres, startCluster, type PgCluster } from '../../support/postgres.js';
import { dprog } from '../quality/cli-run.js';
import { tempDir } from '../store/helpers.js';

const program = (version: number, labels: string, output = 'choice<Vehicle>') => `
program Vehicles version ${version}
dataset frames from images "data/frames/*.png"
${labels}
labeler crowd: human { pool 5, cost $0.01 per item, accuracy 80% }
task kind(f: frames) -> ${output} {
    ask "What is this vehicle?"
    route cascade crowd
}
`;

const label = (id: string, item: string, value: NewLabel['value']): NewLabel => ({
    id,
    task: 'kind',
    item,
    labeler: 'ann',
    labelerKind: 'human',
    value,
    createdAt: '2026-01-01T00:00:00.000Z',
});

const current = async (store: Store) =>
    (await store.labels({ task: 'kind' })).map((l) => [l.item, l.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** The scenarios, on whichever store `open` gives (a fresh one per test). */
function scenarios(open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>) {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
        ({ store, cleanup } = await open());
    });
    afterEach(async () => cleanup());

    async function migrate(oldLabels: string, newLabels: string, output?: string, newOutput = output) {
        const migration = diffPlans(await compileText(program(1, oldLabels, output)), await compileText(program(2, newLabels, newOutput)));
        expect(migration.problems).toEqual([]);
        return { migration, applied: await applyMigration(store, migration) };
    }

    it('rename (junk from spam): labels rewritten, old ones kept as superseded history, final answers follow', async () => {
        await store.addLabels([label('1', 'a', 'spam'), label('2', 'b', 'ham'), label('3', 'c', 'spam')]);
        await store.setAggregates([{ task: 'kind', item: 'a', value: 'spam', confidence: 0.9, method: 'majority', answers: 1 }]);
        const { migration, applied } = await migrate('labels Vehicle { spam, ham }', 'labels Vehicle { junk from spam, ham }');
        expect(applied.tasks).toEqual([{ task: 'kind', kept: 1, mapped: 2, reasked: 0, invalidated: 0, review: 0 }]);
        expect(await current(store)).toEqual([
            ['a', 'junk'],
            ['b', 'ham'],
            ['c', 'junk'],
        ]);
        const history = await store.labels({ task: 'kind', item: 'a', includeSuperseded: true });
        expect(history.map((l) => [l.id, l.value, l.supersededBy ?? null])).toEqual([
            ['1', 'spam', '1~v2'],
            ['1~v2', 'junk', null],
        ]);
        expect((await store.getAggregate('kind', 'a'))?.value).toBe('junk');
        // Exactly once: the same migration again changes nothing and says when it was applied.
        const before = await store.countLabels({ includeSuperseded: true });
        const again = await applyMigration(store, migration);
        expect(again).toMatchObject({ alreadyApplied: true, appliedAt: applied.appliedAt, tasks: applied.tasks });
        expect(await store.countLabels({ includeSuperseded: true })).toBe(before);
    });

    it('split (pickup, semi from truck): truck labels leave the current labels, their items queued among pickup and semi', async () => {
        await store.addLabels([label('1', 'a', 'truck'), label('2', 'b', 'car'), label('3', 'c', 'truck')]);
        const { migration, applied } = await migrate(
            'labels Vehicle { car, truck, bus }',
            'labels Vehicle { car, pickup from truck, semi from truck, bus }',
        );
        expect(applied.tasks[0]).toMatchObject({ kept: 1, reasked: 2, mapped: 0 });
        expect((await store.labels({ task: 'kind' })).map((l) => l.item)).toEqual(['b']);
        expect(await store.getLabel('1')).toMatchObject({ value: 'truck', supersededBy: 'migration:Vehicles@2' });
        const queue = await store.stageStates({ run: migrationRun('Vehicles'), stage: 'kind@2' });
        expect(queue.map((s) => [s.item, s.status, s.detail])).toEqual([
            ['a', 'reask', { among: ['pickup', 'semi'], was: 'truck', label: '1' }],
            ['c', 'reask', { among: ['pickup', 'semi'], was: 'truck', label: '3' }],
        ]);
        await applyMigration(store, migration);
        expect(await store.stageStates({ run: migrationRun('Vehicles'), stage: 'kind@2' })).toEqual(queue);
    });

    it("merge (cycle from [bicycle, scooter]) on boxes: each box's label follows, other members untouched", async () => {
        const box = (label: string) => ({ x: 1, y: 1, width: 2, height: 2, label });
        await store.addLabels([
            label('1', 'a', [box('bicycle'), box('car')]),
            label('2', 'b', [box('scooter')]),
            label('3', 'c', [box('car')]),
        ]);
        const { applied } = await migrate(
            'labels Vehicle { car, bicycle, scooter }',
            'labels Vehicle { car, cycle from [bicycle, scooter] }',
            'list<box<Vehicle>>',
        );
        expect(applied.tasks[0]).toMatchObject({ kept: 1, mapped: 2 });
        expect(await current(store)).toEqual([
            ['a', [box('cycle'), box('car')]],
            ['b', [box('cycle')]],
            ['c', [box('car')]],
        ]);
    });

    it('a removed member invalidates its labels; an added one queues the labeled items for review with the old label', async () => {
        await store.addLabels([label('1', 'a', 'bus'), label('2', 'b', 'car')]);
        const { applied } = await migrate('labels Vehicle { car, bus }', 'labels Vehicle { car, tram }');
        expect(applied.tasks[0]).toMatchObject({ invalidated: 1, kept: 1, review: 1 });
        expect((await store.labels({ task: 'kind' })).map((l) => l.item)).toEqual(['b']);
        expect(await store.countLabels({ includeSuperseded: true })).toBe(2);
        const review = await store.stageStates({ run: migrationRun('Vehicles'), stage: 'kind@2', status: 'review' });
        expect(review.map((s) => [s.item, s.detail])).toEqual([['b', { added: ['tram'], among: ['car', 'tram'], was: 'car', label: '2' }]]);
    });

    it('a member renamed while another is added: the review names the renamed label', async () => {
        await store.addLabels([label('1', 'a', 'spam')]);
        await migrate('labels Vehicle { spam, ham }', 'labels Vehicle { junk from spam, ham, phishing }');
        const review = await store.stageStates({ run: migrationRun('Vehicles'), stage: 'kind@2', status: 'review' });
        expect(review.map((s) => s.detail)).toEqual([{ added: ['phishing'], among: ['junk', 'phishing'], was: 'junk', label: '1~v2' }]);
    });

    it('an output type change invalidates every old label of the task (kept as history); labels of the new version stay', async () => {
        const next = await compileText(program(2, 'labels Vehicle { car, bus }', 'choices<Vehicle>'));
        await store.addLabels([label('1', 'a', 'car'), label('2', 'b', 'bus'), { ...label('3', 'b', ['bus']), programVersion: next.hash }]);
        const migration = diffPlans(await compileText(program(1, 'labels Vehicle { car, bus }')), next);
        const applied = await applyMigration(store, migration);
        expect(applied.tasks[0]).toMatchObject({ invalidated: 2 });
        expect((await store.labels({ task: 'kind' })).map((l) => l.id)).toEqual(['3']);
        expect(await store.countLabels({ task: 'kind', includeSuperseded: true })).toBe(3);
    });
}

describe('applying a migration to stored labels (sql.js)', () => {
    scenarios(async () => {
        const { dir, cleanup } = tempDir();
        const store = await openStore(`${dir}/labels.sqlite`);
        return {
            store,
            cleanup: async () => {
                await store.close();
                cleanup();
            },
        };
    });
});

const skip = skipWithoutPostgres();
let cluster: PgCluster | undefined;
let databases = 0;

describe.skipIf(skip)('applying a migration to stored labels (PostgreSQL)', () => {
    beforeAll(async () => {
        cluster = await startCluster();
        Object.assign(process.env, { PGPASSWORD: cluster.env.PGPASSWORD });
    }, 120_000);
    afterAll(() => cluster?.stop());
    scenarios(async () => {
        const store = await openStore(await cluster!.createDatabase(`dprog_migration_${++databases}`));
        return { store, cleanup: () => store.close() };
    });

    it('dprog compile --store postgres://… applies the migration to the labels there, once', async () => {
        const url = await cluster!.createDatabase('dprog_migration_cli');
        const { dir, cleanup } = tempDir();
        try {
            writeFileSync(`${dir}/v1.dprog`, program(1, 'labels Vehicle { spam, ham }'));
            writeFileSync(`${dir}/v2.dprog`, program(2, 'labels Vehicle { junk from spam, ham }'));
            expect((await dprog('compile', `${dir}/v1.dprog`, '--store', url)).code).toBe(0);
            const store = await openStore(url);
            await store.addLabels([label('1', 'a', 'spam'), label('2', 'b', 'ham')]);
            const compiled = await dprog('compile', `${dir}/v2.dprog`, '--store', url, '--json');
            expect(compiled.code, compiled.stderr).toBe(0);
            expect(JSON.parse(compiled.stdout).migration.applied).toMatchObject({ alreadyApplied: false, tasks: [{ mapped: 1, kept: 1 }] });
            expect(await current(store)).toEqual([
                ['a', 'junk'],
                ['b', 'ham'],
            ]);
            const again = await dprog('compile', `${dir}/v2.dprog`, '--store', url, '--json');
            expect(JSON.parse(again.stdout).migration.applied).toMatchObject({ alreadyApplied: true });
            expect(await store.countLabels({ includeSuperseded: true })).toBe(3);
            await store.close();
        } finally {
            cleanup();
        }
    });
});
