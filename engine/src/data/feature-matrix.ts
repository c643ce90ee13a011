/**
 * Featurized items as a compressed sparse row (CSR) matrix of float32. Hashed bag-of-words rows
 * have a few hundred non-zeros out of thousands of dimensions, so CSR keeps a 6,000-message corpus
 * in a few MB instead of ~100 MB dense; dense rows (encoder embeddings) are stored the same way.
 */
export interface SparseRow {
    indices: Int32Array;
    values: Float32Array;
}

export class FeatureMatrix {
    constructor(
        readonly dims: number,
        /** rowStart[i]..rowStart[i+1] are row i's entries; length rows + 1. */
        readonly rowStart: Int32Array,
        readonly indices: Int32Array,
        readonly values: Float32Array,
        /** The same rows as one dense row-major array, when they came dense (embeddings): batches are then zero-copy views. */
        readonly dense?: Float32Array,
        /** Each row's tensor shape when it is not flat, e.g. [3, H, W] for images (product = dims). */
        readonly shape?: readonly number[],
    ) {}

    get rows(): number {
        return this.rowStart.length - 1;
    }

    static fromSparseRows(dims: number, rows: readonly SparseRow[]): FeatureMatrix {
        const rowStart = new Int32Array(rows.length + 1);
        let nnz = 0;
        rows.forEach((row, i) => {
            nnz += row.indices.length;
            rowStart[i + 1] = nnz;
        });
        const indices = new Int32Array(nnz);
        const values = new Float32Array(nnz);
        rows.forEach((row, i) => {
            indices.set(row.indices, rowStart[i]);
            values.set(row.values, rowStart[i]);
        });
        return new FeatureMatrix(dims, rowStart, indices, values);
    }

    /** Wraps a dense row-major [rows, dims] array (e.g. embeddings; images with their per-row `shape`). */
    static fromDense(data: Float32Array, dims: number, shape?: readonly number[]): FeatureMatrix {
        const rows = data.length / dims;
        const rowStart = new Int32Array(rows + 1);
        const indices = new Int32Array(data.length);
        for (let r = 0; r < rows; r++) {
            rowStart[r + 1] = (r + 1) * dims;
            for (let d = 0; d < dims; d++) {
                indices[r * dims + d] = d;
            }
        }
        const values = Float32Array.from(data);
        return new FeatureMatrix(dims, rowStart, indices, values, values, shape);
    }

    /** The rows at the given positions, in that order, as a new matrix. */
    select(positions: readonly number[]): FeatureMatrix {
        const rowStart = new Int32Array(positions.length + 1);
        positions.forEach((p, i) => (rowStart[i + 1] = rowStart[i] + this.rowStart[p + 1] - this.rowStart[p]));
        const indices = new Int32Array(rowStart[positions.length]);
        const values = new Float32Array(rowStart[positions.length]);
        positions.forEach((p, i) => {
            indices.set(this.indices.subarray(this.rowStart[p], this.rowStart[p + 1]), rowStart[i]);
            values.set(this.values.subarray(this.rowStart[p], this.rowStart[p + 1]), rowStart[i]);
        });
        return new FeatureMatrix(this.dims, rowStart, indices, values, this.dense ? values : undefined, this.shape);
    }

    /** Rows [start, end) as a dense row-major float32 tensor, ready for an ONNX model input. */
    denseRows(start: number, end: number): Float32Array {
        const dense = new Float32Array((end - start) * this.dims);
        this.scatter(start, end, dense, 1);
        return dense;
    }

    /** Writes rows [start, end) into `dense` (row-major, `dims` wide), or with scale 0 zeroes exactly those entries. */
    scatter(start: number, end: number, dense: Float32Array, scale: 0 | 1): void {
        const { rowStart, indices, values, dims } = this;
        for (let r = start; r < end; r++) {
            const base = (r - start) * dims;
            const last = rowStart[r + 1];
            if (scale === 0) {
                for (let k = rowStart[r]; k < last; k++) {
                    dense[base + indices[k]] = 0;
                }
            } else {
                for (let k = rowStart[r]; k < last; k++) {
                    dense[base + indices[k]] = values[k];
                }
            }
        }
    }
}

/**
 * A reusable dense buffer for batches of sparse rows: filling a batch costs O(non-zeros), because
 * only the entries the previous batch wrote are cleared (not the whole batch × dims buffer).
 */
export class DenseBatcher {
    private readonly buffer: Float32Array;
    private last: { start: number; end: number } | undefined;

    constructor(
        private readonly matrix: FeatureMatrix,
        readonly batchSize: number,
    ) {
        this.buffer = new Float32Array(matrix.dense ? 0 : Math.max(1, Math.min(batchSize, matrix.rows)) * matrix.dims);
    }

    /** Rows [start, end) (at most batchSize) densified; valid until the next call. */
    batch(start: number, end: number): Float32Array {
        if (end - start > this.batchSize) {
            throw new Error(`batch of ${end - start} rows exceeds ${this.batchSize}`);
        }
        if (this.matrix.dense) {
            return this.matrix.dense.subarray(start * this.matrix.dims, end * this.matrix.dims);
        }
        if (this.last) {
            this.matrix.scatter(this.last.start, this.last.end, this.buffer, 0);
        }
        this.matrix.scatter(start, end, this.buffer, 1);
        this.last = { start, end };
        return this.buffer.subarray(0, (end - start) * this.matrix.dims);
    }
}
