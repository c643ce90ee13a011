/**
 * Runs a plan's `monitor` blocks: covariate shift of a field (or of a model's inputs) between the
 * training reference (the dataset's `train` bucket) and current data, and bounded predictions of a
 * model on the current data. Current data is a new file in the dataset's format, or — when none is
 * given — the dataset's other buckets (a check that the split itself is sound).
 */
import { resolve } from 'node:path';
import { readDataset, type DataItem } from '../data/dataset.js';
import type { FeatureMatrix } from '../data/feature-matrix.js';
import { hashTexts, joinFields } from '../data/hashed-featurizer.js';
import { datasetSpecOf, readPlanItems } from '../data/plan-items.js';
import type { LabelingPlan, PlanDataset, PlanModelLabeler, PlanMonitor } from '../plan/types.js';
import { ModelError } from '../learning/errors.js';
import { currentModelPath, modelClasses } from '../learning/learn-program.js';
import type { ModelVersionStore } from '../learning/model-versions.js';
import { scoreModel } from '../learning/scoring.js';
import type { SessionCache } from '../learning/session-cache.js';
import { checkPredictions, type BoundViolation } from './predictions.js';
import { shiftOfValues, shiftOfVectors, type MonitorLevel, type ShiftMetric } from './shift.js';

/** Width of the hashed features a shift monitor compares when no model declares one for the field. */
const DEFAULT_HASHED_DIMS = 1024;

export interface MonitorResult {
    kind: 'shift' | 'predictions';
    /** What is watched, e.g. `emails.body` or `spam_model`. */
    subject: string;
    level: MonitorLevel;
    referenceItems: number;
    currentItems: number;
    metric?: ShiftMetric;
    value?: number;
    warn?: number | null;
    alert?: number | null;
    meanConfidence?: number;
    rates?: Record<string, number>;
    violations?: BoundViolation[];
    /** The model file scored (predictions monitors). */
    model?: string;
}

export interface MonitorOptions {
    /** Folder the plan's paths are relative to. */
    baseDir: string;
    sessions: SessionCache;
    /** Current data: a file in the dataset's format; default: the dataset's non-train buckets. */
    currentData?: string;
    /** Model versions (newest is scored); default: the declared model files. */
    versions?: ModelVersionStore;
}

interface Sides {
    reference: DataItem[];
    current: DataItem[];
}

function sidesOf(dataset: PlanDataset, options: MonitorOptions): Sides {
    const items = readPlanItems(dataset, options.baseDir);
    const reference = items.filter((i) => (i.split ?? 'train') === 'train');
    const current = options.currentData
        ? readDataset(datasetSpecOf(dataset, process.cwd(), options.currentData)).items
        : items.filter((i) => (i.split ?? 'train') !== 'train');
    if (reference.length === 0 || current.length === 0) {
        throw new Error(
            `${dataset.name}: monitors need both training reference items and current items (have ${reference.length} and ` +
                `${current.length})`,
        );
    }
    return { reference, current };
}

/** The dataset a model labels: the dataset of a task that routes to it, or of a task that learns with it. */
function datasetOfModel(plan: LabelingPlan, model: string): PlanDataset | undefined {
    const task =
        plan.tasks.find((t) => t.route.stages.some((s) => s.labeler === model)) ??
        plan.tasks.find((t) => plan.learn.some((l) => l.model === model && l.task === t.name));
    return plan.datasets.find((d) => d.name === task?.dataset);
}

function modelOf(plan: LabelingPlan, name: string): PlanModelLabeler {
    const model = plan.labelers.find((l) => l.name === name);
    if (model?.kind !== 'model') {
        throw new Error(`'${name}' is not a model labeler`);
    }
    return model;
}

function featurize(items: DataItem[], fields: readonly string[], dims: number, unsigned?: boolean): FeatureMatrix {
    return hashTexts(
        items.map((i) => joinFields(fields.map((field) => i.fields[field] ?? i.record[field]))),
        dims,
        { unsigned },
    );
}

type ShiftMonitor = Extract<PlanMonitor, { kind: 'shift' }>;
type PredictionsMonitor = Extract<PlanMonitor, { kind: 'predictions' }>;

