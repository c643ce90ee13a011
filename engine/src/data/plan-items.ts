/**
 * The items of a dataset declared in a compiled plan — the one way the CLI, the executor and the
 * extension read them. Paths in the plan are relative to the program's folder (`dir`); an `images`
 * dataset's glob is matched there too, so its keys (and `path`, `image` fields) are the files' paths
 * relative to the program, and the workspace can move.
 */
import * as nodePath from 'node:path';
import type { PlanDataset } from '../plan/types.js';
import { type DataItem, type DatasetSpec, readDataset } from './dataset.js';

/** The engine's DatasetSpec for a plan's dataset; `path` (default: the declared one) is resolved against `dir`. */
export function datasetSpecOf(dataset: PlanDataset, dir: string, path = dataset.path): DatasetSpec {
    return {
        name: dataset.name,
        format: dataset.format,
        path: nodePath.resolve(dir, path),
        fields: dataset.fields.map((f) => ({ name: f.name, type: f.type, key: f.key, source: f.source ?? undefined })),
        split: dataset.split ? { field: dataset.split.field, buckets: dataset.split.buckets } : undefined,
        root: dataset.format === 'images' ? dir : undefined,
    };
}

/** Every item of a plan's dataset, in file order (images: sorted by path). Throws DataError naming file and line. */
export function readPlanItems(dataset: PlanDataset, dir: string): DataItem[] {
    return readDataset(datasetSpecOf(dataset, dir)).items;
}
