/**
 * The two backends answer alike: the same writes and queries on the embedded sql.js store and on a
 * PostgreSQL database (a throwaway cluster, test/support/postgres.ts) give the same labels, items,
 * aggregates, estimates, plans, models, evaluations and stage states, in the same order, and the
 * same mistakes get the same errors. A team that moves its store (`dprog store copy`) sees no change.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreConnectionError, StoreInputError, StoreReadonlyError, type Store } from '../../../engine/src/store/index.js';
import { clusterForThisFile } from '../../support/postgres-file.js';
import { tempDir } from './helpers.js';

const db = clusterForThisFile('dprog_parity');
const skip = db.skip;
let dir: string;
let cleanup: () => void;

beforeAll(() => {
    ({ dir, cleanup } = tempDir());
});
afterAll(() => cleanup());

/** A fresh store of each backend. */
async function bothStores(): Promise<[Store, Store]> {
    const url = await db.newDatabase();
    return [await openStore(join(dir, `${url.split('/').pop()}.sqlite`)), await openStore(url)];
}

/** Runs `scenario` on both backends and returns both results (the store's location in messages as `<store>`). */
async function onBoth<T>(scenario: (store: Store) => Promise<T>): Promise<[T, T]> {
    const stores = await bothStores();
    try {
        const results = [];
        for (const store of stores) {
            const result = await scenario(store);
            results.push(JSON.parse(JSON.stringify(result).replaceAll(store.location, '<store>')) as T);
        }
        return results as [T, T];
    } finally {
        await Promise.all(stores.map((s) => s.close()));
    }
}

/** The message of the error `work` fails with (or 'no error'). */
async function failure(work: () => Promise<unknown>): Promise<string> {
    try {
        await work();
        return 'no error';
    } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
    }
}

const t0 = '2026-03-01T10:00:00.000Z';
const t1 = '2026-03-02T10:00:00.000Z';
const label = (id: string, item: string, labeler: string, value: unknown, extra: object = {}) => ({
    id,
    task: 'spam',
    item,
    labeler,
    labelerKind: 'human' as const,
    value: value as string,
    createdAt: t0,
    ...extra,
});

