/**
 * The records of the label store, as the rest of dprog sees them. Values (label answers,
 * confusion matrices, plans, stage details) are plain JSON values; the store keeps them as JSON text.
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Who gives a label: a person, a model or a rule. */
export type LabelerKind = 'human' | 'model' | 'rules';

export const LABELER_KINDS: readonly LabelerKind[] = ['human', 'model', 'rules'];

/** Dataset split of an item; `test` items are guarded (never used for training or sampling). */
export type Split = 'train' | 'validation' | 'test';

export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** An item of a dataset, identified by (dataset, key). */
export interface Item {
    dataset: string;
    key: string;
    split: Split;
    /** Hash of the item's content, to notice when the data under a key changes. */
    contentHash?: string;
    /** ISO time the item was first added; filled in by the store. */
    addedAt?: string;
}

/** A label to add. `id` and `createdAt` are filled in when absent. */
export interface NewLabel {
    /** Unique id; give one to make re-adding idempotent (imports, retries). Default: a random UUID. */
    id?: string;
    task: string;
    /** Key of the labeled item. */
    item: string;
    /** Name of the labeler, as declared in the program (or a person's id). */
    labeler: string;
    labelerKind: LabelerKind;
    /** The individual person who answered, within a human labeler pool (`--as NAME`, `dprog.labeler`). */
    person?: string;
    /** The answer, a JSON value shaped by the task's output type. */
    value: JsonValue;
    /** The labeler's own confidence or score, when it has one. */
    score?: number;
    /** A known-correct reference answer (gold), used to estimate labelers. */
    gold?: boolean;
    /** Version (content hash) of the program under which the label was given. */
    programVersion?: string;
    /** ISO 8601 time; default now. */
    createdAt?: string;
    /** Id of an earlier label this one replaces; the earlier one is kept, marked superseded. */
    supersedes?: string;
}

/** A stored label. Labels are never deleted: a replaced label has `supersededBy` set. */
export interface Label {
    id: string;
    task: string;
    item: string;
    labeler: string;
    labelerKind: LabelerKind;
    person?: string;
    value: JsonValue;
    score?: number;
    gold: boolean;
    programVersion?: string;
    createdAt: string;
    supersededBy?: string;
}

/** Which labels to read. Superseded labels are left out unless `includeSuperseded`. */
export interface LabelQuery {
    task?: string;
    item?: string;
    labeler?: string;
    labelerKind?: LabelerKind;
    person?: string;
    gold?: boolean;
    includeSuperseded?: boolean;
}

/** The aggregated answer for one item of a task. */
export interface Aggregate {
    task: string;
    item: string;
    value: JsonValue;
    /** Posterior probability that `value` is right, in [0, 1]. */
    confidence: number;
    /** Aggregation method, e.g. `majority`, `dawid_skene`. */
    method: string;
    /** Number of answers aggregated. */
    answers: number;
    /** ISO time; default now. */
    updatedAt?: string;
}

/** A labeler's estimated quality on a task. */
export interface LabelerEstimate {
    labeler: string;
    task: string;
    accuracy: number;
    /** Confusion matrix: `confusion[trueClass][givenClass]` = probability (rows sum to 1). */
    confusion?: Record<string, Record<string, number>>;
    /** Number of answers the estimate rests on. */
    n: number;
    updatedAt?: string;
}

/** A compiled labeling plan, kept per program version. */
export interface StoredPlan {
    program: string;
    version: string;
    plan: JsonValue;
    contentHash: string;
    compiledAt?: string;
}

/** One trained version of a model labeler: the points of its learning curve. */
export interface ModelVersion {
    labeler: string;
    version: string;
    onnxPath: string;
    validationAccuracy?: number;
    /** Number of labels it was trained on. */
    labelsUsed: number;
    createdAt?: string;
}

/** One evaluation of a model on a split (evaluations on `test` are counted by the test-set guard). */
export interface Evaluation {
    id?: string;
    programVersion?: string;
    model: string;
    split: Split;
    accuracy: number;
    at?: string;
}

/** Progress of one item through one stage of a run (for the plan executor to resume). */
export interface StageState {
    /** Run or flow name. */
    run: string;
    stage: string;
    item: string;
    /** Free-form status, e.g. `pending`, `waiting`, `done`, `failed`. */
    status: string;
    detail?: JsonValue;
    updatedAt?: string;
}

export interface StageStateQuery {
    run: string;
    stage?: string;
    status?: string;
}
