/**
 * `labelstudio`: Label Studio's JSON tasks, in the shape its importer takes (a list of tasks with
 * `data`, `annotations` from people and `predictions` from models and rules). Each task's `data`
 * holds the item's fields, `dprog_item` (the item key, which Label Studio keeps, so an export
 * from Label Studio imports onto the right items) and, for image tasks, `image` as a URL Label
 * Studio can load (by default its local-files prefix `/data/local-files/?d=`). People appear as
 * `completed_by: {email}` when their name is an e-mail address and are left out otherwise (Label
 * Studio takes only its own users); dprog's label id, labeler and kind ride along under `dprog`.
 * The labeling config for the project is written beside the tasks when the task's type is known.
 */
import type { JsonValue, LabelerKind, NewLabel } from '../types.js';
import { boxesOf } from './boxes.js';
import {
    FormatError,
    ReadCollector,
    RecordError,
    type ExportedFile,
    type ExportOptions,
    type ImportOptions,
    type LabelFormat,
    type RecordSource,
} from './format.js';
import { readJsonFile } from './json-file.js';
import { labelingConfig } from './labelstudio-config.js';
import { resultsOf, labelValueOf, type Result } from './labelstudio-results.js';

/** Label Studio's documented prefix for files served from its local-files storage. */
export const LOCAL_FILES_PREFIX = '/data/local-files/?d=';

/** The data key holding dprog's item key. */
export const ITEM_KEY = 'dprog_item';

interface DprogMeta {
    id: string;
    labeler: string;
    labelerKind: LabelerKind;
    programVersion?: string;
    gold?: boolean;
    score?: number;
}

interface Annotation {
    completed_by?: { email: string };
    model_version?: string;
    created_at?: string;
    score?: number;
    result: Result[];
    dprog: DprogMeta;
}

