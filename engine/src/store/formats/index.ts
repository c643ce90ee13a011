/**
 * Moving a task's labels in and out of the store: `exportLabels` writes a format's files,
 * `importLabels` reads them and adds the labels (idempotently: labels keep their ids).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import type { Store } from '../store.js';
import type { JsonValue, Label, LabelerKind, LabelQuery } from '../types.js';
import { checkLabels } from './check-labels.js';
import { cocoFormat } from './coco.js';
import { csvFormat } from './csv.js';
import {
    FormatError,
    type ExportedFile,
    type FormatName,
    type ImageSizeOf,
    type LabelFormat,
    type Rejection,
    type TaskType,
} from './format.js';
import { imageFileOf, imageSizesIn } from './image-size.js';
import { jsonlFormat } from './jsonl.js';
import { labelStudioFormat } from './labelstudio.js';
import { yoloFormat } from './yolo.js';

export { FormatError, type FormatName, type LabelFormat, type Rejection, type TaskType } from './format.js';
export { imageSizesIn, readImageSize } from './image-size.js';

export const FORMATS: Record<FormatName, LabelFormat> = {
    jsonl: jsonlFormat,
    csv: csvFormat,
    coco: cocoFormat,
    yolo: yoloFormat,
    labelstudio: labelStudioFormat,
};

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export function formatNamed(name: string): LabelFormat {
    const format = FORMATS[name as FormatName];
    if (!format) {
        throw new FormatError(`unknown format '${name}'; use one of ${FORMAT_NAMES.join(', ')}`, name);
    }
    return format;
}

export interface ExportRequest {
    task: string;
    format: string;
    /** Only this labeler's labels. */
    labeler?: string;
    /** Superseded labels too (the full history). Default: current labels only. */
    history?: boolean;
    /** Folder holding the items' images (for image sizes). */
    images?: string;
    /** The task's type, when known. */
    type?: TaskType;
    /** An item's fields, when the dataset is known (Label Studio's `data`). */
    itemData?: (item: string) => Record<string, JsonValue> | undefined;
    /** URL prefix of images for Label Studio (default its local-files prefix). */
    imageUrlPrefix?: string;
}

/** The files of an export (not yet written). */
export function exportLabels(
    store: { labels(query: LabelQuery): Label[] },
    request: ExportRequest,
): { labels: number; files: ExportedFile[] } {
    const format = formatNamed(request.format);
    const labels: Label[] = store.labels({ task: request.task, labeler: request.labeler, includeSuperseded: request.history === true });
    const images = request.images;
    const files = format.export(labels, {
        task: request.task,
        imageSize: images ? imageSizesIn(images) : undefined,
        imageFile: images ? (item) => imageFileOf(images, item) : undefined,
        type: request.type,
        itemData: request.itemData,
        imageUrlPrefix: request.imageUrlPrefix,
    });
    return { labels: labels.length, files };
}

/** Where an exported file goes: `out` itself, a file beside it (suffix), or a path under the folder `out`. */
function targetOf(file: ExportedFile, out: string): string {
    if (file.suffix !== undefined) {
        return (extname(out) ? out.slice(0, -extname(out).length) : out) + file.suffix;
    }
    return file.path === '' ? out : join(out, file.path);
}

/** Writes exported files under `out` (a file for single-file formats, a folder for yolo). */
export function writeExport(files: ExportedFile[], out: string): string[] {
    return files.map((file) => {
        const target = targetOf(file, out);
        mkdirSync(dirname(target), { recursive: true });
        if (file.copyFrom !== undefined) {
            copyFileSync(file.copyFrom, target);
        } else {
            writeFileSync(target, file.text);
        }
        return target;
    });
}

export interface ImportRequest {
    task: string;
    format: string;
    /** The file (or yolo folder) to read. */
    source: string;
    labeler?: string;
    labelerKind?: LabelerKind;
    images?: string;
    /** The task's type: values that do not fit it are rejected. */
    type?: TaskType;
    /** Whether a key is an item of the task's dataset, when the dataset is known: labels of other keys are rejected. */
    isItem?: (item: string) => boolean;
}

export interface ImportResult {
    /** Records read from the file (labels and rejected records). */
    read: number;
    added: number;
    alreadyStored: number;
    rejected: Rejection[];
    /** Whether values were checked against the task's output type (known from the program or the store's plan). */
    typeChecked: boolean;
}

/**
 * Reads a file, checks every label (see check-labels.ts) and adds those that pass; returns how many
 * were new, already stored, and each rejected record with its file, line and reason. Labels keep
 * their ids; records without one (files from other tools) get an id derived from their content, so
 * re-importing a file is harmless.
 */
export async function importLabels(store: Pick<Store, 'addLabelsCounted'>, request: ImportRequest): Promise<ImportResult> {
    const format = formatNamed(request.format);
    const imageSize: ImageSizeOf | undefined = request.images ? imageSizesIn(request.images) : undefined;
    const resolveItem = request.images
        ? (stem: string) => {
              const file = imageFileOf(request.images!, stem);
              return file ? relative(request.images!, file) : undefined;
          }
        : undefined;
    const read = format.import(request.source, {
        task: request.task,
        labeler: request.labeler,
        labelerKind: request.labelerKind,
        imageSize,
        resolveItem,
        type: request.type,
    });
    const { labels, rejected } = checkLabels(read, request.type, request.isItem);
    // Counted by the store itself: other writers may add to the task meanwhile.
    const { added } = await store.addLabelsCounted(labels);
    return {
        read: read.labels.length + read.rejected.length,
        added,
        alreadyStored: labels.length - added,
        rejected,
        typeChecked: request.type !== undefined,
    };
}
