/**
 * Sparse scoring of linear softmax heads. A head over hashed features (`probabilities =
 * Softmax(features · W + b)`) only needs the rows of W that a text's words hit, so instead of
 * turning each sparse row into a dense 4,096-wide row, the engine feeds onnxruntime a companion
 * graph with an embedding-bag front (per row, the sum of value × W[index] over its non-zeros, then
 * + b and Softmax), fed the compressed rows as they are.
 * The companion is derived in memory from the model file (same W and b), so the file on disk stays
 * a standard dense model other tools can read; models of any other shape keep the dense path.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import type { FeatureMatrix } from '../data/feature-matrix.js';
import { valueInfo } from './onnx-export.js';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;
type Tensor = onnxProto.onnx.ITensorProto;

export const SPARSE_INDICES = 'indices';
export const SPARSE_VALUES = 'values';
export const SPARSE_OFFSETS = 'offsets';

/** A dense linear head found in a model: W [dims, classes] and b [classes] as stored. */
export interface HeadWeights {
    dims: number;
    classes: number;
    weights: Tensor;
    bias: Tensor;
    output: string;
}

function initializer(graph: Graph, name: string | null | undefined): Tensor | undefined {
    return graph.initializer?.find((t) => t.name === name && t.dataType === onnx.TensorProto.DataType.FLOAT);
}

/** The W and b of a graph that is exactly MatMul(input, W) → Add(·, b) → Softmax, or undefined. */
export function findLinearHead(bytes: Uint8Array): HeadWeights | undefined {
    const graph = onnx.ModelProto.decode(bytes).graph;
    const nodes = graph?.node ?? [];
    if (graph?.input?.length !== 1 || graph.output?.length !== 1 || nodes.length !== 3) {
        return undefined;
    }
    const [matmul, add, softmax] = nodes;
    const input = graph.input[0].name;
    if (matmul.opType !== 'MatMul' || add.opType !== 'Add' || softmax.opType !== 'Softmax') {
        return undefined;
    }
    if (matmul.input?.[0] !== input || add.input?.[0] !== matmul.output?.[0] || softmax.input?.[0] !== add.output?.[0]) {
        return undefined;
    }
    if (softmax.output?.[0] !== graph.output[0].name) {
        return undefined;
    }
    const axis = softmax.attribute?.find((a) => a.name === 'axis');
    if (axis && Number(axis.i) !== 1 && Number(axis.i) !== -1) {
        return undefined;
    }
    const weights = initializer(graph, matmul.input?.[1]);
    const bias = initializer(graph, add.input?.[1]);
    const dims = weights?.dims?.map(Number) ?? [];
    if (!weights || !bias || dims.length !== 2 || (bias.dims?.map(Number) ?? []).reduce((a, b) => a * b, 1) !== dims[1]) {
        return undefined;
    }
    return { dims: dims[0], classes: dims[1], weights, bias, output: graph.output[0].name ?? 'probabilities' };
}

const INT = onnx.AttributeProto.AttributeType.INT;

