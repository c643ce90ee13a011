// @vitest-environment happy-dom
/** The active-learning preview's script: what it shows for each host message and what its buttons post. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostToPreview } from '../../webview/src/protocol.js';
import { textOf } from './helpers.js';
import { loadPanel, type Panel } from './panel-harness.js';

type Preview = Extract<HostToPreview, { type: 'preview' }>;

function preview(extra: Partial<Preview> = {}): Preview {
    return {
        type: 'preview',
        program: '/w/spam.dprog',
        task: 'classify',
        strategy: 'uncertainty',
        coldStart: false,
        batch: [
            { key: 'm17', score: 0.49871, reason: 'uncertainty', split: 'train' },
            { key: 'm3', score: 0.25, reason: 'novelty', split: 'train' },
        ],
        poolScores: null,
        labeled: 40,
        candidates: 900,
        learningCurve: [{ version: 'v1', labelsUsed: 20, accuracy: null }],
        expectedSavings: null,
        alerts: [],
        notes: [],
        ...extra,
    };
}

let panel: Panel<HostToPreview>;
beforeEach(async () => {
    panel = await loadPanel<HostToPreview>(() => import('../../webview/src/preview/main.js'));
});
afterEach(() => panel.unload());

const text = (selector: string) => textOf(panel.app.querySelector(selector)!);
const sections = () => [...panel.app.querySelectorAll('section')].map((s) => textOf(s.querySelector('h2')!));

describe('active-learning preview panel', () => {
    it('says it is ready, shows a busy message, then the batch with why each item was chosen', () => {
        expect(panel.posted).toEqual([{ type: 'ready' }]);
        panel.send({ type: 'busy', message: 'Scoring the pool…' });
        expect(text('.loading')).toBe('Scoring the pool…');
        panel.send(preview());
        expect(text('h1')).toBe('classify: next batch');
        expect(text('header span')).toBe('2 of 900 unlabeled train items · 40 labeled · uncertainty');
        const rows = [...panel.app.querySelectorAll('[data-testid=batch] tbody tr')].map((r) => [...r.querySelectorAll('td')].map(textOf));
        expect(rows).toEqual([
            ['1', 'm17', '0.4987', 'uncertain: the model is least sure', 'train'],
            ['2', 'm3', '0.2500', 'novelty', 'train'],
        ]);
        expect(sections()).toEqual([
            'Next batch',
            'Score distribution',
            'Learning curve',
            'Expected savings against random sampling',
            'Alerts',
        ]);
        expect(text('section:nth-of-type(2) p')).toBe('Pool scores are not available.');
        expect(text('section:nth-of-type(3) p')).toContain('No model version with a validation accuracy yet');
        expect(text('section:nth-of-type(4) p')).toBe('Not available yet.');
        expect(text('section:nth-of-type(5) p')).toBe('No alerts.');
        expect(panel.state()).toEqual({ program: '/w/spam.dprog', task: 'classify' });
    });

    it('shows a cold start, the savings, alerts and notes', () => {
        panel.send(
            preview({
                coldStart: true,
                expectedSavings: { labels: 120, share: 0.375 },
                alerts: [{ level: 'warning', monitor: 'shift', message: 'the pool drifted' }],
                notes: ['scores are from v1'],
            }),
        );
        expect(text('header span')).toBe('2 of 900 unlabeled train items · 40 labeled · cold start (k-center)');
        expect(text('section:nth-of-type(4) p')).toBe('120 labels (38%) fewer than random sampling for the same accuracy.');
        const alert = panel.app.querySelector('.alerts li')!;
        expect(alert.className).toBe('alert-warning');
        expect(textOf(alert)).toBe('shift: the pool drifted');
        expect([...panel.app.querySelectorAll('.notes li')].map(textOf)).toEqual(['scores are from v1']);
    });

    it('gives charts a canvas when there are scores and a measured curve', () => {
        panel.send(preview({ poolScores: [0.1, 0.5, 0.9], learningCurve: [{ version: 'v1', labelsUsed: 20, accuracy: 0.8 }] }));
        expect(panel.app.querySelectorAll('.chart canvas')).toHaveLength(2);
        panel.send({ type: 'unavailable', message: 'No learn block for classify.' });
        expect(text('.unavailable p')).toBe('No learn block for classify.');
    });

    it('posts refresh and open-labeling from its buttons', () => {
        panel.send(preview());
        panel.app.querySelector<HTMLButtonElement>('#label-batch')!.click();
        [...panel.app.querySelectorAll<HTMLButtonElement>('header button')].find((b) => textOf(b) === 'Refresh')!.click();
        expect(panel.posted.slice(1)).toEqual([{ type: 'openLabeling', task: 'classify' }, { type: 'refresh' }]);
    });
});
