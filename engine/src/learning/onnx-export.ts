/**
 * Writes a softmax-regression head as a standard ONNX model (opset 13):
 *   probabilities = Softmax(MatMul(features, W) + b)
 * input `features` float32 [batch, D], output `probabilities` float32 [batch, C]. The class names
 * travel in the model's metadata ('dprog.labels'), so a file always says what its columns mean.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface LinearHead {
    /** Row-major [dims, classes]. */
    weights: Float32Array;
    bias: Float32Array;
    dims: number;
    labels: string[];
}

export const HEAD_INPUT = 'features';
export const HEAD_OUTPUT = 'probabilities';
export const LABELS_METADATA_KEY = 'dprog.labels';

/** A graph input or output: a tensor of `elemType` (default float32) with fixed and named dimensions. */
export function valueInfo(
    name: string,
    dims: (number | string)[],
    elemType: number = onnx.TensorProto.DataType.FLOAT,
): onnxProto.onnx.IValueInfoProto {
    return {
        name,
        type: {
            tensorType: {
                elemType,
                shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
            },
        },
    };
}

function floatTensor(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
    return {
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    };
}

/** The ONNX bytes of a linear softmax head. */
export function encodeLinearHead(head: LinearHead, metadata: Record<string, string> = {}): Uint8Array {
    const classes = head.labels.length;
    if (head.weights.length !== head.dims * classes || head.bias.length !== classes) {
        throw new Error(`linear head: weights must be [${head.dims}, ${classes}] and bias [${classes}]`);
    }
    const model: onnxProto.onnx.IModelProto = {
        irVersion: 8,
        producerName: 'dprog',
        producerVersion: '0.1.0',
        opsetImport: [{ domain: '', version: 13 }],
        metadataProps: Object.entries({ ...metadata, [LABELS_METADATA_KEY]: JSON.stringify(head.labels) }).map(([key, value]) => ({
            key,
            value,
        })),
        graph: {
            name: 'dprog_softmax_head',
            initializer: [floatTensor('W', [head.dims, classes], head.weights), floatTensor('b', [classes], head.bias)],
            node: [
                { opType: 'MatMul', input: [HEAD_INPUT, 'W'], output: ['logits_raw'], name: 'matmul' },
                { opType: 'Add', input: ['logits_raw', 'b'], output: ['logits'], name: 'add' },
                {
                    opType: 'Softmax',
                    input: ['logits'],
                    output: [HEAD_OUTPUT],
                    name: 'softmax',
                    attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
                },
            ],
            input: [valueInfo(HEAD_INPUT, ['batch', head.dims])],
            output: [valueInfo(HEAD_OUTPUT, ['batch', classes])],
        },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Writes the head to `path` atomically (temp file, then rename), creating the folder. */
export function writeLinearHead(path: string, head: LinearHead, metadata: Record<string, string> = {}): void {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, encodeLinearHead(head, metadata));
    renameSync(temp, path);
}
