/**
 * The active-learning loop of a `learn T using M` block: score the train pool with the current
 * model, pick a batch, get it labeled (by people, real or simulated), retrain the softmax head every
 * N labels, export it to ONNX, reload it through onnxruntime, measure it on validation, and stop at
 * the accuracy target or the label budget. Only labels from the `label` callback (human or
 * aggregated) ever reach training; the model's own outputs only decide what to ask next.
 */
import { join } from 'node:path';
import type { FeatureMatrix } from '../data/feature-matrix.js';
import { writeLinearHead, type LinearHead } from './onnx-export.js';
import { Coverage, projectRows } from './k-center.js';
import { type ModelVersion, type ModelVersionStore, versionNumber } from './model-versions.js';
import { scoreModel } from './scoring.js';
import { selectBatch, type BatchPick } from './select-batch.js';
import type { SessionCache } from './session-cache.js';
import { trainSoftmax } from './softmax-regression.js';
import type { SamplingStrategy } from './uncertainty.js';

export interface LearnSettings {
    strategy: SamplingStrategy;
    diversity: number;
    batch: number;
    /** Maximum number of items sent for labeling. */
    budget: number;
    retrainEvery: number;
    /** Stop once validation accuracy reaches this. */
    stopAccuracy?: number;
    seed: number;
    /** L2 penalty of the head. */
    l2?: number;
}

export interface LearningPool {
    keys: readonly string[];
    /** Model inputs of every item (featurized, or frozen-encoder embeddings). */
    features: FeatureMatrix;
    /** Split bucket of every item. */
    splits: readonly string[];
    /** Class names, in the model's output order. */
    labels: readonly string[];
    /** Known labels of validation items, by row position (label index). */
    validationLabels: ReadonlyMap<number, number>;
}

export interface LearnerContext {
    task: string;
    labeler: string;
    sessions: SessionCache;
    versions: ModelVersionStore;
    /** Folder for exported model versions. */
    modelDir: string;
    /** The model declared in the program, used until the first retrain (if it exists and fits). */
    initialModel?: string;
    /** Labels already given (e.g. from the store), by row position → label index; never re-asked. */
    known?: ReadonlyMap<number, number>;
    /** Gets labels for picked rows: human or aggregated answers only. Returns label names (null: not labeled, e.g. the money ran out). */
    label(picks: BatchPick[]): Promise<Array<string | null>> | Array<string | null>;
}

export interface RoundReport {
    round: number;
    picked: BatchPick[];
    labelsSpent: number;
    retrained?: ModelVersion;
    /** The model used for choosing this round's batch (undefined on a cold start). */
    model?: string;
}

export type StopReason = 'accuracy' | 'budget' | 'exhausted' | 'rounds';

export class ActiveLearner {
    private readonly labeled = new Map<number, number>();
    private readonly points: Float32Array;
    private readonly pointDims: number;
    /** Distances of every row to the labeled rows, updated as labels arrive (k-center's starting point). */
    private readonly coverage: Coverage;
    private readonly trainRows: number[];
    private modelPath: string | undefined;
    private probabilities: Float32Array | undefined;
    private labelsSinceRetrain = 0;
    private rounds = 0;
    private lastAccuracy: number | undefined;
    private versionNumber = 0;
    private lastHead: LinearHead | undefined;

    constructor(
        private readonly pool: LearningPool,
        private readonly settings: LearnSettings,
        private readonly context: LearnerContext,
    ) {
        this.trainRows = pool.splits.flatMap((s, i) => (s === 'train' ? [i] : []));
        this.points = projectRows(pool.features, undefined, settings.seed);
        this.pointDims = Math.min(pool.features.dims, 64);
        this.coverage = new Coverage(this.points, this.pointDims);
        this.modelPath = context.initialModel;
        for (const [position, label] of context.known ?? []) {
            this.labeled.set(position, label);
        }
        this.coverage.add(this.labeled.keys());
        let trainedOn = 0;
        for (const v of context.versions.list(context.labeler)) {
            if (versionNumber(v) >= this.versionNumber) {
                trainedOn = v.labelsUsed;
            }
            this.versionNumber = Math.max(this.versionNumber, versionNumber(v));
        }
        // Resuming: labels given since the newest version count towards the next retrain.
        this.labelsSinceRetrain = Math.max(0, this.labeled.size - trainedOn);
    }

    get labelsSpent(): number {
        return this.labeled.size;
    }

    get accuracy(): number | undefined {
        return this.lastAccuracy;
    }

    /** Why the loop should stop now, or undefined to go on. */
    stopReason(): StopReason | undefined {
        if (
            this.settings.stopAccuracy !== undefined &&
            this.lastAccuracy !== undefined &&
            this.lastAccuracy >= this.settings.stopAccuracy
        ) {
            return 'accuracy';
        }
        if (this.labeled.size >= this.settings.budget) {
            return 'budget';
        }
        if (this.trainRows.every((r) => this.labeled.has(r))) {
            return 'exhausted';
        }
        return undefined;
    }

    /** Measures the starting model (if any) on validation and records it as version 0. */
    async start(): Promise<ModelVersion | undefined> {
        if (!this.modelPath) {
            return undefined;
        }
        const accuracy = await this.validationAccuracy(this.modelPath);
        this.lastAccuracy = accuracy;
        const version: ModelVersion = {
            labeler: this.context.labeler,
            version: String(this.versionNumber),
            onnxPath: this.modelPath,
            labelsUsed: 0,
            validationAccuracy: accuracy,
            createdAt: new Date().toISOString(),
        };
        if (this.context.versions.list(this.context.labeler).length === 0) {
            await this.context.versions.add(version);
        }
        return version;
    }

