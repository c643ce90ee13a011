/** Who may answer which item for now, on the embedded store: the leases its one writer process keeps in memory. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LEASE_MS, MemoryLeases } from '../../../engine/src/store/leases.js';

const START = Date.parse('2026-03-01T12:00:00.000Z');
const nobodyAnswered = () => false;
const items = (leases: { item: string }[]) => leases.map((l) => l.item);

let leases: MemoryLeases;
beforeEach(() => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    leases = new MemoryLeases();
});
afterEach(() => vi.useRealTimers());

describe('handing out items', () => {
    it('hands one item by default, for ten minutes, in the order of the candidates', () => {
        const [lease, ...more] = leases.lease({ task: 't', person: 'ann', candidates: ['b', 'a', 'c'] }, nobodyAnswered);
        expect(more).toEqual([]);
        expect(DEFAULT_LEASE_MS).toBe(600_000);
        expect(lease).toEqual({ task: 't', item: 'b', person: 'ann', expiresAt: new Date(START + DEFAULT_LEASE_MS).toISOString() });
    });

    it('hands exactly as many as the limit, with the lease time asked for', () => {
        const given = leases.lease(
            { task: 't', person: 'ann', candidates: ['a', 'b', 'c', 'd'], limit: 2, leaseMs: 5_000 },
            nobodyAnswered,
        );
        expect(items(given)).toEqual(['a', 'b']);
        expect(given.map((l) => l.expiresAt)).toEqual([new Date(START + 5_000).toISOString(), new Date(START + 5_000).toISOString()]);
    });

    it('skips what the person answered, and what others hold, without counting them against the limit', () => {
        leases.lease({ task: 't', person: 'bob', candidates: ['b'] }, nobodyAnswered);
        const given = leases.lease({ task: 't', person: 'ann', candidates: ['a', 'b', 'c', 'd'], limit: 2 }, (item) => item === 'a');
        expect(items(given)).toEqual(['c', 'd']);
    });

    it('hands an item wanting more answers to as many people as it wants, and to no one more', () => {
        const ask = (person: string) => items(leases.lease({ task: 't', person, candidates: ['a', 'b'], wanted: [2, 1] }, nobodyAnswered));
        expect(ask('ann')).toEqual(['a']);
        expect(ask('bob')).toEqual(['a']);
        expect(ask('cat')).toEqual(['b']);
        expect(ask('dan')).toEqual([]);
    });

    it('renews the lease of a person who asks again, even when the item has all the holders it wants', () => {
        leases.lease({ task: 't', person: 'ann', candidates: ['a'] }, nobodyAnswered);
        leases.lease({ task: 't', person: 'bob', candidates: ['a'], wanted: [2] }, nobodyAnswered);
        vi.setSystemTime(START + 1_000);
        const [renewed] = leases.lease({ task: 't', person: 'ann', candidates: ['a'] }, nobodyAnswered);
        expect(renewed).toMatchObject({ item: 'a', expiresAt: new Date(START + 1_000 + DEFAULT_LEASE_MS).toISOString() });
    });

    it('keeps the leases of different tasks apart', () => {
        leases.lease({ task: 't', person: 'ann', candidates: ['a'] }, nobodyAnswered);
        expect(items(leases.lease({ task: 'u', person: 'bob', candidates: ['a'] }, nobodyAnswered))).toEqual(['a']);
        expect(items(leases.lease({ task: 't', person: 'bob', candidates: ['a'] }, nobodyAnswered))).toEqual([]);
    });
});

describe('ending leases', () => {
    it('frees an item the moment its lease ends, not a millisecond before', () => {
        leases.lease({ task: 't', person: 'ann', candidates: ['a'], leaseMs: 1_000 }, nobodyAnswered);
        vi.setSystemTime(START + 999);
        expect(leases.lease({ task: 't', person: 'bob', candidates: ['a'] }, nobodyAnswered)).toEqual([]);
        vi.setSystemTime(START + 1_000);
        expect(items(leases.lease({ task: 't', person: 'bob', candidates: ['a'] }, nobodyAnswered))).toEqual(['a']);
    });

    it('releases one person’s leases of one task: all of them, or the items named', () => {
        leases.lease({ task: 't', person: 'ann', candidates: ['a', 'b', 'c'], limit: 3 }, nobodyAnswered);
        leases.lease({ task: 't', person: 'bob', candidates: ['a', 'b', 'c'], limit: 3, wanted: [2, 2, 2] }, nobodyAnswered);
        leases.lease({ task: 'u', person: 'ann', candidates: ['a'] }, nobodyAnswered);
        /** The items a newcomer would be handed when each wants `wanted` answers (the newcomer then lets them go). */
        const free = (task: string, wanted: number) => {
            const given = items(
                leases.lease(
                    { task, person: 'new', candidates: ['a', 'b', 'c'], limit: 3, wanted: [wanted, wanted, wanted] },
                    nobodyAnswered,
                ),
            );
            leases.release(task, 'new');
            return given;
        };

        leases.release('t', 'ann', ['b']);
        expect(free('t', 2)).toEqual(['b']);
        leases.release('t', 'bob', ['b', 'c']);
        expect(free('t', 1)).toEqual(['b']);
        expect(free('t', 2)).toEqual(['b', 'c']);
        leases.release('t', 'ann');
        expect(free('t', 1)).toEqual(['b', 'c']);
        // ann's lease of a in task u is not touched by releases of task t.
        expect(free('u', 1)).toEqual(['b', 'c']);
    });
});
