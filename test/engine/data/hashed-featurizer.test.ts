import { describe, expect, it } from 'vitest';
import { hashText, hashTexts, tokenize } from '../../../engine/src/data/hashed-featurizer.js';

describe('hashed featurizer', () => {
    it('tokenizes lower-cased runs of letters and digits', () => {
        expect(tokenize('FREE money!!! Call 0800-123, café a')).toEqual(['free', 'money', 'call', '0800', '123', 'café']);
    });

    it('produces L2-normalized float32 rows with sorted indices inside the dimension', () => {
        const row = hashText('the quick brown fox jumps over the lazy dog', 64);
        expect(row.values).toBeInstanceOf(Float32Array);
        const norm = Math.sqrt(row.values.reduce((s, v) => s + v * v, 0));
        expect(norm).toBeCloseTo(1, 5);
        expect([...row.indices].every((i, k, a) => i >= 0 && i < 64 && (k === 0 || a[k - 1] < i))).toBe(true);
    });

    it('is a bag of words: word order does not matter, different words do', () => {
        const a = hashText('win free money now', 4096);
        const b = hashText('now money free win', 4096);
        expect([...a.indices]).toEqual([...b.indices]);
        expect([...a.values]).toEqual([...b.values]);
        expect([...hashText('meeting agenda attached', 4096).indices]).not.toEqual([...a.indices]);
    });

    it('gives an empty text an all-zero row and densifies rows for a model', () => {
        const m = hashTexts(['', 'hello hello'], 8);
        expect(m.rows).toBe(2);
        const dense = m.denseRows(0, 2);
        expect(dense.length).toBe(16);
        expect(dense.slice(0, 8).every((v) => v === 0)).toBe(true);
        expect(Math.max(...dense.slice(8).map(Math.abs))).toBeCloseTo(1, 6);
    });
});
