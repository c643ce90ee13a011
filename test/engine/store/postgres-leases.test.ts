/**
 * Work leases on PostgreSQL: annotators who ask for work at the same time get different items,
 * an item that wants two answers goes to two people, nobody gets an item they answered, and a
 * lease ends when its holder answers, gives it back, or leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_MS } from '../../../engine/src/store/leases.js';
import { openStore, type Store } from '../../../engine/src/store/index.js';
import { clusterForThisFile } from '../../support/postgres-file.js';

const db = clusterForThisFile('dprog_leases');
const skip = db.skip;

describe.skipIf(skip)('leases on PostgreSQL', () => {
    let url: string;
    let alice: Store;
    let bob: Store;
    beforeAll(async () => {
        if (skip) {
            return;
        }
        url = await db.cluster.createDatabase('dprog_leases');
        [alice, bob] = await Promise.all([openStore(url), openStore(url)]);
    });
    afterAll(async () => Promise.all([alice?.close(), bob?.close()]));
    const candidates = Array.from({ length: 10 }, (_, i) => `doc-${i}`);

    it('gives two annotators disjoint items, and each their own again', async () => {
        const [a, b] = await Promise.all([
            alice.lease({ task: 'read', person: 'alice', candidates, limit: 4 }),
            bob.lease({ task: 'read', person: 'bob', candidates, limit: 4 }),
        ]);
        const aItems = a.map((l) => l.item);
        const bItems = b.map((l) => l.item);
        expect(aItems).toHaveLength(4);
        expect(bItems).toHaveLength(4);
        expect(aItems.filter((item) => bItems.includes(item))).toEqual([]);
        // Asking again renews one's own leases rather than handing out new items.
        expect((await alice.lease({ task: 'read', person: 'alice', candidates, limit: 4 })).map((l) => l.item)).toEqual(aItems);
    });

    it('hands an item to a second person when the policy wants two answers', async () => {
        const first = await alice.lease({ task: 'pairs', person: 'alice', candidates: ['x'], wanted: [2] });
        const second = await bob.lease({ task: 'pairs', person: 'bob', candidates: ['x'], wanted: [2] });
        expect(first.map((l) => l.item)).toEqual(['x']);
        expect(second.map((l) => l.item)).toEqual(['x']);
        expect(await alice.lease({ task: 'pairs', person: 'carol', candidates: ['x'], wanted: [2] })).toEqual([]);
    });

    it('never hands a person an item they answered, and frees it for others when answered', async () => {
        const [lease] = await alice.lease({ task: 'answer', person: 'alice', candidates: ['q1', 'q2'] });
        expect(lease.item).toBe('q1');
        await alice.addLabel({ task: 'answer', item: 'q1', labeler: 'crowd', labelerKind: 'human', person: 'alice', value: 'yes' });
        expect((await alice.lease({ task: 'answer', person: 'alice', candidates: ['q1', 'q2'] })).map((l) => l.item)).toEqual(['q2']);
        expect((await bob.lease({ task: 'answer', person: 'bob', candidates: ['q1'] })).map((l) => l.item)).toEqual(['q1']);
    });

    it('takes names with quotes and backslashes as they are, and refuses a limit that is not a whole number', async () => {
        const task = `it's a \\ task'; DROP TABLE leases; --`;
        const person = "o'brien";
        const leased = await alice.lease({ task, person, candidates: ["doc'1", 'doc-2'], limit: 2 });
        expect(leased.map((l) => [l.task, l.item, l.person])).toEqual([
            [task, "doc'1", person],
            [task, 'doc-2', person],
        ]);
        expect(await bob.lease({ task, person: 'bob', candidates: ["doc'1", 'doc-2'] })).toEqual([]);
        await expect(alice.lease({ task, person, candidates: ['doc-3'], limit: 1.5 })).rejects.toThrow(
            /lease limit must be a whole number/,
        );
    });

    it('lets a lease expire when its holder leaves', async () => {
        const [held] = await alice.lease({ task: 'expire', person: 'alice', candidates: ['e1'], leaseMs: 300 });
        expect(held.item).toBe('e1');
        expect(await bob.lease({ task: 'expire', person: 'bob', candidates: ['e1'] })).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect((await bob.lease({ task: 'expire', person: 'bob', candidates: ['e1'] })).map((l) => l.item)).toEqual(['e1']);
    });

    it('hands out one item for ten minutes unless asked otherwise, in the order of the candidates', async () => {
        const before = Date.now();
        const [one, ...none] = await alice.lease({ task: 'defaults', person: 'alice', candidates: ['d3', 'd1', 'd2'] });
        expect(none).toEqual([]);
        expect(one).toMatchObject({ task: 'defaults', item: 'd3', person: 'alice' });
        const lasts = Date.parse(one.expiresAt) - before;
        expect(lasts).toBeGreaterThan(DEFAULT_LEASE_MS / 2);
        expect(lasts).toBeLessThanOrEqual(DEFAULT_LEASE_MS + 60_000);
        const more = await bob.lease({ task: 'defaults', person: 'bob', candidates: ['d3', 'd2', 'd1'], limit: 5 });
        expect(more.map((l) => l.item)).toEqual(['d2', 'd1']);
    });

    it('a lease of no time ends at once, and an item that wants no answer goes to nobody', async () => {
        expect((await alice.lease({ task: 'zero', person: 'alice', candidates: ['z1'], leaseMs: 0 })).map((l) => l.item)).toEqual(['z1']);
        expect((await bob.lease({ task: 'zero', person: 'bob', candidates: ['z1'] })).map((l) => l.item)).toEqual(['z1']);
        expect(await alice.lease({ task: 'zero', person: 'alice', candidates: ['z2'], wanted: [0] })).toEqual([]);
    });

    it('refuses negative or non-finite numbers, naming which', async () => {
        const ask = (extra: object) => alice.lease({ task: 'bad', person: 'alice', candidates: ['b1'], ...extra });
        await expect(ask({ limit: -1 })).rejects.toThrow('lease limit must be a whole number of at least 0 (got -1)');
        await expect(ask({ wanted: [2.5] })).rejects.toThrow('answers wanted must be a whole number of at least 0 (got 2.5)');
        await expect(ask({ leaseMs: -5 })).rejects.toThrow('lease time (ms) must be a number of at least 0 (got -5)');
        await expect(ask({ leaseMs: Number.NaN })).rejects.toThrow('lease time (ms) must be a number of at least 0 (got NaN)');
        await expect(ask({ leaseMs: '5' })).rejects.toThrow('lease time (ms) must be a number of at least 0 (got "5")');
        expect(await ask({ leaseMs: 1.5 })).toHaveLength(1);
    });
});

describe.skipIf(skip)('leases asked for at the same moment', () => {
    it('twelve people asking for one single-answer item at once: exactly one gets it, each time', async () => {
        const url = await db.cluster.createDatabase('dprog_lease_race');
        const people = await Promise.all(Array.from({ length: 12 }, () => openStore(url)));
        try {
            for (let round = 0; round < 5; round++) {
                const item = [`race-${round}`];
                const got = await Promise.all(people.map((s, i) => s.lease({ task: 'race', person: `p${i}`, candidates: item })));
                expect(got.flat()).toHaveLength(1);
            }
        } finally {
            await Promise.all(people.map((s) => s.close()));
        }
    });
});
