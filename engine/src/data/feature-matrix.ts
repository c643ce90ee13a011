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

    /** Wraps a dense row-major [rows, dims] array (e.g. embeddings). */
    static fromDense(data: Float32Array, dims: number): FeatureMatrix {
        const rows = data.length / dims;
        const rowStart = new Int32Array(rows + 1);
        const indices = new Int32Array(data.length);
        for (let r = 0; r < rows; r++) {
            rowStart[r + 1] = (r + 1) * dims;
            for (let d = 0; d < dims; d++) indices[r * dims + d] = d;
        }
        return new FeatureMatrix(dims, rowStart, indices, Float32Array.from(data));
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
        return new FeatureMatrix(this.dims, rowStart, indices, values);
    }

    /** Rows [start, end) as a dense row-major float32 tensor, ready for an ONNX model input. */
    denseRows(start: number, end: number, out?: Float32Array): Float32Array {
        const count = end - start;
        const dense = out && out.length >= count * this.dims ? out.subarray(0, count * this.dims) : new Float32Array(count * this.dims);
        dense.fill(0);
        for (let r = start; r < end; r++) {
            const base = (r - start) * this.dims;
            for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) dense[base + this.indices[k]] = this.values[k];
        }
        return dense;
    }
}
