/**
 * What every import/export format provides. A format turns a task's labels into files and reads
 * such files back into labels to add; problems name the file (and line) and say what to do.
 */
import { StoreInputError } from '../errors.js';
import type { PlanLabelType } from '../../plan/types.js';
import type { JsonValue, Label, LabelerKind, NewLabel } from '../types.js';

export type FormatName = 'jsonl' | 'csv' | 'coco' | 'yolo' | 'labelstudio';

/** Width and height in pixels of an item's image, when known. */
export type ImageSizeOf = (item: string) => { width: number; height: number } | undefined;

/** A task's output type and its label set's members, from the program or the plan in the store. */
export interface TaskType {
    output: PlanLabelType;
    classes: string[];
}

export interface ExportOptions {
    task: string;
    /** Needed by formats with normalized coordinates (yolo, labelstudio boxes). */
    imageSize?: ImageSizeOf;
    /** The image file of an item, when the images folder is known (yolo copies the images). */
    imageFile?: (item: string) => string | undefined;
    /** The task's type, when known (Label Studio's labeling config, the classes of yolo and coco). */
    type?: TaskType;
    /** An item's fields (Label Studio puts them in a task's `data`), when the dataset is known. */
    itemData?: (item: string) => Record<string, JsonValue> | undefined;
    /** Prefix turning an image item key into a URL a consumer can load (Label Studio). */
    imageUrlPrefix?: string;
}

export interface ImportOptions {
    task: string;
    /** Labeler for records that do not name one (files from other tools). Default `import`. */
    labeler?: string;
    labelerKind?: LabelerKind;
    imageSize?: ImageSizeOf;
    /** Item key of a file stem (yolo names files after items without their extension). */
    resolveItem?: (stem: string) => string | undefined;
    /** The task's type, when known: formats that cannot tell (Label Studio text areas) shape values by it. */
    type?: TaskType;
}

/** Where a record came from: its file, its 1-based line when known, and which record it is. */
export interface RecordSource {
    file: string;
    line?: number;
    /** e.g. `task 3`, `annotation 7`; absent for line-based formats. */
    record?: string;
}

export interface ReadLabel {
    label: NewLabel;
    source: RecordSource;
}

/** A record that was not imported, and why. */
export interface Rejection extends RecordSource {
    reason: string;
}

/** What a format read: labels to check and add, and records it could not turn into labels. */
export interface ReadResult {
    labels: ReadLabel[];
    rejected: Rejection[];
}

/** Collects a format's labels and rejections; a record that throws a RecordError is rejected, not fatal. */
export class ReadCollector implements ReadResult {
    readonly labels: ReadLabel[] = [];
    readonly rejected: Rejection[] = [];

    add(label: NewLabel, source: RecordSource): void {
        this.labels.push({ label, source });
    }

    reject(source: RecordSource, reason: string): void {
        this.rejected.push({ ...source, reason });
    }

    /** Runs `read` for one record; a RecordError (or a TypeError from a wrongly shaped record) rejects it. */
    record(source: RecordSource, read: () => void): void {
        try {
            read();
        } catch (error) {
            if (error instanceof RecordError) {
                this.reject(source, error.message);
            } else if (error instanceof TypeError) {
                this.reject(source, `malformed record (${error.message})`);
            } else {
                throw error;
            }
        }
    }
}

/** One record that cannot be imported (the rest of the file still can). */
export class RecordError extends Error {}

/** An exported file: `path` is relative to the output folder; '' for a single-file format's one file. */
export interface ExportedFile {
    path: string;
    text: string;
    /** A file beside a single-file export: its name is the output's with this suffix in place of the extension. */
    suffix?: string;
    /** Copy this file instead of writing `text` (images in a yolo dataset). */
    copyFrom?: string;
}

export interface LabelFormat {
    name: FormatName;
    /** True when the export is a folder of files (yolo), false for one file. */
    directory: boolean;
    export(labels: readonly Label[], options: ExportOptions): ExportedFile[];
    /** Reads `source` (a file, or a folder for directory formats); a file that is not of the format throws a FormatError. */
    import(source: string, options: ImportOptions): ReadResult;
}

/** A problem with a file being imported or labels being exported. */
export class FormatError extends StoreInputError {
    constructor(
        message: string,
        file: string,
        readonly line?: number,
    ) {
        super(`${file}${line ? `:${line}` : ''}: ${message}`, file);
    }
}
