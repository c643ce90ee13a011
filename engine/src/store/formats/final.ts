/**
 * The final labels of a task, the training data a user takes away: one row per item with the
 * final value, its confidence, the aggregation method and the number of answers behind it (the
 * store's aggregates). jsonl and csv carry every field; the label formats (coco, yolo,
 * labelstudio) carry the values, with the method as the labeler and the confidence as the score
 * (`finalAsLabel`).
 */
import type { Aggregate, Label } from '../types.js';
import { cell, valueText } from './csv.js';
import type { ExportedFile } from './format.js';

const COLUMNS = ['item', 'value', 'confidence', 'method', 'answers'] as const;

export function exportFinal(aggregates: readonly Aggregate[], format: 'jsonl' | 'csv'): { labels: number; files: ExportedFile[] } {
    // Stryker disable next-line EqualityOperator: a task has one aggregate per item, so two items are never equal
    const rows = [...aggregates].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    if (format === 'jsonl') {
        const text = rows.map((a) => JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, a[c]])))).join('\n');
        return { labels: rows.length, files: [{ path: '', text: text ? `${text}\n` : '' }] };
    }
    const lines = rows.map((a) => COLUMNS.map((c) => cell(c === 'value' ? valueText(a.value) : a[c])).join(','));
    return { labels: rows.length, files: [{ path: '', text: `${[COLUMNS.join(','), ...lines].join('\n')}\n` }] };
}

/** A final value as a label of the formats that carry labels: the method answers it, with its confidence. */
export function finalAsLabel(a: Aggregate): Label {
    return {
        id: `${a.task}/${a.item}/final`,
        task: a.task,
        item: a.item,
        labeler: a.method,
        labelerKind: 'model',
        value: a.value,
        score: a.confidence,
        gold: false,
        createdAt: a.updatedAt ?? '',
    };
}
