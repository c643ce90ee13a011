/**
 * Batched inference of a classifier over a feature matrix: densify a batch, run it, copy the
 * probabilities out. The input width is checked against the model once, up front, so a model
 * that does not fit its featurizer fails with a message instead of an onnxruntime stack.
 */
import * as ort from 'onnxruntime-node';
import type { FeatureMatrix } from '../data/feature-matrix.js';
import { ModelError } from './errors.js';

export const DEFAULT_BATCH = 256;

export interface Scores {
    rows: number;
    classes: number;
    /** Row-major [rows, classes] probabilities (or whatever the model's first output holds). */
    values: Float32Array;
}

/** The model's single float input and its declared width, checked against `dims`. */
export function checkModelInput(session: ort.InferenceSession, dims: number, file: string): string {
    if (session.inputNames.length !== 1) {
        throw new ModelError(`${file}: expected a model with one input, found ${session.inputNames.length} (${session.inputNames.join(', ')})`, file);
    }
    const meta = session.inputMetadata[0];
    if (meta.isTensor) {
        if (meta.type !== 'float32') throw new ModelError(`${file}: input '${meta.name}' is ${meta.type}; dprog feeds float32 features`, file);
        const width = meta.shape[meta.shape.length - 1];
        if (meta.shape.length !== 2 || (typeof width === 'number' && width !== dims)) {
            throw new ModelError(
                `${file}: input '${meta.name}' has shape [${meta.shape.join(', ')}] but the featurizer produces [batch, ${dims}]; ` +
                    'make the declared featurizer size match the model (or retrain it)',
                file,
            );
        }
    }
    return meta.name;
}

/** Runs the model over every row of `features` in batches of `batchSize`. */
export async function scoreMatrix(session: ort.InferenceSession, features: FeatureMatrix, file: string, batchSize = DEFAULT_BATCH): Promise<Scores> {
    const inputName = checkModelInput(session, features.dims, file);
    const outputName = session.outputNames[0];
    let values: Float32Array | undefined;
    let classes = 0;
    const buffer = new Float32Array(Math.min(batchSize, Math.max(features.rows, 1)) * features.dims);
    for (let start = 0; start < features.rows; start += batchSize) {
        const end = Math.min(features.rows, start + batchSize);
        const input = new ort.Tensor('float32', features.denseRows(start, end, buffer), [end - start, features.dims]);
        const output = (await session.run({ [inputName]: input }))[outputName];
        const data = output.data as Float32Array;
        if (!values) {
            classes = data.length / (end - start);
            values = new Float32Array(features.rows * classes);
        }
        values.set(data, start * classes);
        input.dispose();
        output.dispose();
    }
    return { rows: features.rows, classes, values: values ?? new Float32Array(0) };
}
