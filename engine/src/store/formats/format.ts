/**
 * What every import/export format provides. A format turns a task's labels into files and reads
 * such files back into labels to add; problems name the file (and line) and say what to do.
 */
import { StoreInputError } from '../errors.js';
import type { Label, LabelerKind, NewLabel } from '../types.js';

export type FormatName = 'jsonl' | 'csv' | 'coco' | 'yolo' | 'labelstudio';

/** Width and height in pixels of an item's image, when known. */
export type ImageSizeOf = (item: string) => { width: number; height: number } | undefined;

export interface ExportOptions {
    task: string;
    /** Needed by formats with normalized coordinates (yolo, labelstudio boxes). */
    imageSize?: ImageSizeOf;
}

export interface ImportOptions {
    task: string;
    /** Labeler for records that do not name one (files from other tools). Default `import`. */
    labeler?: string;
    labelerKind?: LabelerKind;
    imageSize?: ImageSizeOf;
    /** Item key of a file stem (yolo names files after items without their extension). */
    resolveItem?: (stem: string) => string | undefined;
}

/** An exported file: `path` is relative to the output folder; '' for a single-file format's one file. */
export interface ExportedFile {
    path: string;
    text: string;
}

export interface LabelFormat {
    name: FormatName;
    /** True when the export is a folder of files (yolo), false for one file. */
    directory: boolean;
    export(labels: readonly Label[], options: ExportOptions): ExportedFile[];
    /** Reads `source` (a file, or a folder for directory formats). */
    import(source: string, options: ImportOptions): NewLabel[];
}

/** A problem with a file being imported or labels being exported. */
export class FormatError extends StoreInputError {
    constructor(message: string, file: string, readonly line?: number) {
        super(`${file}${line ? `:${line}` : ''}: ${message}`, file);
    }
}
