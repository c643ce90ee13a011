/**
 * Database rows as dprog records: one set of converters for both backends (column names are the
 * same in the embedded and the PostgreSQL schema).
 */
import type {
    Aggregate,
    Evaluation,
    Item,
    JsonValue,
    Label,
    LabelerEstimate,
    ModelVersion,
    Split,
    StageState,
    StoredPlan,
} from './types.js';

/** A row as a database driver returns it (sql.js: numbers for booleans; pg: booleans). */
export type Row = Record<string, unknown>;

const parse = (text: unknown): JsonValue => JSON.parse(String(text)) as JsonValue;
const maybe = <T>(value: unknown, convert: (v: unknown) => T): T | undefined =>
    value === null || value === undefined ? undefined : convert(value);

export function toLabel(row: Row): Label {
    const label: Label = {
        id: String(row.id),
        task: String(row.task),
        item: String(row.item),
        labeler: String(row.labeler),
        labelerKind: row.labeler_kind as Label['labelerKind'],
        value: parse(row.value),
        gold: row.gold === true || row.gold === 1,
        createdAt: String(row.created_at),
    };
    if (row.score !== null && row.score !== undefined) {
        label.score = Number(row.score);
    }
    if (row.program_version !== null && row.program_version !== undefined) {
        label.programVersion = String(row.program_version);
    }
    if (row.superseded_by !== null && row.superseded_by !== undefined) {
        label.supersededBy = String(row.superseded_by);
    }
    if (row.person !== null && row.person !== undefined) {
        label.person = String(row.person);
    }
    return label;
}

export const toItem = (row: Row): Item => ({
    dataset: String(row.dataset),
    key: String(row.key),
    split: row.split as Split,
    contentHash: maybe(row.content_hash, String),
    addedAt: String(row.added_at),
});

export const toAggregate = (row: Row): Aggregate => ({
    task: String(row.task),
    item: String(row.item),
    value: parse(row.value),
    confidence: Number(row.confidence),
    method: String(row.method),
    answers: Number(row.answers),
    updatedAt: String(row.updated_at),
});

export const toEstimate = (row: Row): LabelerEstimate => ({
    labeler: String(row.labeler),
    task: String(row.task),
    accuracy: Number(row.accuracy),
    confusion: maybe(row.confusion, (v) => parse(v) as LabelerEstimate['confusion']),
    n: Number(row.n),
    updatedAt: String(row.updated_at),
});

export const toPlan = (row: Row): StoredPlan => ({
    program: String(row.program),
    version: String(row.version),
    plan: parse(row.plan),
    contentHash: String(row.content_hash),
    compiledAt: String(row.compiled_at),
});

export const toModel = (row: Row): ModelVersion => ({
    labeler: String(row.labeler),
    version: String(row.version),
    onnxPath: String(row.onnx_path),
    validationAccuracy: maybe(row.validation_accuracy, Number),
    labelsUsed: Number(row.labels_used),
    createdAt: String(row.created_at),
});

export const toEvaluation = (row: Row): Evaluation => ({
    id: String(row.id),
    programVersion: maybe(row.program_version, String),
    model: String(row.model),
    split: row.split as Split,
    accuracy: Number(row.accuracy),
    at: String(row.at),
});

export const toStageState = (row: Row): StageState => ({
    run: String(row.run),
    stage: String(row.stage),
    item: String(row.item),
    status: String(row.status),
    detail: maybe(row.detail, parse),
    updatedAt: String(row.updated_at),
});
