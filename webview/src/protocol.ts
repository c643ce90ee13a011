/**
 * The messages between the extension host and the dprog webviews (annotation and preview panels).
 * Every message is a discriminated union on `type`; requests that expect a reply carry a
 * `requestId` that the reply echoes. The host validates every inbound message with the schemas
 * below before acting on it; the webview trusts the host (same extension) but still uses the types.
 *
 * Shared by both sides: no Node or `vscode` import here (zod runs in the browser too).
 */
import { z } from 'zod';
import { VALUE_LIMITS } from '../../engine/src/plan/label-values.js';
import type { LabelingPlan, PlanLabelType } from '../../engine/src/plan/types.js';

/** Bounds that keep a hostile or broken webview from making the host do unbounded work. */
export const LIMITS = {
    ...VALUE_LIMITS,
    key: 1_000,
    requestId: Number.MAX_SAFE_INTEGER,
} as const;

const requestId = z.number().int().nonnegative().max(LIMITS.requestId);
const itemKey = z.string().min(1).max(LIMITS.key);

// ---------------------------------------------------------------- shared view shapes

export interface ClassView {
    name: string;
    description: string | null;
    /** A single character, from the label set (`key "s"`) or 1–9 by position. */
    hotkey: string;
}

export interface TaskView {
    name: string;
    question: string | null;
    output: PlanLabelType;
    /** The output's label set members (empty for text, number, bool). */
    classes: ClassView[];
    /** Field names shown to the labeler, in order. */
    show: Array<{ name: string; type: string }>;
    /** Cost of one answer by the person labeling (for the batch's cost so far). */
    costPerLabel: number;
}

export interface PreLabelView {
    labeler: string;
    kind: 'human' | 'model' | 'rules';
    value: unknown;
    score: number | null;
    /** Computed for the panel just now (the model ran on the item), not read from the store. */
    onDemand?: boolean;
}

export interface QueueItemView {
    key: string;
    split: string | null;
    fields: Record<string, string | number | boolean>;
    /** Webview URI of the item's image, for image tasks. */
    imageUri: string | null;
    /** Why the item is in the queue (active learning reason), or null. */
    reason: string | null;
    score: number | null;
    preLabels: PreLabelView[];
    /** The person's current label for this item (after undo), to be superseded by a new answer. */
    existing: { id: string; value: unknown } | null;
    /** In review mode: the answers that disagree, and how contested the item is. */
    review?: ReviewView;
    /** A program change's question about the item (language.md §10): review its old label, or answer again among some members. */
    relabel?: RelabelView;
}

/**
 * `review`: a member was added; the old label is shown and the answer (among it and the added
 * members) supersedes it. `reask`: a member was split; the item is answered again among the members
 * that come from it.
 */
export interface RelabelView {
    kind: 'review' | 'reask';
    /** The label the item had before the change. */
    was: unknown;
    /** The members to choose among. */
    among: string[];
}

/** What the panel is doing: labeling new items, or reviewing items whose labelers disagreed. */
export const annotateMode = z.enum(['label', 'review']);
export type AnnotateMode = z.infer<typeof annotateMode>;

/** One stored (current) answer to a contested item. */
export interface ReviewAnswerView {
    labeler: string;
    kind: 'human' | 'model' | 'rules';
    value: unknown;
    /** The labeler's own confidence, when it gave one. */
    score: number | null;
    /** ISO time the answer was given. */
    at: string;
}

export interface ReviewView {
    answers: ReviewAnswerView[];
    /** Distinct answers among them. */
    distinct: number;
    /** 0 (settled) … 1 (fully contested): 1 − the most common answer's share, or 1 − the aggregate's confidence when that is higher. */
    contention: number;
    /** The stored aggregate, when `dprog run` has computed one. */
    aggregate: { value: unknown; confidence: number; method: string } | null;
    /** The task's quality target the aggregate is held to. */
    target: number;
}

export interface BatchItemView {
    key: string;
    score: number;
    reason: string;
    split: string;
}

export interface LearningPointView {
    version: string;
    labelsUsed: number;
    accuracy: number | null;
}

export interface AlertView {
    level: 'info' | 'warning' | 'error';
    monitor: string;
    message: string;
}

// ---------------------------------------------------------------- host -> webview

