/**
 * The final labels of a task, the training data a user takes away: one row per item with the
 * final value, its confidence, the aggregation method and the number of answers behind it (the
 * store's aggregates). jsonl and csv carry every field; the label formats (coco, yolo,
 * labelstudio) carry the values, with the method as the labeler and the confidence as the score.
 */
import type { LabelStore } from '../label-store.js';
import type { Aggregate, Label } from '../types.js';
import { cell, valueText } from './csv.js';
import { formatNamed, type ExportRequest } from './index.js';
import { imageSizesIn } from './image-size.js';

const COLUMNS = ['item', 'value', 'confidence', 'method', 'answers'] as const;

export function exportFinal(store: LabelStore, request: Omit<ExportRequest, 'history' | 'labeler'>): { labels: number; files: { path: string; text: string }[] } {
    const aggregates = store.aggregates(request.task).sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    if (request.format === 'jsonl') {
        const text = aggregates.map((a) => JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, a[c]])))).join('\n');
        return { labels: aggregates.length, files: [{ path: '', text: text ? `${text}\n` : '' }] };
    }
    if (request.format === 'csv') {
        const rows = aggregates.map((a) => COLUMNS.map((c) => cell(c === 'value' ? valueText(a.value) : a[c])).join(','));
        return { labels: aggregates.length, files: [{ path: '', text: [COLUMNS.join(','), ...rows].join('\n') + '\n' }] };
    }
    const format = formatNamed(request.format);
    const files = format.export(aggregates.map(asLabel), { task: request.task, imageSize: request.images ? imageSizesIn(request.images) : undefined });
    return { labels: aggregates.length, files };
}

/** A final value as a label of the formats that carry labels: the method answers it, with its confidence. */
function asLabel(a: Aggregate): Label {
    return { id: `${a.task}/${a.item}/final`, task: a.task, item: a.item, labeler: a.method, labelerKind: 'model', value: a.value, score: a.confidence, gold: false, createdAt: a.updatedAt ?? '' };
}
