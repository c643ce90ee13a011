/**
 * Reads an ONNX model's signature (input and output names, element types, shapes) straight from
 * the protobuf, without creating an inference session — cheap and synchronous, so the language
 * server's checker can compare a `model` declaration with its file while the user types.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { regularFileProblem } from '../data/regular-file.js';
import { ModelError } from './errors.js';

const { onnx } = onnxProto;

export interface TensorInfo {
    name: string;
    /** 'float32', 'int64', … ('unknown' for non-tensor values). */
    type: string;
    /** One entry per dimension: a size, a symbolic name (e.g. 'batch'), or null when unknown. */
    shape: (number | string | null)[];
}

export interface OnnxSignature {
    file: string;
    inputs: TensorInfo[];
    outputs: TensorInfo[];
    /** The model's metadata_props (e.g. the class names of a dprog-trained head under 'dprog.labels'). */
    metadata: Record<string, string>;
}

const elementTypes: Record<number, string> = {
    1: 'float32',
    2: 'uint8',
    3: 'int8',
    4: 'uint16',
    5: 'int16',
    6: 'int32',
    7: 'int64',
    8: 'string',
    9: 'bool',
    10: 'float16',
    11: 'float64',
    12: 'uint32',
    13: 'uint64',
    16: 'bfloat16',
};

function toNumber(value: unknown): number {
    return typeof value === 'number' ? value : Number(value as { toString(): string });
}

function tensorInfo(value: onnxProto.onnx.IValueInfoProto): TensorInfo {
    const tensor = value.type?.tensorType;
    return {
        name: value.name ?? '',
        type: tensor ? (elementTypes[tensor.elemType ?? 0] ?? `type${tensor.elemType}`) : 'unknown',
        shape: (tensor?.shape?.dim ?? []).map((d) =>
            d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : null,
        ),
    };
}

/** Parses ONNX bytes; `file` names the source in errors. */
export function parseOnnxSignature(bytes: Uint8Array, file: string): OnnxSignature {
    let model: onnxProto.onnx.ModelProto;
    try {
        model = onnx.ModelProto.decode(bytes);
    } catch (error) {
        throw new ModelError(
            `${file}: not a valid ONNX model (${(error as Error).message}); re-export it or point the labeler at the right file`,
            file,
        );
    }
    if (!model.graph) {
        throw new ModelError(
            `${file}: not a valid ONNX model (it has no graph); re-export it or point the labeler at the right file`,
            file,
        );
    }
    const initializers = new Set((model.graph.initializer ?? []).map((t) => t.name));
    return {
        file,
        // Older exporters list weights as graph inputs too; only real inputs matter to a caller.
        inputs: (model.graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo),
        outputs: (model.graph.output ?? []).map(tensorInfo),
        metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    };
}

/** Reads an ONNX file's signature; a missing or corrupt file is a ModelError naming it. */
export function readOnnxSignature(path: string): OnnxSignature {
    const problem = regularFileProblem(path, 'model file');
    if (problem) {
        throw new ModelError(problem, path);
    }
    let bytes: Buffer;
    try {
        bytes = readFileSync(path);
    } catch (error) {
        throw new ModelError(`${path}: cannot read the model file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
    }
    return parseOnnxSignature(bytes, path);
}