describe.skipIf(skip)('sql.js and PostgreSQL stores answer alike', () => {
    it('labels: adding again is harmless, replacements are marked, every filter selects the same labels in insertion order', async () => {
        const [embedded, postgres] = await onBoth(async (store) => {
            const first = await store.addLabelsCounted([
                label('a', 'm1', 'ann', 'spam', { person: 'ann', programVersion: 'v1' }),
                label('b', 'm2', 'clf', 'ham', { labelerKind: 'model', score: 0.75 }),
                label('c', 'm1', 'rules', { spans: [[0, 3]] }, { labelerKind: 'rules', gold: true }),
                { ...label('d', 'm3', 'ann', null, { person: 'ann' }), task: 'other' },
            ]);
            const again = await store.addLabelsCounted([label('a', 'm1', 'ann', 'changed'), label('e', 'm2', 'bob', 'spam')]);
            const replaced = await store.addLabelsCounted([label('f', 'm1', 'bob', 'ham', { supersedes: 'a', person: 'bob' })]);
            const viaSupersede = await store.supersede('b', {
                id: 'g',
                labeler: 'clf',
                labelerKind: 'model',
                value: 'spam',
                createdAt: t1,
            });
            await store.retireLabels(['c', 'f', 'missing'], 'migration:P@2');
            await store.retireLabels([], 'migration:P@3');
            const queries = [
                {},
                { includeSuperseded: true },
                { task: 'spam' },
                { task: 'spam', includeSuperseded: true },
                { item: 'm1', includeSuperseded: true },
                { labeler: 'ann', includeSuperseded: true },
                { labelerKind: 'model' as const, includeSuperseded: true },
                { person: 'ann', includeSuperseded: true },
                { gold: true, includeSuperseded: true },
                { gold: false },
                { task: 'spam', item: 'm2', labeler: 'bob' },
            ];
            return {
                added: [first.added, again.added, replaced.added],
                returned: [again.labels.map((l) => l.value), replaced.labels, viaSupersede],
                lists: await Promise.all(queries.map((q) => store.labels(q))),
                counts: await Promise.all(queries.map((q) => store.countLabels(q))),
                perLabeler: await Promise.all(queries.map((q) => store.countLabelsByLabeler(q))),
                one: [await store.getLabel('a'), await store.getLabel('nope')],
                tasks: await store.tasks(),
                perTask: await store.countsPerTask(),
            };
        });
        expect(postgres).toEqual(embedded);
        expect(postgres.added).toEqual([4, 1, 1]);
        expect(postgres.returned[0]).toEqual(['spam', 'spam']);
        expect(postgres.lists[0].map((l) => l.id)).toEqual(['d', 'e', 'g']);
        expect(postgres.lists[1].map((l) => [l.id, l.supersededBy])).toEqual([
            ['a', 'f'],
            ['b', 'g'],
            ['c', 'migration:P@2'],
            ['d', undefined],
            ['e', undefined],
            ['f', 'migration:P@2'],
            ['g', undefined],
        ]);
        expect(postgres.counts).toEqual(postgres.lists.map((l) => l.length));
        expect(postgres.perLabeler[1]).toEqual({ ann: 2, clf: 2, rules: 1, bob: 2 });
        expect(postgres.tasks).toEqual(['other', 'spam']);
        expect(postgres.perTask).toEqual({ other: 1, spam: 6 });
    });

    it('labels: the same mistakes get the same errors, and a failed batch stores nothing', async () => {
        const [embedded, postgres] = await onBoth(async (store) => {
            await store.addLabel(label('a', 'm1', 'ann', 'spam'));
            await store.addLabel(label('b', 'm1', 'ann', 'ham', { supersedes: 'a' }));
            const errors = [
                await failure(() => store.addLabels([label('x', 'm1', 'ann', 1), label('x', 'm2', 'ann', 2)])),
                await failure(() => store.addLabels([label('y', 'm1', 'ann', 1, { supersedes: 'nope' })])),
                await failure(() => store.addLabels([label('z', 'm1', 'ann', 1, { supersedes: 'a' })])),
                await failure(() => store.supersede('nope', { labeler: 'ann', labelerKind: 'human', value: 1 })),
                await failure(() => store.retireLabels(['b'], '')),
                await failure(() => store.addLabel({ ...label('w', 'm1', 'ann', 1), labelerKind: 'robot' as 'human' })),
            ];
            return { errors, ids: (await store.labels({ includeSuperseded: true })).map((l) => l.id) };
        });
        expect(postgres).toEqual(embedded);
        expect(postgres.errors.every((e) => e.startsWith('StoreInputError'))).toBe(true);
        expect(postgres.errors.slice(0, 3)).toEqual([
            expect.stringContaining('label id x appears twice in one batch'),
            expect.stringContaining('label y supersedes nope, which is not in the store'),
            expect.stringContaining('label a is already superseded by b; supersede the current label instead'),
        ]);
        expect(postgres.ids).toEqual(['a', 'b']);
    });

    it('items, aggregates and estimates: the last write of a key wins, lists come in the same order', async () => {
        const [embedded, postgres] = await onBoth(async (store) => {
            await store.addItems([
                { dataset: 'docs', key: 'd2', split: 'test', addedAt: t0 },
                { dataset: 'docs', key: 'd1', split: undefined as unknown as 'train', contentHash: 'h1', addedAt: t0 },
                { dataset: 'imgs', key: 'i1', split: 'validation', addedAt: t0 },
                { dataset: 'docs', key: 'd2', split: 'validation', contentHash: 'h2', addedAt: t1 },
            ]);
            await store.addItems([]);
            const aggregate = (item: string, value: string, confidence: number) => ({
                task: 'spam',
                item,
                value,
                confidence,
                method: 'majority',
                answers: 3,
                updatedAt: t0,
            });
            await store.setAggregates([aggregate('m2', 'ham', 0.5), aggregate('m1', 'spam', 1), aggregate('m2', 'spam', 0)]);
            await store.setAggregates([{ ...aggregate('m9', 'x', 0.5), task: 'other' }]);
            const estimate = (labeler: string, task: string, accuracy: number) => ({ labeler, task, accuracy, n: 4, updatedAt: t0 });
            await store.setLabelerEstimates([
                estimate('zed', 'spam', 0.5),
                { ...estimate('ann', 'spam', 0.9), confusion: { spam: { spam: 0.9, ham: 0.1 } } },
                estimate('ann', 'other', 0.7),
                estimate('zed', 'spam', 0.6),
            ]);
            return {
                docs: await store.items('docs'),
                validation: await store.items('docs', 'validation'),
                none: await store.items('nothing'),
                aggregates: await store.aggregates('spam'),
                one: [await store.getAggregate('spam', 'm1'), await store.getAggregate('spam', 'm9')],
                estimates: [await store.labelerEstimates(), await store.labelerEstimates('spam')],
                errors: [
                    await failure(() => store.setAggregates([aggregate('m1', 'spam', 1.5)])),
                    await failure(() => store.setAggregates([aggregate('m1', 'spam', -0.1)])),
                    await failure(() => store.setAggregates([{ ...aggregate('m1', 'spam', 1), item: '' }])),
                    await failure(() => store.addItems([{ dataset: 'docs', key: 'd3', split: 'dev' as 'test' }])),
                    await failure(() => store.setLabelerEstimates([{ ...estimate('ann', 'spam', 0.9), n: Number.NaN }])),
                ],
            };
        });
        expect(postgres).toEqual(embedded);
        // An item added again keeps the time it was first added.
        expect(postgres.docs.map((i) => [i.key, i.split, i.contentHash, i.addedAt])).toEqual([
            ['d2', 'validation', 'h2', t0],
            ['d1', 'train', 'h1', t0],
        ]);
        expect(postgres.validation.map((i) => i.key)).toEqual(['d2']);
        expect(postgres.aggregates.map((a) => [a.item, a.value, a.confidence])).toEqual([
            ['m1', 'spam', 1],
            ['m2', 'spam', 0],
        ]);
        expect(postgres.estimates[0].map((e) => [e.task, e.labeler, e.accuracy])).toEqual([
            ['other', 'ann', 0.7],
            ['spam', 'ann', 0.9],
            ['spam', 'zed', 0.6],
        ]);
        expect(postgres.estimates[1][0].confusion).toEqual({ spam: { spam: 0.9, ham: 0.1 } });
        expect(postgres.errors[0]).toMatch(/aggregate confidence must be in \[0, 1\] \(got 1\.5\)/);
        expect(postgres.errors[1]).toMatch(/aggregate confidence must be in \[0, 1\] \(got -0\.1\)/);
        expect(postgres.errors.every((e) => e.startsWith('StoreInputError'))).toBe(true);
    });

    it('plans, models, evaluations and stage states: the latest plan, filters and orders agree', async () => {
        const [embedded, postgres] = await onBoth(async (store) => {
            await store.savePlan({ program: 'P', version: '2', plan: { v: 2 }, contentHash: 'h2', compiledAt: t1 });
            await store.savePlan({ program: 'P', version: '1', plan: { v: 1 }, contentHash: 'h1', compiledAt: t0 });
            await store.savePlan({ program: 'A', version: '1', plan: [1, 'x'], contentHash: 'a1', compiledAt: t0 });
            await store.savePlan({ program: 'P', version: '1', plan: { v: 1.5 }, contentHash: 'h1b', compiledAt: t0 });
            await store.addModelVersion({ labeler: 'clf', version: '2', onnxPath: 'b.onnx', labelsUsed: 20, createdAt: t1 });
            await store.addModelVersion({
                labeler: 'clf',
                version: '1',
                onnxPath: 'a.onnx',
                labelsUsed: 10,
                createdAt: t0,
                validationAccuracy: 0.5,
            });
            await store.addModelVersion({ labeler: 'other', version: '1', onnxPath: 'c.onnx', labelsUsed: 1, createdAt: t0 });
            const recorded = await store.recordEvaluation({ model: 'clf', split: 'test', accuracy: 0.5, at: t0 });
            await store.recordEvaluation({ id: 'e2', model: 'clf', split: 'validation', accuracy: 0.75, at: t1, programVersion: 'v2' });
            await store.recordEvaluation({ id: 'e3', model: 'other', split: 'test', accuracy: 1, at: t0, programVersion: 'v2' });
            await store.recordEvaluation({ id: 'e3', model: 'other', split: 'test', accuracy: 0, at: t1 });
            await store.setStageStates([
                { run: 'r', stage: 'b', item: 'i1', status: 'done', detail: { n: 1 }, updatedAt: t0 },
                { run: 'r', stage: 'a', item: 'i2', status: 'waiting', updatedAt: t0 },
                { run: 'r', stage: 'a', item: 'i1', status: 'waiting', updatedAt: t0 },
                { run: 'q', stage: 'a', item: 'i1', status: 'done', updatedAt: t0 },
                { run: 'r', stage: 'a', item: 'i2', status: 'done', updatedAt: t1 },
            ]);
            return {
                plans: [await store.getPlan('P'), await store.getPlan('P', '1'), await store.getPlan('P', '9'), await store.getPlan('Z')],
                programs: await store.planPrograms(),
                models: [await store.modelVersions('clf'), await store.modelVersions('none')],
                generatedId: typeof recorded.id === 'string' && recorded.id.length > 0,
                evaluations: [
                    (await store.evaluations()).map((e) => ({ ...e, id: e.id === recorded.id ? 'generated' : e.id })),
                    (await store.evaluations({ model: 'clf' })).map((e) => e.accuracy),
                    (await store.evaluations({ split: 'test' })).map((e) => e.accuracy),
                    (await store.evaluations({ programVersion: 'v2' })).map((e) => e.id),
                    (await store.evaluations({ model: 'clf', split: 'validation', programVersion: 'v2' })).map((e) => e.id),
                ],
                stages: [
                    await store.stageStates({ run: 'r' }),
                    await store.stageStates({ run: 'r', stage: 'a' }),
                    await store.stageStates({ run: 'r', status: 'done' }),
                    await store.stageStates({ run: 'r', stage: 'a', status: 'waiting' }),
                ],
                errors: [
                    await failure(() => store.savePlan({ program: '', version: '1', plan: {}, contentHash: 'x' })),
                    await failure(() => store.recordEvaluation({ model: 'clf', split: 'dev' as 'test', accuracy: 1 })),
                    await failure(() =>
                        store.addModelVersion({ labeler: 'clf', version: '3', onnxPath: 'x', labelsUsed: 1, createdAt: 'soon' }),
                    ),
                ],
            };
        });
        expect(postgres).toEqual(embedded);
        expect(postgres.plans[0]?.plan).toEqual({ v: 2 });
        expect(postgres.plans[1]?.plan).toEqual({ v: 1.5 });
        expect(postgres.plans.slice(2)).toEqual([null, null]);
        expect(postgres.programs).toEqual(['A', 'P']);
        expect(postgres.models[0].map((m) => [m.version, m.validationAccuracy])).toEqual([
            ['1', 0.5],
            ['2', undefined],
        ]);
        expect(postgres.generatedId).toBe(true);
        expect(postgres.evaluations.slice(1)).toEqual([[0.5, 0.75], [0.5, 1], ['e3', 'e2'], ['e2']]);
        expect(postgres.stages.map((list) => list.map((s) => `${s.stage}/${s.item}:${s.status}`))).toEqual([
            ['a/i1:waiting', 'a/i2:done', 'b/i1:done'],
            ['a/i1:waiting', 'a/i2:done'],
            ['a/i2:done', 'b/i1:done'],
            ['a/i1:waiting'],
        ]);
        expect(postgres.errors.every((e) => e.startsWith('StoreInputError'))).toBe(true);
    });

    it('a read-only or closed store refuses writes and says why', async () => {
        const url = await db.newDatabase();
        const writer = await openStore(url);
        await writer.addLabel(label('a', 'm1', 'ann', 'spam'));
        const reader = await openStore(url, { readonly: true });
        expect(reader.readonly).toBe(true);
        expect(await reader.countLabels()).toBe(1);
        const writes: ((s: Store) => Promise<unknown>)[] = [
            (s) => s.addLabel(label('b', 'm1', 'ann', 'ham')),
            (s) => s.retireLabels(['a'], 'x'),
            (s) => s.addItems([]),
            (s) => s.setAggregates([]),
            (s) => s.setLabelerEstimates([]),
            (s) => s.savePlan({ program: 'P', version: '1', plan: {}, contentHash: 'x' }),
            (s) => s.addModelVersion({ labeler: 'm', version: '1', onnxPath: 'm.onnx', labelsUsed: 1 }),
            (s) => s.recordEvaluation({ model: 'm', split: 'test', accuracy: 1 }),
            (s) => s.setStageStates([]),
            (s) => s.lease({ task: 't', person: 'p', candidates: ['a'] }),
            (s) => s.releaseLeases('t', 'p'),
            (s) => s.load({ labels: [], items: [], aggregates: [], estimates: [], plans: [], models: [], evaluations: [], stages: [] }),
        ];
        for (const write of writes) {
            await expect(write(reader)).rejects.toBeInstanceOf(StoreReadonlyError);
        }
        await reader.close();
        await writer.close();
        await writer.close(); // closing twice is harmless
        await expect(writer.addLabel(label('c', 'm1', 'ann', 'ham'))).rejects.toThrow(/closed/);
        await expect(writer.labels()).rejects.toThrow(/closed/);
        const again = await openStore(url);
        expect((await again.labels()).map((l) => l.id)).toEqual(['a']);
        await again.close();
    });

    it('gives leases back: some items, or all of a person in a task', async () => {
        const url = await db.newDatabase();
        const store = await openStore(url);
        const candidates = ['q1', 'q2', 'q3'];
        const leased = async (person: string, task = 't') => (await store.lease({ task, person, candidates, limit: 3 })).map((l) => l.item);
        expect(await leased('ann')).toEqual(candidates);
        expect(await leased('ann', 'u')).toEqual(candidates);
        expect(await leased('bob')).toEqual([]);
        await store.releaseLeases('t', 'ann', ['q2']);
        expect(await leased('bob')).toEqual(['q2']);
        await store.releaseLeases('t', 'ann');
        expect(await leased('bob')).toEqual(candidates);
        // Ann's leases in task u were not given back.
        expect(await leased('bob', 'u')).toEqual([]);
        await expect(store.lease({ task: 't', person: 'p', candidates: ['q1'], wanted: [-1] })).rejects.toThrow(
            /answers wanted must be a whole number of at least 0 \(got -1\)/,
        );
        await expect(store.lease({ task: 't', person: 'p', candidates: ['q1'], leaseMs: Number.NaN })).rejects.toThrow(StoreInputError);
        await store.close();
    });
});

