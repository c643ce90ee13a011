/**
 * Deterministic splits: an item's bucket depends only on the hash of its split field, so it never
 * changes bucket when the data grows or is reordered.
 */
import { createHash } from 'node:crypto';

export interface SplitBucket {
    name: string;
    /** Share in (0, 1]; the shares of a split sum to 1. */
    share: number;
}

/** A number in [0, 1) derived from the value's SHA-256; uniform and stable across runs and machines. */
export function hashUnit(value: string): number {
    const digest = createHash('sha256').update(value, 'utf8').digest();
    // 48 bits are plenty of resolution and stay exact in a double.
    return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The bucket for a split-field value: buckets take consecutive ranges of [0, 1) in declared order. */
export function assignBucket(value: string, buckets: readonly SplitBucket[]): string {
    if (buckets.length === 0) {
        throw new Error('a split needs at least one bucket');
    }
    const total = buckets.reduce((sum, b) => sum + b.share, 0);
    const u = hashUnit(value) * total;
    let upper = 0;
    for (const bucket of buckets) {
        upper += bucket.share;
        if (u < upper) {
            return bucket.name;
        }
    }
    return buckets[buckets.length - 1].name;
}
