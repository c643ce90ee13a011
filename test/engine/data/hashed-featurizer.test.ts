import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashText, hashTexts, joinFields, murmurhash3, tokenize } from '../../../engine/src/data/hashed-featurizer.js';

/** Vectors from scikit-learn's HashingVectorizer, made offline by fixtures/sklearn-hashing.py. */
interface Reference {
    texts: string[];
    fields: string[][];
    cases: Array<{ dims: number; alternateSign: boolean; texts: Row[]; fields: Row[] }>;
}
interface Row {
    indices: number[];
    values: number[];
}
const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'sklearn-hashing.json'), 'utf8')) as Reference;

function expectSameRow(actual: { indices: Int32Array; values: Float32Array }, expected: Row): void {
    expect([...actual.indices]).toEqual(expected.indices);
    actual.values.forEach((v, k) => expect(Math.abs(v - expected.values[k])).toBeLessThan(1e-6));
}

describe('hashed featurizer = scikit-learn HashingVectorizer', () => {
    it('hashes with MurmurHash3 x86 32-bit (published test vectors)', () => {
        const bytes = (s: string) => new TextEncoder().encode(s);
        expect(murmurhash3(bytes(''))).toBe(0);
        expect(murmurhash3(bytes(''), 1)).toBe(0x514e28b7);
        expect(murmurhash3(bytes('Hello, world!'), 1234) >>> 0).toBe(0xfaf6cdb3);
        expect(murmurhash3(bytes('The quick brown fox jumps over the lazy dog')) >>> 0).toBe(0x2e4ff723);
    });

    for (const c of reference.cases) {
        const mode = c.alternateSign ? 'signed (alternate_sign=True)' : 'unsigned (alternate_sign=False)';
        it(`gives the reference vectors at ${c.dims} dimensions, ${mode}`, () => {
            reference.texts.forEach((text, i) => expectSameRow(hashText(text, c.dims, { unsigned: !c.alternateSign }), c.texts[i]));
        });
        it(`hashes several fields as their newline-joined text at ${c.dims} dimensions, ${mode}`, () => {
            reference.fields.forEach((fields, i) =>
                expectSameRow(hashText(joinFields(fields), c.dims, { unsigned: !c.alternateSign }), c.fields[i]),
            );
        });
    }

    it('joins missing field values as empty text', () => {
        expect(joinFields(['subject', undefined, null, 3])).toBe('subject\n\n\n3');
    });
});

describe('hashed featurizer', () => {
    it('tokenizes lower-cased runs of letters, digits and underscores', () => {
        expect(tokenize('FREE money!!! Call 0800-123, café a snake_case')).toEqual([
            'free',
            'money',
            'call',
            '0800',
            '123',
            'café',
            'snake_case',
        ]);
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