describe.skipIf(skip)('PostgreSQL connection problems say what to do', () => {
    it('a server that is not there, a wrong password, a missing database', async () => {
        const url = await db.newDatabase();
        const port = new URL(url).port;
        const closedPort = url.replace(`:${port}/`, ':1/');
        await expect(openStore(closedPort)).rejects.toThrow(
            /127\.0\.0\.1:1\/.*: cannot reach the PostgreSQL server \(.*\)\. Start it, or check the host and port in the store URL\./,
        );
        const wrong = url.replace('dprog@', 'dprog:wrong-password@');
        const refused = await openStore(wrong).catch((e: Error) => e);
        expect(refused).toBeInstanceOf(StoreConnectionError);
        expect((refused as Error).message).toMatch(/refused the login \(.*password.*\)\. Give the password in PGPASSWORD or ~\/\.pgpass/);
        expect((refused as Error).message).not.toContain('wrong-password');
        const missing = url.replace(/\/[^/]+$/, '/no_such_db');
        await expect(openStore(missing)).rejects.toThrow(/no_such_db: no such database \(.*\)\. Create it first: createdb NAME\./);
        // The password given apart from the URL (VS Code's secret storage) is used, and never shown.
        const withPassword = await openStore(url, { password: db.cluster.env.PGPASSWORD });
        expect(withPassword.location).toBe(url);
        await withPassword.close();
        await expect(openStore(url, { password: 'not-it' })).rejects.toThrow(/refused the login/);
    });
});
