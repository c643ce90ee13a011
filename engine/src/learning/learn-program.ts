/**
 * What the engine needs from a program to run `learn T using M` (and `dprog sample`): the task's
 * dataset and classes, the model labeler's file and featurizer, the learn settings and the people
 * who answer. The CLI fills it from the compiled program; the engine never sees the AST.
 */
import { type ModelVersion, versionNumber } from './model-versions.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DatasetSpec, DataItem } from '../data/dataset.js';
import { readDataset } from '../data/dataset.js';
import { FeatureMatrix } from '../data/feature-matrix.js';
import { hashTexts, joinFields } from '../data/hashed-featurizer.js';
import { readImage, resizeImage, toChwFloat32, type Normalization } from '../data/image.js';
import { ModelError } from './errors.js';
import { readOnnxSignature } from './onnx-signature.js';
import { LABELS_METADATA_KEY } from './onnx-export.js';
import { scoreMatrix } from './scoring.js';
import type { SessionCache } from './session-cache.js';
import type { SimulatedLabeler } from './simulated-people.js';
import type { LearnSettings } from './active-learning.js';
import type { RoutingPolicy } from '../routing/policy.js';

export interface ModelSpec {
    /** The labeler's name. */
    name: string;
    /** The ONNX file (resolved). */
    path: string;
    /** The item field fed to the model. */
    inputField: string;
    /** Every field fed, when several are hashed together (`input subject, body as hashed N`). */
    inputFields?: string[];
    featurizer?:
        | { kind: 'hashed'; dims: number; unsigned?: boolean }
        | { kind: 'resize'; width: number | null; height: number; normalization?: Normalization };
    /** A frozen ONNX encoder whose outputs are the head's inputs (`features from "enc.onnx"`). */
    encoder?: string;
}

/** A `learn` block: the learner's settings plus the split its stop rule is measured on. */
export interface LearnSpec extends LearnSettings {
    stopSplit: string;
}

export interface LearnProgram {
    program: string;
    /** The program's version (from its header) — evaluations on test are guarded per version. */
    programVersion: string;
    task: string;
    labels: string[];
    dataset: DatasetSpec;
    model: ModelSpec;
    learn: LearnSpec;
    /** Human labelers of the task's route, in route order (simulated in dry runs). */
    people: SimulatedLabeler[];
    quality: { target: number; maxLabels: number };
    /** The task's routing policy without the model being trained (dry runs follow it), and its money budget. */
    policy?: RoutingPolicy;
    moneyBudget?: number | null;
}

export interface LearningData {
    items: DataItem[];
    features: FeatureMatrix;
    splits: string[];
}

/** Reads the dataset and featurizes the model's input field (then the frozen encoder, if any). */
export async function loadLearningData(program: LearnProgram, sessions: SessionCache): Promise<LearningData> {
    const { items } = readDataset(program.dataset);
    const field = program.model.inputField;
    const featurizer = program.model.featurizer;
    if (!featurizer) {
        throw new ModelError(
            `${program.model.path}: the labeler '${program.model.name}' declares no featurizer for '${field}'; add one (e.g. ` +
                `\`input ${field} as hashed 4096\`)`,
            program.model.path,
        );
    }
    const fields = program.model.inputFields ?? [field];
    const values = items.map((item) =>
        joinFields(
            fields.map((name) => {
                const value = item.fields[name] ?? item.record[name];
                if (value === undefined) {
                    throw new ModelError(
                        `${program.dataset.path}:${item.line}: no field '${name}' for the model '${program.model.name}'`,
                        program.dataset.path,
                    );
                }
                return value;
            }),
        ),
    );
    let features =
        featurizer.kind === 'hashed'
            ? hashTexts(values, featurizer.dims, { unsigned: featurizer.unsigned })
            : imageFeatures(values, featurizer, program);
    if (program.model.encoder) {
        const session = await sessions.get(program.model.encoder);
        const embeddings = await scoreMatrix(session, features, program.model.encoder);
        features = FeatureMatrix.fromDense(embeddings.values, embeddings.classes);
    }
    return { items, features, splits: items.map((i) => i.split ?? 'train') };
}

/** `resize W x H`: every image decoded, resized and laid out as normalized float32 [3, H, W]. */
function imageFeatures(
    files: string[],
    featurizer: { width: number | null; height: number; normalization?: Normalization },
    program: LearnProgram,
): FeatureMatrix {
    const { width, height } = featurizer;
    if (width === null) {
        throw new ModelError(
            `${program.model.path}: learning needs one input size; declare \`resize W x ${height}\` instead of \`resize height ${height}\``,
            program.model.path,
        );
    }
    const root = program.dataset.root ?? dirname(program.dataset.path);
    const dims = 3 * width * height;
    const data = new Float32Array(files.length * dims);
    files.forEach((file, i) =>
        data.set(toChwFloat32(resizeImage(readImage(resolve(root, file)), width, height), featurizer.normalization), i * dims),
    );
    return FeatureMatrix.fromDense(data, dims, [3, height, width]);
}

/**
 * Checks a model file against what it will be fed and asked for — input width `dims` (when given)
 * and one output column per class — and returns its class order: its 'dprog.labels' metadata when
 * it has one (dprog-trained heads), else the label set's order.
 */
export function modelClasses(path: string, labels: readonly string[], dims?: number): string[] {
    const signature = readOnnxSignature(path);
    const input = signature.inputs[0];
    const rowDims = input?.shape.slice(1);
    const inputWidth = rowDims?.every((d) => typeof d === 'number') ? (rowDims as number[]).reduce((a, b) => a * b, 1) : undefined;
    if (dims !== undefined && input && inputWidth !== undefined && inputWidth !== dims) {
        throw new ModelError(
            `${path}: input '${input.name}' has shape [${input.shape.join(', ')}] but the featurizer produces [batch, ${dims}]; ` +
                `make the declared featurizer size match the model (or retrain it)`,
            path,
        );
    }
    const output = signature.outputs[0];
    const width = output?.shape[output.shape.length - 1];
    if (typeof width === 'number' && width !== labels.length) {
        throw new ModelError(
            `${path}: output '${output.name}' has ${width} columns but the label set has ${labels.length} members (${labels.join(', ')})`,
            path,
        );
    }
    const declared = signature.metadata[LABELS_METADATA_KEY];
    if (declared) {
        const order = JSON.parse(declared) as string[];
        if (order.length !== labels.length || !order.every((l) => labels.includes(l))) {
            throw new ModelError(
                `${path}: the model was trained for the classes ${order.join(', ')}, not ${labels.join(', ')}; retrain it (dprog learn)`,
                path,
            );
        }
        return order;
    }
    return [...labels];
}

/** The model file to use now: the newest retrained version if it still exists, else the declared file (if present). */
export function currentModelPath(declared: string, versions: readonly ModelVersion[]): string | undefined {
    const newest = [...versions].sort((a, b) => versionNumber(b) - versionNumber(a)).find((v) => existsSync(v.onnxPath));
    if (newest) {
        return newest.onnxPath;
    }
    return existsSync(declared) ? declared : undefined;
}
