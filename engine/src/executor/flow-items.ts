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
        .sort((a, b) => byKey(a.key, b.key));
}

/** Code-unit order of two keys (the same on every machine, unlike a locale's). */
function byKey(a: string, b: string): number {
    if (a < b) {
        return -1;
    }
    // Keys in a dataset are unique, so `>` here is `>=` and `!==`; and Node's sort moves an item only on a
    // negative result, so 0 in place of 1 orders the same.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, see above
    return a > b ? 1 : 0;
}
