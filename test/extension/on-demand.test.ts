/** The webview's side of pre-labels on demand: which items it asks about, and how answers join. */
import { describe, expect, test } from 'vitest';
import { bestPreLabel, itemsToPreLabel, withOnDemand } from '../../webview/src/annotate/on-demand.js';
import type { PreLabelView, QueueItemView } from '../../webview/src/protocol.js';

function item(key: string, preLabels: PreLabelView[] = []): QueueItemView {
    return { key, split: 'train', fields: {}, imageUri: null, reason: null, score: null, preLabels, existing: null };
}
const stored: PreLabelView = { labeler: 'det', kind: 'model', value: [], score: 0.7 };
const rules: PreLabelView = { labeler: 'keywords', kind: 'rules', value: 'spam', score: null };

describe('pre-labels on demand in the webview', () => {
    test('asks for the current item and the next two that have no model answer, once', () => {
        const items = [item('a'), item('b', [stored]), item('c', [rules]), item('d'), item('e')];
        const asked = new Set<string>();
        expect(itemsToPreLabel(items, 0, asked)).toEqual(['a', 'c']);
        asked.add('a').add('c');
        expect(itemsToPreLabel(items, 0, asked)).toEqual([]);
        expect(itemsToPreLabel(items, 2, asked)).toEqual(['d', 'e']);
        expect(itemsToPreLabel(items, 5, asked)).toEqual([]);
    });

    test("the model's answers replace earlier on-demand ones and keep stored ones; the most confident leads", () => {
        const first: PreLabelView = { labeler: 'm', kind: 'model', value: 'ham', score: 0.6 };
        const withRules = item('a', [rules]);
        withRules.preLabels = withOnDemand(withRules, [first]);
        expect(withRules.preLabels).toEqual([rules, { ...first, onDemand: true }]);
        const again: PreLabelView = { labeler: 'm', kind: 'model', value: 'spam', score: 0.8 };
        withRules.preLabels = withOnDemand(withRules, [again]);
        expect(withRules.preLabels).toEqual([rules, { ...again, onDemand: true }]);
        expect(bestPreLabel(withRules)?.value).toBe('spam');
    });
});