export async function runMonitors(plan: LabelingPlan, options: MonitorOptions): Promise<MonitorResult[]> {
    const results: MonitorResult[] = [];
    for (const monitor of plan.monitors) {
        results.push(monitor.kind === 'shift' ? shiftMonitor(plan, monitor, options) : await predictionsMonitor(plan, monitor, options));
    }
    return results;
}

/** `monitor shift of SOURCE[.FIELD]`: how far the current data's field has moved from the reference split's. */
function shiftMonitor(plan: LabelingPlan, monitor: ShiftMonitor, options: MonitorOptions): MonitorResult {
    const dataset = plan.datasets.find((d) => d.name === monitor.source);
    const model = dataset ? undefined : modelOf(plan, monitor.source);
    const source = dataset ?? (model && datasetOfModel(plan, model.name));
    if (!source) {
        throw new Error(`monitor shift of ${monitor.source}: no dataset to read`);
    }
    const field = monitor.field ?? model?.input.field;
    if (!field) {
        throw new Error(`monitor shift of ${monitor.source}: name a field (shift of ${monitor.source}.FIELD)`);
    }
    const sides = sidesOf(source, options);
    const type = source.fields.find((f) => f.name === field)?.type;
    const thresholds = { warn: monitor.warn ?? undefined, alert: monitor.alert ?? undefined };
    let result: ReturnType<typeof shiftOfValues> | ReturnType<typeof shiftOfVectors>;
    if (type === 'Number') {
        const values = (items: DataItem[]) => items.map((i) => Number(i.fields[field]));
        result = shiftOfValues(monitor.metric, values(sides.reference), values(sides.current), thresholds);
    } else {
        // Text is compared as the features a model would see: its own featurizer when a model reads the field.
        const reader = model ?? plan.labelers.find((l): l is PlanModelLabeler => l.kind === 'model' && l.input.field === field);
        const featurizer = reader?.input.featurizer;
        const dims = featurizer?.kind === 'hashed' ? featurizer.dims : DEFAULT_HASHED_DIMS;
        const features = (items: DataItem[]) => featurize(items, [field], dims);
        result = shiftOfVectors(monitor.metric, features(sides.reference), features(sides.current), thresholds);
    }
    return {
        kind: 'shift',
        subject: monitor.field ? `${monitor.source}.${monitor.field}` : monitor.source,
        level: result.level,
        metric: monitor.metric,
        value: result.value,
        warn: monitor.warn,
        alert: monitor.alert,
        referenceItems: sides.reference.length,
        currentItems: sides.current.length,
    };
}

/** `monitor predictions of MODEL`: the current model's confidence and label rates on the current data, against their bounds. */
async function predictionsMonitor(plan: LabelingPlan, monitor: PredictionsMonitor, options: MonitorOptions): Promise<MonitorResult> {
    const model = modelOf(plan, monitor.model);
    const dataset = datasetOfModel(plan, model.name);
    if (!dataset) {
        throw new Error(`monitor predictions of ${model.name}: no task uses this model, so there is no data to score`);
    }
    const featurizer = model.input.featurizer;
    if (featurizer?.kind !== 'hashed' || !model.input.field) {
        throw new Error(`monitor predictions of ${model.name}: only text models (input FIELD as hashed N) are monitored so far`);
    }
    const declared = resolve(options.baseDir, model.path);
    const path = currentModelPath(declared, options.versions?.list(model.name) ?? []);
    if (!path) {
        throw new ModelError(`${declared}: model file not found; nothing to monitor yet`, declared);
    }
    const output = model.output;
    const labelSet = output && 'labelSet' in output ? plan.labelSets.find((s) => s.name === output.labelSet) : undefined;
    const labels = modelClasses(path, labelSet?.members.map((m) => m.name) ?? [], featurizer.dims);
    const sides = sidesOf(dataset, options);
    const inputs = featurize(sides.current, model.input.fields ?? [model.input.field], featurizer.dims, featurizer.unsigned);
    const scores = await scoreModel(options.sessions, path, inputs);
    const report = checkPredictions(scores.values, labels, {
        confidence: monitor.confidence ?? undefined,
        rates: monitor.rates.map((r) => ({ label: r.member, bounds: { min: r.min, max: r.max } })),
    });
    return {
        kind: 'predictions',
        subject: model.name,
        level: report.level,
        model: path,
        meanConfidence: report.meanConfidence,
        rates: report.rates,
        violations: report.violations,
        referenceItems: sides.reference.length,
        currentItems: report.items,
    };
}
