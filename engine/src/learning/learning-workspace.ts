/**
 * Everything a learning command works on, assembled once: the featurized dataset, the labels
 * people have already given (from the label store), the model versions so far and the model to
 * score with now. `dprog sample`, `learn`, `retrain` and `evaluate` all start here.
 */
import { dirname, join } from 'node:path';
import type { Store } from '../store/index.js';
import type { DataItem } from '../data/dataset.js';
import type { FeatureMatrix } from '../data/feature-matrix.js';
import { currentModelPath, loadLearningData, modelClasses, type LearningData, type LearnProgram } from './learn-program.js';
import { InMemoryModelVersions, type ModelVersionStore } from './model-versions.js';
import type { SessionCache } from './session-cache.js';
import { StoreModelVersions } from './store-model-versions.js';

export interface LearningWorkspace {
    program: LearnProgram;
    items: DataItem[];
    features: FeatureMatrix;
    splits: string[];
    /** Row position of every key. */
    positions: Map<string, number>;
    /** Human or aggregated labels of train items already in the store: row position → label index (what training may use). */
    known: Map<number, number>;
    /** Stored labels of items outside the train bucket, by row position: for measuring, never for training. */
    heldOut: Map<number, number>;
    /** Model versions so far; re-point at a writable store (StoreModelVersions) before retraining. */
    versions: ModelVersionStore;
    /** The model to score with now (newest retrained version, else the declared file), if any. */
    modelPath?: string;
    /** Where retrained versions are written. */
    modelDir: string;
}

/** Labels people gave for a task: the aggregate when there is one, else the newest human answer. */
export async function humanLabels(store: Store, task: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const label of await store.labels({ task, labelerKind: 'human' })) {
        if (typeof label.value === 'string') {
            out.set(label.item, label.value);
        }
    }
    for (const aggregate of await store.aggregates(task)) {
        if (typeof aggregate.value === 'string') {
            out.set(aggregate.item, aggregate.value);
        }
    }
    return out;
}

/** What a workspace takes from the label store: the labels people gave and the model versions so far. */
export interface StoredLearning {
    labels: Map<string, string>;
    versions: ModelVersionStore;
}

/** Reads the task's labels and its model's versions from the store (either backend). */
export async function readStoredLearning(store: Store, program: LearnProgram): Promise<StoredLearning> {
    return {
        labels: await humanLabels(store, program.task),
        versions: await StoreModelVersions.open(store, [program.model.name]),
    };
}

/**
 * Reads data, featurizes and collects stored labels and versions. `store` is only read (open it
 * read-only, so bad data or a bad model fails before anything is written); `storePath` places
 * retrained models in `models/` beside the store, even before the store exists.
 */
export async function openLearningWorkspace(
    program: LearnProgram,
    sessions: SessionCache,
    storePath: string,
    store?: Store,
): Promise<LearningWorkspace> {
    const stored = store ? await readStoredLearning(store, program) : undefined;
    return assembleWorkspace(program, await loadLearningData(program, sessions), storePath, stored);
}

/** The workspace over data already read and featurized (a long-lived caller keeps the data between calls). */
export function assembleWorkspace(
    program: LearnProgram,
    data: LearningData,
    storePath: string,
    stored?: StoredLearning,
): LearningWorkspace {
    const positions = new Map(data.items.map((item, i) => [item.key, i]));
    const known = new Map<number, number>();
    const heldOut = new Map<number, number>();
    for (const [key, value] of stored?.labels ?? []) {
        const position = positions.get(key);
        const label = program.labels.indexOf(value);
        // Labels for items no longer in the data, or for members no longer in the label set, stay in the store unused.
        if (position === undefined || label < 0) {
            continue;
        }
        (data.splits[position] === 'train' ? known : heldOut).set(position, label);
    }
    const versions: ModelVersionStore = stored?.versions ?? new InMemoryModelVersions();
    const modelPath = currentModelPath(program.model.path, versions.list(program.model.name));
    if (modelPath) {
        modelClasses(modelPath, program.labels, data.features.dims);
    }
    return { program, ...data, positions, known, heldOut, versions, modelPath, modelDir: join(dirname(storePath), 'models') };
}
