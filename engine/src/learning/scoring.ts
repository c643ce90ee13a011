/**
 * Batched inference of a classifier over a feature matrix: densify a batch, run it, copy the
 * probabilities out. The input width is checked against the model once, up front, so a model
 * that does not fit its featurizer fails with a message instead of an onnxruntime stack.
 */
import * as ort from 'onnxruntime-node';
import { DenseBatcher, type FeatureMatrix } from '../data/feature-matrix.js';
import { ModelError } from './errors.js';

export const DEFAULT_BATCH = 256;

export interface Scores {
    rows: number;
    classes: number;
    /** Row-major [rows, classes] probabilities (or whatever the model's first output holds). */
    values: Float32Array;
}

/**
 * The model's single float input and the per-row shape to feed it: flat [batch, dims] for a model
 * with a 2-D input, or the rows' own shape (e.g. [batch, 3, H, W]) for a model that takes it.
 * Anything else is a ModelError naming the file.
 */
export function checkModelInput(session: ort.InferenceSession, features: Pick<FeatureMatrix, 'dims' | 'shape'>, file: string): { name: string; rowShape: number[] } {
    if (session.inputNames.length !== 1) {
        throw new ModelError(`${file}: expected a model with one input, found ${session.inputNames.length} (${session.inputNames.join(', ')})`, file);
    }
    const meta = session.inputMetadata[0];
    const flat = [features.dims];
    if (!meta.isTensor) return { name: meta.name, rowShape: flat };
    if (meta.type !== 'float32') throw new ModelError(`${file}: input '${meta.name}' is ${meta.type}; dprog feeds float32 features`, file);
    const fits = (rowShape: readonly number[]) =>
        meta.shape.length === rowShape.length + 1 && meta.shape.slice(1).every((d, i) => typeof d !== 'number' || d === rowShape[i]);
    if (fits(flat)) return { name: meta.name, rowShape: flat };
    if (features.shape && fits(features.shape)) return { name: meta.name, rowShape: [...features.shape] };
    throw new ModelError(
        `${file}: input '${meta.name}' has shape [${meta.shape.join(', ')}] but the featurizer produces [batch, ${(features.shape ?? flat).join(', ')}]; ` +
            'make the declared featurizer match the model (or retrain it)',
        file,
    );
}

/**
 * Runs the model over every row of `features` in batches of `batchSize`. Two batch buffers
 * alternate so the next batch is densified while onnxruntime runs the current one (session.run
 * works off the JavaScript thread), which hides the featurizing cost behind the model's.
 */
export async function scoreMatrix(session: ort.InferenceSession, features: FeatureMatrix, file: string, batchSize = DEFAULT_BATCH): Promise<Scores> {
    const { name: inputName, rowShape } = checkModelInput(session, features, file);
    const outputName = session.outputNames[0];
    if (features.rows === 0) return { rows: 0, classes: 0, values: new Float32Array(0) };
    const batchers = [new DenseBatcher(features, batchSize), new DenseBatcher(features, batchSize)];
    const run = (index: number) => {
        const start = index * batchSize;
        const end = Math.min(features.rows, start + batchSize);
        const input = new ort.Tensor('float32', batchers[index % 2].batch(start, end), [end - start, ...rowShape]);
        return session.run({ [inputName]: input });
    };
    const batches = Math.ceil(features.rows / batchSize);
    let values: Float32Array | undefined;
    let classes = 0;
    let pending = run(0);
    for (let index = 0; index < batches; index++) {
        const next = index + 1 < batches ? run(index + 1) : undefined;
        const output = (await pending)[outputName];
        const data = output.data as Float32Array;
        const rows = Math.min(features.rows, (index + 1) * batchSize) - index * batchSize;
        if (!values) {
            classes = data.length / rows;
            values = new Float32Array(features.rows * classes);
        }
        values.set(data, index * batchSize * classes);
        output.dispose();
        if (next) pending = next;
    }
    return { rows: features.rows, classes, values: values! };
}
