/**
 * Batched inference of a classifier over a feature matrix: prepare a batch (dense rows, or padded
 * indices and values for a linear head's sparse companion), run it, copy the probabilities out. The input width is
 * checked against the model once, up front, so a model
 * that does not fit its featurizer fails with a message instead of an onnxruntime stack.
 */
import * as ort from 'onnxruntime-node';
import { DenseBatcher, type FeatureMatrix } from '../data/feature-matrix.js';
import { ModelError } from './errors.js';
import type { SessionCache } from './session-cache.js';
import { batchInputs, SPARSE_INDICES, SPARSE_OFFSETS, SPARSE_VALUES } from './sparse-head.js';

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
export function checkModelInput(
    session: ort.InferenceSession,
    features: Pick<FeatureMatrix, 'dims' | 'shape'>,
    file: string,
): { name: string; rowShape: number[] } {
    if (session.inputNames.length !== 1) {
        throw new ModelError(
            `${file}: expected a model with one input, found ${session.inputNames.length} (${session.inputNames.join(', ')})`,
            file,
        );
    }
    const meta = session.inputMetadata[0];
    const flat = [features.dims];
    if (!meta.isTensor) {
        return { name: meta.name, rowShape: flat };
    }
    if (meta.type !== 'float32') {
        throw new ModelError(`${file}: input '${meta.name}' is ${meta.type}; dprog feeds float32 features`, file);
    }
    const fits = (rowShape: readonly number[]) =>
        meta.shape.length === rowShape.length + 1 && meta.shape.slice(1).every((d, i) => typeof d !== 'number' || d === rowShape[i]);
    if (fits(flat)) {
        return { name: meta.name, rowShape: flat };
    }
    if (features.shape && fits(features.shape)) {
        return { name: meta.name, rowShape: [...features.shape] };
    }
    throw new ModelError(
        `${file}: input '${meta.name}' has shape [${meta.shape.join(', ')}] but the featurizer produces [batch, ` +
            `${(features.shape ?? flat).join(', ')}]; ` +
            'make the declared featurizer match the model (or retrain it)',
        file,
    );
}

type Feeds = Record<string, ort.Tensor>;

/**
 * Runs `session` over rows [0, rows) in batches, `feeds(start, end, slot)` making each batch's
 * inputs. With `overlap`, the next batch's inputs are made and submitted while onnxruntime runs the
 * current one (session.run works off the JavaScript thread), which hides a costly featurizing step
 * (densifying) behind the model; without it, batches run one after another, which is faster when
 * the inputs cost nothing to make (sparse rows) since two runs would share the same cores.
 */
async function runBatches(
    session: ort.InferenceSession,
    rows: number,
    batchSize: number,
    feeds: (start: number, end: number, slot: number) => Feeds,
    overlap: boolean,
): Promise<Scores> {
    const outputName = session.outputNames[0];
    if (rows === 0) {
        return { rows: 0, classes: 0, values: new Float32Array(0) };
    }
    const run = (index: number) => session.run(feeds(index * batchSize, Math.min(rows, (index + 1) * batchSize), index % 2));
    const batches = Math.ceil(rows / batchSize);
    let values: Float32Array | undefined;
    let classes = 0;
    let pending = run(0);
    for (let index = 0; index < batches; index++) {
        const next = overlap && index + 1 < batches ? run(index + 1) : undefined;
        const output = (await pending)[outputName];
        const data = output.data as Float32Array;
        if (!values) {
            classes = data.length / Math.min(rows, batchSize);
            values = new Float32Array(rows * classes);
        }
        values.set(data, index * batchSize * classes);
        output.dispose();
        if (next) {
            pending = next;
        } else if (index + 1 < batches) {
            pending = run(index + 1);
        }
    }
    return { rows, classes, values: values! };
}

/** Runs the model over every row of `features` in batches of `batchSize`, densifying each batch. */
export async function scoreMatrix(
    session: ort.InferenceSession,
    features: FeatureMatrix,
    file: string,
    batchSize = DEFAULT_BATCH,
): Promise<Scores> {
    const { name: inputName, rowShape } = checkModelInput(session, features, file);
    const batchers = [new DenseBatcher(features, batchSize), new DenseBatcher(features, batchSize)];
    return runBatches(
        session,
        features.rows,
        batchSize,
        (start, end, slot) => ({
            [inputName]: new ort.Tensor('float32', batchers[slot].batch(start, end), [end - start, ...rowShape]),
        }),
        true,
    );
}

/** Scores sparse rows with a head's embedding-bag companion (sparse-head.ts): no dense rows are built. */
export async function scoreSparse(sparse: ort.InferenceSession, features: FeatureMatrix, batchSize = DEFAULT_BATCH): Promise<Scores> {
    return runBatches(
        sparse,
        features.rows,
        batchSize,
        (start, end) => {
            const { indices, values, offsets } = batchInputs(features, start, end);
            return {
                [SPARSE_INDICES]: new ort.Tensor('int32', indices, [indices.length]),
                [SPARSE_VALUES]: new ort.Tensor('float32', values, [values.length]),
                [SPARSE_OFFSETS]: new ort.Tensor('int32', offsets, [offsets.length]),
            };
        },
        false,
    );
}

/**
 * Scores `features` with the model at `path`: sparse rows through a linear head's sparse companion
 * when the model is one (same probabilities, without densifying), everything else densified.
 */
export async function scoreModel(
    sessions: SessionCache,
    path: string,
    features: FeatureMatrix,
    batchSize = DEFAULT_BATCH,
): Promise<Scores> {
    const session = await sessions.get(path);
    if (!features.dense && !features.shape) {
        checkModelInput(session, features, path);
        const sparse = await sessions.sparse(path);
        if (sparse) {
            return scoreSparse(sparse, features, batchSize);
        }
    }
    return scoreMatrix(session, features, path, batchSize);
}