interface Task {
    data: Record<string, JsonValue>;
    annotations: Annotation[];
    predictions: Annotation[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function taskData(item: string, image: boolean, options: ExportOptions): Record<string, JsonValue> {
    const fields = options.itemData?.(item) ?? {};
    const data: Record<string, JsonValue> = { ...fields, [ITEM_KEY]: item };
    if (image) {
        data.image = (options.imageUrlPrefix ?? LOCAL_FILES_PREFIX) + item.split('/').map(encodeURIComponent).join('/');
    }
    return data;
}

function exportTasks(labels: Parameters<LabelFormat['export']>[0], options: ExportOptions): ExportedFile[] {
    const tasks = new Map<string, Task>();
    for (const label of labels) {
        let task = tasks.get(label.item);
        if (!task) {
            const image = boxesOf(label.value) !== undefined && !(Array.isArray(label.value) && label.value.length === 0);
            task = { data: taskData(label.item, image, options), annotations: [], predictions: [] };
            tasks.set(label.item, task);
        }
        const dprog: DprogMeta = { id: label.id, labeler: label.labeler, labelerKind: label.labelerKind };
        if (label.programVersion !== undefined) {
            dprog.programVersion = label.programVersion;
        }
        if (label.gold) {
            dprog.gold = true;
        }
        if (label.score !== undefined) {
            dprog.score = label.score;
        }
        const annotation: Annotation = { created_at: label.createdAt, result: resultsOf(label, options), dprog };
        if (label.labelerKind === 'human') {
            task.annotations.push({ ...(EMAIL.test(label.labeler) ? { completed_by: { email: label.labeler } } : {}), ...annotation });
        } else {
            // Models and rules are not people: Label Studio shows their answers as predictions to review.
            task.predictions.push({
                model_version: label.labeler,
                ...(label.score !== undefined ? { score: label.score } : {}),
                ...annotation,
            });
        }
    }
    const files: ExportedFile[] = [{ path: '', text: `${JSON.stringify([...tasks.values()], null, 1)}\n` }];
    if (options.type) {
        const first = [...tasks.values()][0]?.data ?? {};
        const textField =
            Object.keys(first).find((key) => key !== ITEM_KEY && key !== 'image' && typeof first[key] === 'string') ?? ITEM_KEY;
        files.push({ path: '', suffix: '.label_config.xml', text: labelingConfig(options.type, undefined, textField) });
    }
    return files;
}

/** Label Studio names the annotator by user id, or by a user object. */
function personOf(completedBy: unknown): string | undefined {
    if (typeof completedBy === 'string' || typeof completedBy === 'number') {
        return String(completedBy);
    }
    if (isObject(completedBy)) {
        if (typeof completedBy.email === 'string') {
            return completedBy.email;
        }
        if (typeof completedBy.id === 'string' || typeof completedBy.id === 'number') {
            return String(completedBy.id);
        }
    }
    return undefined;
}

function readAnnotation(annotation: unknown, item: string, prediction: boolean, options: ImportOptions): NewLabel | undefined {
    if (!isObject(annotation)) {
        throw new RecordError(`${prediction ? 'a prediction' : 'an annotation'} must be an object, found ${JSON.stringify(annotation)}`);
    }
    if (annotation.was_cancelled === true) {
        return undefined;
    }
    const meta = isObject(annotation.dprog) ? annotation.dprog : undefined;
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const label: NewLabel = {
        task: options.task,
        item,
        labeler:
            text(meta?.labeler) ??
            (prediction ? text(annotation.model_version) : personOf(annotation.completed_by)) ??
            options.labeler ??
            'import',
        labelerKind: (text(meta?.labelerKind) as LabelerKind | undefined) ?? (prediction ? 'model' : (options.labelerKind ?? 'human')),
        value: labelValueOf(annotation.result, item, options.imageSize, options.type?.output),
    };
    if (text(meta?.id)) {
        label.id = meta!.id as string;
    }
    if (text(annotation.created_at)) {
        label.createdAt = annotation.created_at as string;
    }
    if (text(meta?.programVersion)) {
        label.programVersion = meta!.programVersion as string;
    }
    if (meta?.gold === true) {
        label.gold = true;
    }
    const score = meta?.score ?? (prediction ? annotation.score : undefined);
    if (score !== undefined && score !== null) {
        label.score = score as number;
    }
    return label;
}

function readTask(
    task: unknown,
    index: number,
    source: string,
    lineOf: (path: (string | number)[]) => number | undefined,
    read: ReadCollector,
    options: ImportOptions,
): void {
    const name = isObject(task) && (typeof task.id === 'number' || typeof task.id === 'string') ? `task ${task.id}` : `task ${index + 1}`;
    const where: RecordSource = { file: source, line: lineOf([index]), record: name };
    read.record(where, () => {
        if (!isObject(task) || !isObject(task.data)) {
            throw new RecordError(`${name} has no "data" object`);
        }
        const item = task.data[ITEM_KEY] ?? task.data.item;
        if (typeof item !== 'string' || item === '') {
            throw new RecordError(
                `${name} has no data.${ITEM_KEY}: dprog cannot tell which item it labels; add "${ITEM_KEY}": "<item key>" to its ` +
                    `data (dprog's export writes it, and Label Studio keeps it)`,
            );
        }
        for (const key of ['annotations', 'predictions'] as const) {
            const list = task[key];
            if (list === undefined || list === null) {
                continue;
            }
            if (!Array.isArray(list)) {
                throw new RecordError(`${name}: "${key}" must be a list, found ${JSON.stringify(list)}`);
            }
            list.forEach((annotation, j) => {
                const at: RecordSource = { file: source, line: lineOf([index, key, j]), record: `${name}, ${key.slice(0, -1)} ${j + 1}` };
                read.record(at, () => {
                    const label = readAnnotation(annotation, item, key === 'predictions', options);
                    if (label) {
                        read.add(label, at);
                    }
                });
            });
        }
    });
}

export const labelStudioFormat: LabelFormat = {
    name: 'labelstudio',
    directory: false,
    export: exportTasks,
    import(source, options) {
        const json = readJsonFile(source);
        const tasks = isObject(json.value) ? [json.value] : json.value;
        if (!Array.isArray(tasks)) {
            throw new FormatError('not Label Studio tasks: expected a JSON list of tasks', source);
        }
        const lineOf = isObject(json.value) ? (path: (string | number)[]) => json.lineOf(path.slice(1)) : json.lineOf;
        const read = new ReadCollector();
        tasks.forEach((task, index) => readTask(task, index, source, lineOf, read, options));
        return read;
    },
};
