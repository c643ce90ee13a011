/**
 * `labelstudio`: Label Studio's JSON export (a list of tasks with `annotations` from people and
 * rules and `predictions` from models). Values map to Label Studio result types: a choice or a
 * set of choices → `choices`, boxes → `rectanglelabels` (percent of the image), spans → `labels`,
 * numbers → `number`, text → `textarea`, yes/no → `choices`. dprog's label id, labeler and kind
 * ride along under `dprog` so a round trip keeps them; files from Label Studio import as is.
 */
import { readFileSync } from 'node:fs';
import type { JsonValue, Label, LabelerKind, NewLabel } from '../types.js';
import { boxesOf, boxValue, fromCornerRotation, toCornerRotation } from './boxes.js';
import { FormatError, type ExportOptions, type ImageSizeOf, type LabelFormat } from './format.js';

interface Result {
    id?: string;
    type: string;
    from_name: string;
    to_name: string;
    value: Record<string, unknown>;
    original_width?: number;
    original_height?: number;
    score?: number;
}

interface DprogMeta {
    id: string;
    labeler: string;
    labelerKind: LabelerKind;
    programVersion?: string;
    gold?: boolean;
    score?: number;
}

interface Annotation {
    id?: number;
    completed_by?: unknown;
    model_version?: string;
    created_at?: string;
    score?: number;
    was_cancelled?: boolean;
    result: Result[];
    dprog?: DprogMeta;
}

interface Task {
    id?: number;
    data: Record<string, unknown>;
    annotations?: Annotation[];
    predictions?: Annotation[];
}

const round = (n: number): number => Number(n.toFixed(6));

interface Span {
    start: number;
    end: number;
    label: string;
    text?: string;
}

function spansOf(value: JsonValue): Span[] | undefined {
    const one = (v: JsonValue): Span | undefined =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.start === 'number' && typeof v.end === 'number' && typeof v.label === 'string'
            ? { start: v.start, end: v.end, label: v.label, ...(typeof v.text === 'string' ? { text: v.text } : {}) }
            : undefined;
    if (Array.isArray(value)) {
        const spans = value.map(one);
        return spans.every((s) => s !== undefined) ? (spans as Span[]) : undefined;
    }
    const span = one(value);
    return span ? [span] : undefined;
}

/** The Label Studio results expressing one dprog value. */
function resultsOf(label: Label, options: ExportOptions): Result[] {
    const value = label.value;
    if (typeof value === 'string') return [{ type: 'choices', from_name: 'choice', to_name: 'item', value: { choices: [value] } }];
    if (typeof value === 'boolean') return [{ type: 'choices', from_name: 'bool', to_name: 'item', value: { choices: [value ? 'yes' : 'no'] } }];
    if (typeof value === 'number') return [{ type: 'number', from_name: 'number', to_name: 'item', value: { number: value } }];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [{ type: 'choices', from_name: 'choices', to_name: 'item', value: { choices: value } }];
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.text === 'string' && Object.keys(value).length === 1) {
        return [{ type: 'textarea', from_name: 'text', to_name: 'item', value: { text: [value.text] } }];
    }
    const single = !Array.isArray(value);
    const boxes = boxesOf(value);
    if (boxes && !(Array.isArray(value) && value.length === 0)) {
        const size = options.imageSize?.(label.item);
        if (!size) throw new FormatError(`no image size for item '${label.item}': Label Studio boxes are in percent of the image; pass --images DIR`, options.task);
        return boxes.map((box) => {
            const corner = toCornerRotation(box);
            return {
                type: 'rectanglelabels',
                from_name: single ? 'box' : 'boxes',
                to_name: 'image',
                original_width: size.width,
                original_height: size.height,
                value: {
                    x: (corner.x / size.width) * 100,
                    y: (corner.y / size.height) * 100,
                    width: (box.width / size.width) * 100,
                    height: (box.height / size.height) * 100,
                    rotation: corner.rotation,
                    rectanglelabels: [box.label],
                },
                ...(box.score !== undefined ? { score: box.score } : {}),
            };
        });
    }
    const spans = spansOf(value);
    if (spans) {
        return spans.map((span) => ({ type: 'labels', from_name: single ? 'span' : 'spans', to_name: 'text', value: { start: span.start, end: span.end, labels: [span.label], ...(span.text !== undefined ? { text: span.text } : {}) } }));
    }
    throw new FormatError(`label ${label.id} on item '${label.item}' has a value Label Studio cannot express (${JSON.stringify(value).slice(0, 60)}); use jsonl`, options.task);
}