function int64s(name: string, values: number[]): Tensor {
    return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

/**
 * The embedding-bag graph for a head's weights. Inputs: a batch's non-zeros as flat `indices`
 * int32 [nnz] and `values` float32 [nnz] (the CSR arrays themselves, no copy), and `offsets` int32
 * [batch + 1] where row r's entries are offsets[r]..offsets[r+1]. Each entry's contribution
 * values[k] · W[indices[k]] is summed per row by a running sum in float64 (so the difference of two
 * running sums keeps float32 precision) taken at the row ends minus the row starts.
 */
export function encodeSparseHead(head: HeadWeights): Uint8Array {
    const { FLOAT, INT32, DOUBLE } = onnx.TensorProto.DataType;
    const zeroRow: Tensor = { name: 'zero_row', dims: [1, head.classes], dataType: DOUBLE, doubleData: new Array(head.classes).fill(0) };
    const model: onnxProto.onnx.IModelProto = {
        irVersion: 8,
        producerName: 'dprog',
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
            name: 'dprog_sparse_head',
            initializer: [
                { ...head.weights, name: 'W' },
                { ...head.bias, name: 'b', dims: [head.classes] },
                zeroRow,
                int64s('axis_0', [0]),
                int64s('axis_1', [1]),
                int64s('from_0', [0]),
                int64s('from_1', [1]),
                int64s('to_last', [-1]),
                int64s('to_end', [2 ** 31 - 1]),
            ],
            node: [
                { opType: 'Gather', input: ['W', SPARSE_INDICES], output: ['rows'], attribute: [{ name: 'axis', type: INT, i: 0 }] },
                { opType: 'Unsqueeze', input: [SPARSE_VALUES, 'axis_1'], output: ['values_column'] },
                { opType: 'Mul', input: ['rows', 'values_column'], output: ['contributions'] },
                {
                    opType: 'Cast',
                    input: ['contributions'],
                    output: ['contributions_64'],
                    attribute: [{ name: 'to', type: INT, i: DOUBLE }],
                },
                { opType: 'CumSum', input: ['contributions_64', 'axis_0'], output: ['running'] },
                {
                    opType: 'Concat',
                    input: ['zero_row', 'running'],
                    output: ['running_from_zero'],
                    attribute: [{ name: 'axis', type: INT, i: 0 }],
                },
                { opType: 'Slice', input: [SPARSE_OFFSETS, 'from_0', 'to_last', 'axis_0'], output: ['starts'] },
                { opType: 'Slice', input: [SPARSE_OFFSETS, 'from_1', 'to_end', 'axis_0'], output: ['ends'] },
                {
                    opType: 'Gather',
                    input: ['running_from_zero', 'ends'],
                    output: ['sum_to_end'],
                    attribute: [{ name: 'axis', type: INT, i: 0 }],
                },
                {
                    opType: 'Gather',
                    input: ['running_from_zero', 'starts'],
                    output: ['sum_to_start'],
                    attribute: [{ name: 'axis', type: INT, i: 0 }],
                },
                { opType: 'Sub', input: ['sum_to_end', 'sum_to_start'], output: ['logits_64'] },
                { opType: 'Cast', input: ['logits_64'], output: ['logits_raw'], attribute: [{ name: 'to', type: INT, i: FLOAT }] },
                { opType: 'Add', input: ['logits_raw', 'b'], output: ['logits'] },
                { opType: 'Softmax', input: ['logits'], output: [head.output], attribute: [{ name: 'axis', type: INT, i: 1 }] },
            ],
            input: [
                valueInfo(SPARSE_INDICES, ['nonzeros'], INT32),
                valueInfo(SPARSE_VALUES, ['nonzeros'], FLOAT),
                valueInfo(SPARSE_OFFSETS, ['batch_plus_one'], INT32),
            ],
            output: [valueInfo(head.output, ['batch', head.classes], FLOAT)],
        },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** The sparse companion of a model file, or undefined when the file is not a plain linear head. */
export function sparseCompanion(path: string): Uint8Array | undefined {
    const head = findLinearHead(readFileSync(path));
    return head ? encodeSparseHead(head) : undefined;
}

/** Rows [start, end) of a CSR matrix as the companion's inputs: views of its arrays and the batch's offsets. */
export function batchInputs(
    matrix: FeatureMatrix,
    start: number,
    end: number,
): { indices: Int32Array; values: Float32Array; offsets: Int32Array } {
    const { rowStart } = matrix;
    const first = rowStart[start];
    const offsets = new Int32Array(end - start + 1);
    for (let r = start; r <= end; r++) {
        offsets[r - start] = rowStart[r] - first;
    }
    return { indices: matrix.indices.subarray(first, rowStart[end]), values: matrix.values.subarray(first, rowStart[end]), offsets };
}
