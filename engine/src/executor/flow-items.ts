/**
 * The items a flow runs over: the rows of a jsonl or csv dataset, or the files an `images`
 * dataset's glob matches (key, `path` and `image`: the file's path relative to the program, so
 * the workspace can move). In key order, so `--limit N` always takes the same items.
 */
import { readPlanItems } from '../data/plan-items.js';
import type { PlanDataset } from '../plan/types.js';

export interface FlowItem {
    dataset: string;
    key: string;
    split: string | null;
    /** Field values by name; `Image` fields hold file paths relative to the program's folder (or URLs). */
    fields: Record<string, string | number | boolean>;
}

export function readFlowItems(dataset: PlanDataset, programDir: string): FlowItem[] {
    return readPlanItems(dataset, programDir)
        .map((item) => ({ dataset: dataset.name, key: item.key, split: item.split ?? null, fields: item.fields }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