/** The dprog value of one annotation's results. */
function valueOf(results: Result[], item: string, imageSize: ImageSizeOf | undefined, where: string): JsonValue {
    if (results.length === 0) return [];
    const types = new Set(results.map((r) => r.type));
    if (types.size > 1) throw new FormatError(`an annotation of '${item}' mixes result types (${[...types].join(', ')}); import one control at a time`, where);
    const [first] = results;
    switch (first.type) {
        case 'choices': {
            const choices = results.flatMap((r) => (r.value.choices as string[]) ?? []);
            if (first.from_name === 'bool') return choices[0] === 'yes' || choices[0] === 'true';
            if (first.from_name === 'choices' || choices.length > 1) return choices;
            return choices[0];
        }
        case 'number':
            return Number(first.value.number);
        case 'textarea':
            return { text: ((first.value.text as string[]) ?? []).join('\n') };
        case 'rectanglelabels': {
            const boxes = results.map((r) => {
                const size = r.original_width && r.original_height ? { width: r.original_width, height: r.original_height } : imageSize?.(item);
                if (!size) throw new FormatError(`a box on '${item}' has no original_width/original_height; pass --images DIR`, where);
                const v = r.value as { x: number; y: number; width: number; height: number; rotation?: number; rectanglelabels: string[] };
                const width = (v.width * size.width) / 100;
                const height = (v.height * size.height) / 100;
                const turned = fromCornerRotation((v.x * size.width) / 100, (v.y * size.height) / 100, width, height, v.rotation ?? 0);
                return boxValue({
                    x: round(turned.x),
                    y: round(turned.y),
                    width: round(width),
                    height: round(height),
                    ...(turned.rotation ? { rotation: round(turned.rotation) } : {}),
                    label: v.rectanglelabels[0],
                    ...(typeof r.score === 'number' ? { score: r.score } : {}),
                });
            });
            return first.from_name === 'box' && boxes.length === 1 ? boxes[0] : boxes;
        }
        case 'labels': {
            const spans: JsonValue[] = results.map((r) => {
                const v = r.value as { start: number; end: number; labels: string[]; text?: string };
                return { start: v.start, end: v.end, label: v.labels[0], ...(v.text !== undefined ? { text: v.text } : {}) };
            });
            return first.from_name === 'span' && spans.length === 1 ? spans[0] : spans;
        }
        default:
            throw new FormatError(`result type '${first.type}' on '${item}' is not supported (choices, rectanglelabels, labels, number, textarea are)`, where);
    }
}

/** Label Studio names the annotator by user id, or (in some versions) by a user object. */
function personOf(completedBy: unknown): string | undefined {
    if (typeof completedBy === 'string' || typeof completedBy === 'number') return String(completedBy);
    if (typeof completedBy === 'object' && completedBy !== null) {
        const user = completedBy as { email?: unknown; id?: unknown };
        if (typeof user.email === 'string') return user.email;
        if (typeof user.id === 'string' || typeof user.id === 'number') return String(user.id);
    }
    return undefined;
}

export const labelStudioFormat: LabelFormat = {
    name: 'labelstudio',
    directory: false,
    export(labels, options) {
        const tasks = new Map<string, Task>();
        for (const label of labels) {
            let task = tasks.get(label.item);
            if (!task) {
                const isImage = boxesOf(label.value) !== undefined && !(Array.isArray(label.value) && label.value.length === 0);
                task = { id: tasks.size + 1, data: { item: label.item, ...(isImage ? { image: label.item } : {}) }, annotations: [], predictions: [] };
                tasks.set(label.item, task);
            }
            const dprog: DprogMeta = { id: label.id, labeler: label.labeler, labelerKind: label.labelerKind };
            if (label.programVersion !== undefined) dprog.programVersion = label.programVersion;
            if (label.gold) dprog.gold = true;
            if (label.score !== undefined) dprog.score = label.score;
            const annotation: Annotation = { created_at: label.createdAt, result: resultsOf(label, options), dprog };
            if (label.labelerKind === 'model') {
                task.predictions!.push({ model_version: label.labeler, ...(label.score !== undefined ? { score: label.score } : {}), ...annotation });
            } else {
                task.annotations!.push({ id: task.annotations!.length + 1, completed_by: label.labeler, ...annotation });
            }
        }
        return [{ path: '', text: JSON.stringify([...tasks.values()], null, 1) + '\n' }];
    },
    import(source, options) {
        let tasks: Task[];
        try {
            tasks = JSON.parse(readFileSync(source, 'utf8'));
        } catch (error) {
            throw new FormatError(`not valid JSON (${(error as Error).message})`, source);
        }
        if (!Array.isArray(tasks)) throw new FormatError('not a Label Studio export: expected a JSON list of tasks', source);
        const labels: NewLabel[] = [];
        tasks.forEach((task, index) => {
            if (typeof task !== 'object' || task === null || typeof task.data !== 'object') throw new FormatError(`task ${index + 1} has no "data"`, source);
            const keyField = ['item', 'image', 'text'].find((field) => typeof task.data[field] === 'string');
            const item = keyField ? String(task.data[keyField]) : String(task.id ?? index + 1);
            const add = (annotation: Annotation, prediction: boolean) => {
                if (annotation.was_cancelled) return;
                const meta = annotation.dprog;
                const label: NewLabel = {
                    task: options.task,
                    item,
                    labeler: meta?.labeler ?? (prediction ? annotation.model_version : personOf(annotation.completed_by)) ?? options.labeler ?? 'import',
                    labelerKind: meta?.labelerKind ?? (prediction ? 'model' : (options.labelerKind ?? 'human')),
                    value: valueOf(annotation.result ?? [], item, options.imageSize, source),
                };
                if (meta?.id) label.id = meta.id;
                if (annotation.created_at) label.createdAt = annotation.created_at;
                if (meta?.programVersion) label.programVersion = meta.programVersion;
                if (meta?.gold) label.gold = true;
                const score = meta?.score ?? (prediction ? annotation.score : undefined);
                if (typeof score === 'number') label.score = score;
                labels.push(label);
            };
            for (const annotation of task.annotations ?? []) add(annotation, false);
            for (const prediction of task.predictions ?? []) add(prediction, true);
        });
        return labels;
    },
};
