import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignBucket, hashUnit } from '../../../engine/src/data/split.js';

const buckets = [
    { name: 'train', share: 0.8 },
    { name: 'validation', share: 0.1 },
    { name: 'test', share: 0.1 },
];

describe('deterministic split', () => {
    it('depends only on the value: an item keeps its bucket whatever else is in the data', () => {
        fc.assert(
            fc.property(fc.string(), fc.array(fc.string()), (value, others) => {
                const before = assignBucket(value, buckets);
                others.forEach((o) => assignBucket(o, buckets));
                expect(assignBucket(value, buckets)).toBe(before);
            }),
        );
    });

    it('gives each bucket close to its share', () => {
        const counts: Record<string, number> = { train: 0, validation: 0, test: 0 };
        for (let i = 0; i < 20_000; i++) {
            counts[assignBucket(`item-${i}`, buckets)]++;
        }
        expect(counts.train / 20_000).toBeCloseTo(0.8, 1);
        expect(counts.validation / 20_000).toBeGreaterThan(0.09);
        expect(counts.test / 20_000).toBeLessThan(0.11);
    });

    it('hashes into [0, 1) and is stable across runs (a fixed value keeps a fixed hash)', () => {
        fc.assert(fc.property(fc.string(), (v) => hashUnit(v) >= 0 && hashUnit(v) < 1));
        expect(hashUnit('spam-1/00001')).toBe(hashUnit('spam-1/00001'));
        expect(hashUnit('a')).not.toBe(hashUnit('b'));
    });
});
