/**
 * The `hashed N` featurizer: text -> bag of words hashed into N float32 dimensions, L2-normalized
 * (the "hashing trick"; no vocabulary to store, so the model and the featurizer can never disagree).
 * It is scikit-learn's HashingVectorizer, computed the same way so a model trained on either side
 * reads the other's features:
 *   - tokens: the text lower-cased, then every match of `(?u)\b\w\w+\b` (runs of two or more
 *     letters, digits or underscores);
 *   - each token's UTF-8 bytes hashed with MurmurHash3 (32-bit, seed 0) as a signed integer h;
 *     its column is |h| mod N;
 *   - `hashed N` (alternate_sign=True, scikit-learn's default) adds sign(h) so colliding tokens
 *     cancel out on average; `hashed N unsigned` (alternate_sign=False) adds +1 (plain counts);
 *   - the row is divided by its L2 norm.
 * Several fields (`input subject, body as hashed N`) are joined with a newline and hashed as one
 * text: one bag of words, one norm — the same as HashingVectorizer on the joined text.
 */
import { FeatureMatrix, type SparseRow } from './feature-matrix.js';

/** Python's `\w` in Unicode mode: letters, numbers (of any kind) and the underscore. */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;
const encoder = new TextEncoder();

export interface HashOptions {
    /** Count every token +1 (HashingVectorizer(alternate_sign=False)); default signed. */
    unsigned?: boolean;
}

/** MurmurHash3 x86 32-bit of bytes (as scikit-learn's murmurhash3_32), as a signed 32-bit integer. */
export function murmurhash3(bytes: Uint8Array, seed = 0): number {
    const c1 = 0xcc9e2d51;
    const c2 = 0x1b873593;
    let h = seed | 0;
    const blocks = bytes.length >> 2;
    for (let i = 0; i < blocks; i++) {
        const o = i * 4;
        let k = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
        k = Math.imul(k, c1);
        k = (k << 15) | (k >>> 17);
        k = Math.imul(k, c2);
        h ^= k;
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    const tail = blocks * 4;
    const rest = bytes.length & 3;
    if (rest > 0) {
        let k = 0;
        if (rest === 3) {
            k ^= bytes[tail + 2] << 16;
        }
        if (rest >= 2) {
            k ^= bytes[tail + 1] << 8;
        }
        k ^= bytes[tail];
        k = Math.imul(k, c1);
        k = (k << 15) | (k >>> 17);
        k = Math.imul(k, c2);
        h ^= k;
    }
    h ^= bytes.length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h | 0;
}

export function tokenize(text: string): string[] {
    return text.toLowerCase().match(TOKEN) ?? [];
}

/** The column of a signed hash, as scikit-learn computes abs(h) % N (with its rule for -2^31). */
function column(h: number, dims: number): number {
    return h === -2147483648 ? (2147483647 - (dims - 1)) % dims : Math.abs(h) % dims;
}

/** One text as a sparse, L2-normalized row of `dims` dimensions (indices ascending). */
export function hashText(text: string, dims: number, options: HashOptions = {}): SparseRow {
    if (!Number.isInteger(dims) || dims < 1) {
        throw new Error(`hashed featurizer: dimensions must be a positive integer, got ${dims}`);
    }
    const counts = new Map<number, number>();
    for (const token of tokenize(text)) {
        const h = murmurhash3(encoder.encode(token));
        const index = column(h, dims);
        const sign = options.unsigned || h >= 0 ? 1 : -1;
        counts.set(index, (counts.get(index) ?? 0) + sign);
    }
    const entries = [...counts].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, v] of entries) {
        norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    return {
        indices: Int32Array.from(entries, ([i]) => i),
        values: Float32Array.from(entries, ([, v]) => v / norm),
    };
}

/** Featurizes many texts into one CSR matrix. */
export function hashTexts(texts: readonly string[], dims: number, options: HashOptions = {}): FeatureMatrix {
    return FeatureMatrix.fromSparseRows(
        dims,
        texts.map((t) => hashText(t, dims, options)),
    );
}

/** The text hashed for an item's fields (`input subject, body as hashed N`): the values joined by newlines, missing ones empty. */
export function joinFields(values: readonly unknown[]): string {
    return values.map((v) => (v === undefined || v === null ? '' : String(v))).join('\n');
}
