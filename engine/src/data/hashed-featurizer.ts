/**
 * The `hashed N` featurizer: text -> bag of words hashed into N float32 dimensions, L2-normalized
 * (the "hashing trick"; no vocabulary to store, so the model and the featurizer can never disagree).
 * Tokens are lower-cased runs of two or more letters or digits. A second hash bit gives each
 * token a sign, so colliding tokens cancel out on average instead of adding up.
 */
import { FeatureMatrix, type SparseRow } from './feature-matrix.js';

const TOKEN = /[\p{L}\p{N}]{2,}/gu;

/** 32-bit FNV-1a over the UTF-16 code units of a token. */
function fnv1a(token: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < token.length; i++) {
        h ^= token.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}

export function tokenize(text: string): string[] {
    return text.toLowerCase().match(TOKEN) ?? [];
}

/** One text as a sparse, L2-normalized row of `dims` dimensions (indices ascending). */
export function hashText(text: string, dims: number): SparseRow {
    if (!Number.isInteger(dims) || dims < 1) throw new Error(`hashed featurizer: dimensions must be a positive integer, got ${dims}`);
    const counts = new Map<number, number>();
    for (const token of tokenize(text)) {
        const h = fnv1a(token);
        const index = h % dims;
        const sign = (h >>> 31) === 1 ? -1 : 1;
        counts.set(index, (counts.get(index) ?? 0) + sign);
    }
    const entries = [...counts].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, v] of entries) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return {
        indices: Int32Array.from(entries, ([i]) => i),
        values: Float32Array.from(entries, ([, v]) => v / norm),
    };
}

/** Featurizes many texts into one CSR matrix. */
export function hashTexts(texts: readonly string[], dims: number): FeatureMatrix {
    return FeatureMatrix.fromSparseRows(dims, texts.map((t) => hashText(t, dims)));
}
