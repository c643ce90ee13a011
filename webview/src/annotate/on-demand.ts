/**
 * Pre-labels on demand, the webview's part: which items to ask the host about (the current one and
 * the next few, when they have no stored model answer and were not asked about yet), and how the
 * answers join an item's pre-labels. Pure functions, tested without a browser.
 */
import type { PreLabelView, QueueItemView } from '../protocol.js';

/** Items ahead of the current one whose model answers are asked for in advance. */
export const PRE_LABEL_LOOKAHEAD = 2;

/** Keys of the items from `index` on (the current one and the look-ahead) that need the models' answers. */
export function itemsToPreLabel(
    items: readonly QueueItemView[],
    index: number,
    asked: ReadonlySet<string>,
    lookahead = PRE_LABEL_LOOKAHEAD,
): string[] {
    return items
        .slice(index, index + 1 + lookahead)
        .filter((item) => !asked.has(item.key) && !item.preLabels.some((p) => p.kind === 'model'))
        .map((item) => item.key);
}

/** The item's pre-labels with the on-demand answers in place of any earlier on-demand ones. */
export function withOnDemand(item: QueueItemView, answers: readonly PreLabelView[]): PreLabelView[] {
    return [...item.preLabels.filter((p) => !p.onDemand), ...answers.map((a) => ({ ...a, onDemand: true }))];
}

/** The pre-label a tool starts from: the most confident one. */
export function bestPreLabel(item: QueueItemView): PreLabelView | undefined {
    return [...item.preLabels].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
}
