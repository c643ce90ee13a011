/**
 * Distinct byte strings → small integers, straight from a buffer: a string is decoded only the
 * first time its bytes are seen. Open addressing on an FNV-1a hash; equal hashes compare bytes.
 */
export class ByteInterner {
    /** id → the decoded string. */
    readonly values: string[] = [];
    private slots = new Int32Array(1024).fill(-1);
    private starts = new Int32Array(256);
    private lengths = new Int32Array(256);
    private hashes = new Int32Array(256);
    /** Where each id's bytes are: the buffer they were first seen in. */
    private sources: Uint8Array[] = [];

    get size(): number {
        return this.values.length;
    }

    /** The id of bytes [start, end) of `bytes`, added if new. */
    intern(bytes: Uint8Array, start: number, end: number): number {
        let hash = 0x811c9dc5;
        for (let p = start; p < end; p++) {
            hash = Math.imul(hash ^ bytes[p], 0x01000193);
        }
        const mask = this.slots.length - 1;
        for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
            const id = this.slots[slot];
            if (id < 0) {
                return this.add(slot, hash, bytes, start, end);
            }
            if (this.hashes[id] === hash && this.sameBytes(id, bytes, start, end)) {
                return id;
            }
        }
    }

    /** The id of a string (for values that do not come from a buffer). */
    internString(value: string): number {
        const bytes = Buffer.from(value, 'utf8');
        return this.intern(bytes, 0, bytes.length);
    }

    private sameBytes(id: number, bytes: Uint8Array, start: number, end: number): boolean {
        const length = end - start;
        if (this.lengths[id] !== length) {
            return false;
        }
        const source = this.sources[id];
        const from = this.starts[id];
        for (let p = 0; p < length; p++) {
            if (source[from + p] !== bytes[start + p]) {
                return false;
            }
        }
        return true;
    }

    private add(slot: number, hash: number, bytes: Uint8Array, start: number, end: number): number {
        const id = this.values.length;
        if (id === this.starts.length) {
            this.starts = grow(this.starts);
            this.lengths = grow(this.lengths);
            this.hashes = grow(this.hashes);
        }
        this.values.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8'));
        this.sources.push(bytes);
        this.starts[id] = start;
        this.lengths[id] = end - start;
        this.hashes[id] = hash;
        this.slots[slot] = id;
        if (this.values.length * 2 > this.slots.length) {
            this.rehash();
        }
        return id;
    }

    private rehash(): void {
        this.slots = new Int32Array(this.slots.length * 2).fill(-1);
        const mask = this.slots.length - 1;
        for (let id = 0; id < this.values.length; id++) {
            let slot = this.hashes[id] & mask;
            while (this.slots[slot] >= 0) {
                slot = (slot + 1) & mask;
            }
            this.slots[slot] = id;
        }
    }
}

/** A copy twice as long (the first half copied). */
export function grow(array: Int32Array): Int32Array<ArrayBuffer> {
    const out = new Int32Array(Math.max(16, array.length * 2));
    out.set(array);
    return out;
}
