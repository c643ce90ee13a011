/**
 * The checks every imported label goes through before anything is stored: the store's own field
 * rules, an item of the task's dataset (when it is known), finite numbers only, boxes with a
 * positive size, the task's output type when it is known,
 * no id twice in one file, and no replacement of a label that was itself rejected. A label that
 * fails becomes a rejection naming its file, line and reason; the others go on.
 */
import { createHash } from 'node:crypto';
import { labelValueSchema, valueProblem } from '../../plan/label-values.js';
import { StoreInputError } from '../errors.js';
import type { JsonValue, NewLabel } from '../types.js';
import { isoTime, optionalNumber, optionalText, requireJson, requireLabelerKind, requireText } from '../validate.js';
import type { ReadLabel, ReadResult, Rejection, RecordSource, TaskType } from './format.js';

/** Why a value cannot be stored whatever the task: a non-finite number, or a box without a positive size. */
export function shapeProblem(value: JsonValue | undefined, path = 'value'): string | undefined {
    if (typeof value === 'number') {
        return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
    }
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const problem = shapeProblem(value[i], `${path}[${i}]`);
            if (problem) {
                return problem;
            }
        }
        return undefined;
    }
    if (typeof value !== 'object' || value === null) {
        return undefined;
    }
    for (const [key, v] of Object.entries(value)) {
        const problem = shapeProblem(v, `${path}.${key}`);
        if (problem) {
            return problem;
        }
    }
    if ('width' in value || 'height' in value) {
        const { width, height } = value;
        if (typeof width !== 'number' || typeof height !== 'number' || !(width > 0 && height > 0)) {
            return `${path} is a box without a positive width and height (${JSON.stringify(width)} × ${JSON.stringify(height)})`;
        }
    }
    return undefined;
}

function storeProblem(label: NewLabel): string | undefined {
    try {
        requireJson('', 'value', label.value);
        optionalText('', 'id', label.id);
        requireText('', 'item', label.item);
        requireText('', 'labeler', label.labeler);
        requireLabelerKind('', label.labelerKind);
        optionalText('', 'programVersion', label.programVersion);
        if (label.createdAt !== undefined) {
            isoTime('', 'createdAt', label.createdAt);
        }
        optionalNumber('', 'score', label.score);
        return undefined;
    } catch (error) {
        if (error instanceof StoreInputError) {
            return error.message;
        }
        throw error;
    }
}

/** An id derived from a label's content, for records of other tools that carry none. */
export function contentId(label: NewLabel): string {
    const content = JSON.stringify([
        label.task,
        label.item,
        label.labeler,
        label.labelerKind,
        label.value,
        label.createdAt ?? null,
        label.score ?? null,
        label.gold ?? false,
    ]);
    return `import-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

const at = (source: RecordSource): string => (source.line !== undefined ? `line ${source.line}` : (source.record ?? 'an earlier record'));

/** Splits what a format read into labels to store (with ids) and rejections. */
export function checkLabels(
    read: ReadResult,
    type: TaskType | undefined,
    isItem?: (item: string) => boolean,
): { labels: NewLabel[]; rejected: Rejection[] } {
    const schema = type ? labelValueSchema(type.output, type.classes) : undefined;
    const rejected = [...read.rejected];
    const byId = new Map<string, ReadLabel>();
    const rejectedIds = new Set<string>();
    const labels: NewLabel[] = [];
    for (const entry of read.labels) {
        const label = entry.label.id === undefined ? { ...entry.label, id: contentId(entry.label) } : entry.label;
        const reject = (reason: string) => {
            rejected.push({ ...entry.source, reason });
            rejectedIds.add(label.id!);
        };
        const first = byId.get(label.id!);
        const problem =
            storeProblem(label) ??
            (isItem && !isItem(label.item) ? `item '${label.item}' is not an item of the task's dataset` : undefined) ??
            shapeProblem(label.value) ??
            (schema ? fitProblem(schema, label.value, type!) : undefined) ??
            (label.supersedes !== undefined && rejectedIds.has(label.supersedes)
                ? `it replaces label ${label.supersedes}, which was rejected`
                : undefined);
        if (first) {
            rejected.push({
                ...entry.source,
                reason:
                    entry.label.id === undefined
                        ? `the same label as ${at(first.source)} (same item, labeler and value)`
                        : `id ${label.id} appears twice in this file (first at ${at(first.source)})`,
            });
            continue;
        }
        byId.set(label.id!, entry);
        if (problem) {
            reject(problem);
        } else {
            labels.push(label);
        }
    }
    // In file order: a format's own rejections and these checks' interleave.
    rejected.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
    return { labels, rejected };
}

function fitProblem(schema: ReturnType<typeof labelValueSchema>, value: JsonValue, type: TaskType): string | undefined {
    const problem = valueProblem(schema, value);
    return problem ? `value ${JSON.stringify(value)?.slice(0, 80)} does not fit ${type.output.text}: ${problem}` : undefined;
}