export type HostToAnnotate =
    | {
          type: 'init';
          /** The program file (kept in the webview state so a reload reopens this panel). */
          program: string;
          /** Labeling (the default when absent) or reviewing disagreements. */
          mode?: AnnotateMode;
          task: TaskView;
          items: QueueItemView[];
          /** Items of the task the person has labeled so far, and the number planned (null: unknown). */
          done: number;
          planned: number | null;
          labeler: string;
          /** false in an untrusted workspace: labels cannot be saved. */
          writable: boolean;
          notice: string | null;
          /** The task's models the host runs on items without a stored model answer (empty or absent: none). */
          preLabelModels?: string[];
      }
    | { type: 'unavailable'; message: string }
    /** Model answers computed on demand for items that had none stored (an empty list: the model had no answer). */
    | { type: 'preLabels'; items: Record<string, PreLabelView[]>; error?: string }
    | { type: 'ack'; requestId: number; item: string; labelId: string; durableMs: number }
    | { type: 'rejected'; requestId: number; item: string; message: string };

export type HostToPreview =
    | {
          type: 'preview';
          program: string;
          task: string;
          strategy: string;
          coldStart: boolean;
          batch: BatchItemView[];
          /** Scores of every unlabeled train item (the pool), for the histogram; null when not computed. */
          poolScores: number[] | null;
          labeled: number;
          candidates: number;
          learningCurve: LearningPointView[];
          /** Labels saved by active learning against random sampling at the same accuracy; null when unknown. */
          expectedSavings: { labels: number; share: number } | null;
          alerts: AlertView[];
          /** What could not be computed, and why (shown as "not available" notes). */
          notes: string[];
      }
    | { type: 'unavailable'; message: string }
    | { type: 'busy'; message: string };

/** The plan view: the compiled plan (rendered as tables by the webview) and where its JSON is. */
export type HostToPlan = { type: 'plan'; program: string; planPath: string; plan: LabelingPlan } | { type: 'unavailable'; message: string };

// ---------------------------------------------------------------- webview -> host

export const readyMessage = z.object({ type: z.literal('ready') }).strict();
/** The annotation panel's `ready` may switch the mode (and so the queue); absent: keep the current one. */
export const annotateReadyMessage = z.object({ type: z.literal('ready'), mode: annotateMode.optional() }).strict();

export const submitMessage = z
    .object({
        type: z.literal('submit'),
        requestId,
        item: itemKey,
        /** Checked against the task's output type by `labelValueSchema` before anything is written. */
        value: z.unknown(),
        /** The id of the person's earlier label for this item (undo, then a new answer). */
        supersedes: z.string().min(1).max(200).optional(),
        /** Whether the answer is an accepted pre-label (for the log). */
        acceptedPreLabel: z.boolean().optional(),
    })
    .strict();

export const skipMessage = z.object({ type: z.literal('skip'), item: itemKey }).strict();

/** Asks for the models' answers on items about to be shown that have no stored model answer. */
export const preLabelRequest = z.object({ type: z.literal('preLabel'), items: z.array(itemKey).min(1).max(10) }).strict();

export const annotateInbound = z.discriminatedUnion('type', [annotateReadyMessage, submitMessage, skipMessage, preLabelRequest]);
export type AnnotateToHost = z.infer<typeof annotateInbound>;

export const refreshMessage = z.object({ type: z.literal('refresh') }).strict();
export const labelItemMessage = z.object({ type: z.literal('openLabeling'), task: z.string().min(1).max(LIMITS.key) }).strict();

export const previewInbound = z.discriminatedUnion('type', [readyMessage, refreshMessage, labelItemMessage]);
export type PreviewToHost = z.infer<typeof previewInbound>;

export const openJsonMessage = z.object({ type: z.literal('openJson') }).strict();
export const planInbound = z.discriminatedUnion('type', [readyMessage, openJsonMessage]);
export type PlanToHost = z.infer<typeof planInbound>;

/** State the webviews keep with `setState` so a reloaded panel reopens where it was. */
export const previewPanelState = z.object({ program: z.string().min(1).max(4096), task: z.string().min(1).max(LIMITS.key) }).strict();
export type PreviewPanelState = z.infer<typeof previewPanelState>;
export const planPanelState = z.object({ program: z.string().min(1).max(4096) }).strict();
export type PlanPanelState = z.infer<typeof planPanelState>;
export const annotatePanelState = previewPanelState.extend({ mode: annotateMode.optional() }).strict();
export type AnnotatePanelState = z.infer<typeof annotatePanelState>;

// ---------------------------------------------------------------- label values

/** The schema of one label of a task's output type (shared with `dprog label import`). */
export { labelValueSchema } from '../../engine/src/plan/label-values.js';

export { elementType, isImageType } from './label-types.js';
