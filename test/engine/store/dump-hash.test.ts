/** A whole store as rows: its hash says "same contents" across backends, whatever order rows and keys come in. */
import { describe, expect, it } from 'vitest';
import { dumpCounts, dumpHash, type StoreDump } from '../../../engine/src/store/dump.js';

const empty: StoreDump = { labels: [], items: [], aggregates: [], estimates: [], plans: [], models: [], evaluations: [], stages: [] };
const label = (id: string, value: unknown = 'spam') =>
    ({
        id,
        task: 't',
        item: `i-${id}`,
        labeler: 'ann',
        labelerKind: 'human',
        value,
        gold: false,
        createdAt: '2026-01-01',
    }) as StoreDump['labels'][number];
const item = (key: string) => ({ dataset: 'mail', key, split: 'train' as const, addedAt: '2026-01-01' });

describe('dumpHash', () => {
    it('is the same whatever order the rows, or the keys of a row, come in', () => {
        const a = { ...empty, labels: [label('a', { p: 1, q: [2, 3] }), label('b')], items: [item('x'), item('y')] };
        const reordered = {
            ...empty,
            items: [item('y'), item('x')],
            labels: [
                label('b'),
                Object.fromEntries(Object.entries(label('a', { q: [2, 3], p: 1 })).reverse()) as StoreDump['labels'][number],
            ],
        };
        expect(dumpHash(reordered)).toBe(dumpHash(a));
        expect(dumpHash(a)).toMatch(/^[0-9a-f]{64}$/);
    });

    it('ignores fields that are undefined, but not fields that are null', () => {
        const plain = { ...empty, labels: [label('a')] };
        expect(dumpHash({ ...empty, labels: [{ ...label('a'), score: undefined }] })).toBe(dumpHash(plain));
        expect(dumpHash({ ...empty, labels: [{ ...label('a'), value: null }] })).not.toBe(dumpHash(plain));
    });

    it('differs for any different value, the order inside a value, or the table a row is in', () => {
        const base = dumpHash({ ...empty, labels: [label('a', [1, 2])] });
        const variants: StoreDump[] = [
            { ...empty, labels: [label('a', [2, 1])] },
            { ...empty, labels: [label('a', [1, 2]), label('b')] },
            { ...empty, labels: [{ ...label('a', [1, 2]), gold: true }] },
            { ...empty, labels: [label('a', '1,2')] },
            { ...empty, labels: [label('a', { 0: 1, 1: 2 })] },
            empty,
        ];
        for (const variant of variants) {
            expect(dumpHash(variant)).not.toBe(base);
        }
        const row = { dataset: 'd', key: 'k', split: 'train' as const, addedAt: 'x' };
        expect(dumpHash({ ...empty, items: [row] })).not.toBe(dumpHash({ ...empty, stages: [row as never] }));
        // Rows are separated: two rows are not the same as one row holding both texts.
        expect(dumpHash({ ...empty, labels: [label('a'), label('b')] })).not.toBe(
            dumpHash({ ...empty, labels: [label('b'), label('a'), label('a')] }),
        );
    });

    it('is the same for every order of an object’s keys', () => {
        const keys = ['delta', 'alpha', 'charlie', 'bravo'];
        const orders = keys.flatMap((a) =>
            keys.filter((b) => b !== a).flatMap((b) => keys.filter((c) => c !== a && c !== b).map((c) => [a, b, c])),
        );
        const hashes = new Set(
            orders.map((order) => {
                const rest = keys.find((k) => !order.includes(k)) as string;
                const value = Object.fromEntries([...order, rest].map((k) => [k, k.length]));
                return dumpHash({ ...empty, labels: [label('a', value)] });
            }),
        );
        expect(orders).toHaveLength(24);
        expect(hashes.size).toBe(1);
    });

    it('tells lists apart by their items, not only by their text', () => {
        expect(dumpHash({ ...empty, labels: [label('a', [1, 2])] })).not.toBe(dumpHash({ ...empty, labels: [label('a', [12])] }));
    });

    it('tells keys apart by name, not by position', () => {
        expect(dumpHash({ ...empty, labels: [label('a', { a: 1, b: 2 })] })).not.toBe(
            dumpHash({ ...empty, labels: [label('a', { a: 2, b: 1 })] }),
        );
        expect(dumpHash({ ...empty, labels: [label('a', { b: 1 })] })).not.toBe(dumpHash({ ...empty, labels: [label('a', { c: 1 })] }));
    });
});

describe('dumpCounts', () => {
    it('counts the rows of every table', () => {
        expect(dumpCounts({ ...empty, labels: [label('a'), label('b')], items: [item('x')] })).toEqual({
            labels: 2,
            items: 1,
            aggregates: 0,
            estimates: 0,
            plans: 0,
            models: 0,
            evaluations: 0,
            stages: 0,
        });
    });
});
