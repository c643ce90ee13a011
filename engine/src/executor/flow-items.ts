/**
 * The items a flow runs over: the rows of a jsonl or csv dataset, or the files an `images`
 * dataset's glob matches (key, `path` and `image`: the file's path relative to the program, so
 * the workspace can move). In key order, so `--limit N` always takes the same items.
 */
import * as path from 'node:path';
import { globSync } from 'tinyglobby';
import { readDataset } from '../data/dataset.js';
import { DataError } from '../data/errors.js';
import { assignBucket } from '../data/split.js';
import type { PlanDataset } from '../plan/types.js';

export interface FlowItem {
    dataset: string;
    key: string;
    split: string | null;
    /** Field values by name; `Image` fields hold file paths relative to the program's folder (or URLs). */
    fields: Record<string, string | number | boolean>;
}

export function readFlowItems(dataset: PlanDataset, programDir: string): FlowItem[] {
    const buckets = dataset.split?.buckets ?? [];
    if (dataset.format === 'images') {
        const files = globSync(dataset.path, { cwd: programDir, onlyFiles: true }).sort();
        if (files.length === 0) {
            throw new DataError(
                `${path.resolve(programDir, dataset.path)}: no image matches the dataset '${dataset.name}'; add images or fix the glob`,
                dataset.path,
            );
        }
        return files.map((file) => ({
            dataset: dataset.name,
            key: file,
            split: buckets.length > 0 ? assignBucket(file, buckets) : null,
            fields: { path: file, image: file },
        }));
    }
    const read = readDataset({
        name: dataset.name,
        format: dataset.format,
        path: path.resolve(programDir, dataset.path),
        fields: dataset.fields.map((f) => ({ name: f.name, type: f.type, key: f.key, source: f.source ?? undefined })),
        split: dataset.split ? { field: dataset.split.field, buckets: dataset.split.buckets } : undefined,
    });
    return read.items
        .map((item) => ({ dataset: dataset.name, key: item.key, split: item.split ?? null, fields: item.fields }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
