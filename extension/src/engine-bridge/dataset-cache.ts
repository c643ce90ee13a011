/**
 * The datasets the panels show, read once and kept while their file (or image folder) is
 * unchanged: opening a labeling or review queue again does not re-read and re-parse the data. No
 * `vscode` import: tested directly.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { DataItem } from '../../../engine/src/data/dataset.js';
import type { PlanDataset } from '../../../engine/src/plan/types.js';
import { readPlanItems } from '../../../engine/src/data/plan-items.js';

export class DatasetCache {
    private readonly entries = new Map<string, { stamp: string; items: DataItem[] }>();
    /** Reads done (not served from memory): for tests and the log. */
    reads = 0;

    /** The dataset's items (paths relative to the program's folder). */
    items(programDir: string, dataset: PlanDataset): DataItem[] {
        const file = datasetFile(programDir, dataset);
        const id = `${file}|${JSON.stringify(dataset)}`;
        const stamp = fileStamp(file);
        const cached = this.entries.get(id);
        if (cached && cached.stamp === stamp) {
            return cached.items;
        }
        const items = readPlanItems(dataset, programDir);
        this.reads++;
        this.entries.set(id, { stamp, items });
        return items;
    }

    clear(): void {
        this.entries.clear();
    }
}

/** The file a dataset is read from (for `images "dir/*.png"`, the folder). */
export function datasetFile(programDir: string, dataset: PlanDataset): string {
    return path.resolve(programDir, dataset.format === 'images' ? path.dirname(dataset.path) : dataset.path);
}

/** A file's modification time and size ('' when absent): a changed file is read again. */
export function fileStamp(file: string | undefined): string {
    if (!file) {
        return '';
    }
    try {
        const s = statSync(file);
        return `${s.mtimeMs}:${s.size}`;
    } catch {
        return '';
    }
}