    /** Labels the given rows first (e.g. a random seed set) and trains the first model on them. */
    async warmStart(rows: readonly number[]): Promise<ModelVersion> {
        const picks: BatchPick[] = rows.map((position) => ({ position, score: 0, reason: 'random' }));
        await this.record(picks);
        return this.retrain();
    }

    /** One round: choose a batch, label it, retrain when due. */
    async round(): Promise<RoundReport> {
        this.rounds++;
        const model = this.modelPath;
        const candidates = this.trainRows.filter((r) => !this.labeled.has(r));
        if (model && !this.probabilities) {
            this.probabilities = await this.scoreRows(model, candidates);
        }
        const size = Math.min(this.settings.batch, this.settings.budget - this.labeled.size);
        const picked = selectBatch({
            candidates,
            labeled: [...this.labeled.keys()],
            covered: this.labeled.size > 0 ? this.coverage.distances : undefined,
            points: this.points,
            pointDims: this.pointDims,
            probabilities: this.probabilities,
            classes: this.probabilities ? this.pool.labels.length : undefined,
            strategy: this.settings.strategy,
            diversity: this.settings.diversity,
            size,
            seed: this.settings.seed * 7919 + this.rounds,
        });
        await this.record(picked);
        let retrained: ModelVersion | undefined;
        const firstModel = !this.modelPath && this.labeled.size > 0;
        if (this.labelsSinceRetrain >= this.settings.retrainEvery || firstModel || this.stopReason() === 'budget') {
            retrained = await this.retrain();
        }
        return { round: this.rounds, picked, labelsSpent: this.labeled.size, retrained, model };
    }

    /** Trains a new head on every label so far, exports it, reloads it, measures it. */
    async retrain(): Promise<ModelVersion> {
        const rows = [...this.labeled.keys()];
        const y = Int32Array.from(rows, (r) => this.labeled.get(r)!);
        const head = trainSoftmax(this.pool.features.select(rows), y, [...this.pool.labels], {
            l2: this.settings.l2,
            initial: this.lastHead,
        });
        this.lastHead = head;
        this.versionNumber++;
        const path = join(this.context.modelDir, `${this.context.labeler}-v${this.versionNumber}.onnx`);
        writeLinearHead(path, head, { 'dprog.task': this.context.task, 'dprog.trainingLabels': String(rows.length) });
        this.modelPath = path;
        this.probabilities = undefined;
        this.labelsSinceRetrain = 0;
        const accuracy = await this.validationAccuracy(path);
        this.lastAccuracy = accuracy;
        const version: ModelVersion = {
            labeler: this.context.labeler,
            version: String(this.versionNumber),
            onnxPath: path,
            labelsUsed: rows.length,
            validationAccuracy: accuracy,
            createdAt: new Date().toISOString(),
        };
        await this.context.versions.add(version);
        return version;
    }

    private async record(picks: BatchPick[]): Promise<void> {
        const answers = await this.context.label(picks);
        const given = answers.filter((a): a is string => a !== null);
        picks = picks.filter((_, i) => answers[i] !== null);
        picks.forEach((pick, i) => {
            const index = this.pool.labels.indexOf(given[i]);
            if (index < 0) {
                throw new Error(`label '${given[i]}' for ${this.pool.keys[pick.position]} is not one of ${this.pool.labels.join(', ')}`);
            }
            this.labeled.set(pick.position, index);
        });
        this.coverage.add(picks.map((p) => p.position));
        this.labelsSinceRetrain += picks.length;
    }

    /**
     * Probabilities of the given rows (the candidates: unlabeled train rows), at their positions in a
     * [pool rows, classes] array; other rows stay 0. Validation and test rows are not scored here.
     */
    private async scoreRows(path: string, rows: readonly number[]): Promise<Float32Array> {
        const scores = await scoreModel(this.context.sessions, path, this.pool.features.select(rows));
        const { classes } = scores;
        const probabilities = new Float32Array(this.pool.features.rows * classes);
        rows.forEach((row, i) => {
            probabilities.set(scores.values.subarray(i * classes, (i + 1) * classes), row * classes);
        });
        return probabilities;
    }

    private async validationAccuracy(path: string): Promise<number | undefined> {
        const rows = [...this.pool.validationLabels.keys()];
        if (rows.length === 0) {
            return undefined;
        }
        const scores = await scoreModel(this.context.sessions, path, this.pool.features.select(rows));
        return accuracyOf(
            scores.values,
            scores.classes,
            rows.map((r) => this.pool.validationLabels.get(r)!),
        );
    }
}

/** Share of rows whose most probable class is the true one. */
export function accuracyOf(probabilities: Float32Array, classes: number, truth: readonly number[]): number {
    let correct = 0;
    truth.forEach((t, r) => {
        let best = 0;
        for (let c = 1; c < classes; c++) {
            if (probabilities[r * classes + c] > probabilities[r * classes + best]) {
                best = c;
            }
        }
        if (best === t) {
            correct++;
        }
    });
    return truth.length > 0 ? correct / truth.length : 0;
}
