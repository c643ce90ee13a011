/**
 * Moving a task's labels in and out of the store: `exportLabels` writes a format's files,
 * `importLabels` reads them and adds the labels (idempotently: labels keep their ids).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Store } from '../store.js';
import type { Label, LabelerKind, LabelQuery, NewLabel } from '../types.js';
import { cocoFormat } from './coco.js';
import { csvFormat } from './csv.js';
import { FormatError, type FormatName, type ImageSizeOf, type LabelFormat } from './format.js';
import { imageFileOf, imageSizesIn } from './image-size.js';
import { jsonlFormat } from './jsonl.js';
import { labelStudioFormat } from './labelstudio.js';
import { yoloFormat } from './yolo.js';

export { FormatError, type FormatName, type LabelFormat } from './format.js';
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
    if (!format) throw new FormatError(`unknown format '${name}'; use one of ${FORMAT_NAMES.join(', ')}`, name);
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
}

/** The files of an export (not yet written). */
export function exportLabels(store: { labels(query: LabelQuery): Label[] }, request: ExportRequest): { labels: number; files: { path: string; text: string }[] } {
    const format = formatNamed(request.format);
    const labels: Label[] = store.labels({ task: request.task, labeler: request.labeler, includeSuperseded: request.history === true });
    const files = format.export(labels, { task: request.task, imageSize: request.images ? imageSizesIn(request.images) : undefined });
    return { labels: labels.length, files };
}

/** Writes exported files under `out` (a file for single-file formats, a folder for yolo). */
export function writeExport(files: { path: string; text: string }[], out: string): string[] {
    return files.map((file) => {
        const target = file.path === '' ? out : join(out, file.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.text);
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
}

/**
 * Reads a file and adds its labels; returns how many were new and how many were already stored.
 * Labels keep their ids; records without one (files from other tools) get an id derived from their
 * content, so re-importing a file is harmless.
 */
export async function importLabels(store: Pick<Store, 'addLabelsCounted'>, request: ImportRequest): Promise<{ read: number; added: number; alreadyStored: number }> {
    const format = formatNamed(request.format);
    const imageSize: ImageSizeOf | undefined = request.images ? imageSizesIn(request.images) : undefined;
    const resolveItem = request.images
        ? (stem: string) => {
              const file = imageFileOf(request.images!, stem);
              return file ? relative(request.images!, file) : undefined;
          }
        : undefined;
    const read = format.import(request.source, { task: request.task, labeler: request.labeler, labelerKind: request.labelerKind, imageSize, resolveItem });
    // Records without an id get one from their content, so importing the same file twice adds nothing.
    const seen = new Set<string>();
    const labels = read
        .map((label) => (label.id === undefined ? { ...label, id: contentId(label) } : label))
        .filter((label) => !seen.has(label.id!) && seen.add(label.id!));
    // Counted by the store itself: other writers may add to the task meanwhile.
    const { added } = await store.addLabelsCounted(labels);
    return { read: read.length, added, alreadyStored: read.length - added };
}

function contentId(label: NewLabel): string {
    const content = JSON.stringify([label.task, label.item, label.labeler, label.labelerKind, label.value, label.createdAt ?? null, label.score ?? null, label.gold ?? false]);
    return `import-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}
