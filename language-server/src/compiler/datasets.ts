/** Datasets and label sets as plan entries. */
import type { Dataset, LabelSet } from '../generated/ast.js';
import type { PlanDataset, PlanLabelSet, PlanValueType } from '../../../engine/src/plan/types.js';
import { refName } from './ref-name.js';

export function planDataset(dataset: Dataset, items: number | null): PlanDataset {
    const fields = dataset.fields
        .filter((f) => f.name && f.type)
        .map((f) => ({ name: f.name, type: f.type as PlanValueType, key: f.key, source: f.source ?? null }));
    if (dataset.format === 'images') {
        // The implicit fields of an images dataset (language.md §3).
        if (!fields.some((f) => f.name === 'path')) {
            fields.unshift({ name: 'path', type: 'String', key: true, source: null });
        }
        if (!fields.some((f) => f.name === 'image')) {
            fields.splice(1, 0, { name: 'image', type: 'Image', key: false, source: null });
        }
    }
    const split = dataset.splits.find((sp) => sp.field);
    return {
        name: dataset.name,
        format: dataset.format as PlanDataset['format'],
        path: dataset.path,
        fields,
        key: fields.find((f) => f.key)?.name ?? null,
        split: split
            ? {
                  field: refName(split.field),
                  buckets: split.buckets.filter((b) => b.name && b.share !== undefined).map((b) => ({ name: b.name, share: b.share })),
              }
            : null,
        items,
    };
}

export function planLabelSet(labelSet: LabelSet): PlanLabelSet {
    return {
        name: labelSet.name,
        description: labelSet.description ?? null,
        members: labelSet.members
            .filter((m) => m.name)
            .map((m) => ({ name: m.name, description: m.description ?? null, hotkey: m.hotkey ?? null, from: [...m.sources] })),
    };
}
