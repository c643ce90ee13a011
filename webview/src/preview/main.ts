/**
 * The active-learning preview: the next batch (item, score, why), the score distribution over the
 * unlabeled pool with the batch marked, the learning curve across model versions, and alerts.
 */
import type { Chart } from 'chart.js';
import type { HostToPreview, PreviewPanelState, PreviewToHost } from '../protocol.js';
import { h, replaceChildren, vscodeApi } from '../vscode-api.js';
import { learningCurve, scoreHistogram } from './charts.js';

const vscode = vscodeApi<PreviewToHost, PreviewPanelState>();
const app = document.getElementById('app')!;
let charts: Chart[] = [];

window.addEventListener('message', (event: MessageEvent<HostToPreview>) => receive(event.data));
vscode.postMessage({ type: 'ready' });

const REASONS: Record<string, string> = {
    uncertainty: 'uncertain: the model is least sure',
    diversity: 'diverse: covers a region with few labels',
    cold_start: 'coverage: no model yet',
    random: 'random',
};

type Preview = Extract<HostToPreview, { type: 'preview' }>;

function receive(msg: HostToPreview): void {
    for (const chart of charts) {
        chart.destroy();
    }
    charts = [];
    if (msg.type === 'busy') {
        app.replaceChildren(h('p', { class: 'loading', role: 'status' }, msg.message));
        return;
    }
    if (msg.type === 'unavailable') {
        app.replaceChildren(h('div', { class: 'unavailable', role: 'status' }, h('h2', {}, 'Not available'), h('p', {}, msg.message)));
        return;
    }
    showPreview(msg);
}

/** Lays out the preview's sections, then draws its charts into their canvases. */
function showPreview(msg: Preview): void {
    vscode.setState({ program: msg.program, task: msg.task });
    const histogramCanvas = h('canvas', {
        'aria-label': 'Histogram of scores over the unlabeled pool, with the batch marked',
        role: 'img',
    });
    const curveCanvas = h('canvas', { 'aria-label': 'Learning curve: validation accuracy against labels used', role: 'img' });
    const measured = msg.learningCurve.filter((p) => p.accuracy !== null);
    replaceChildren(app, [
        previewHeader(msg),
        h('section', {}, h('h2', {}, 'Next batch'), batchTable(msg.batch)),
        h(
            'section',
            {},
            h('h2', {}, 'Score distribution'),
            msg.poolScores ? h('div', { class: 'chart' }, histogramCanvas) : h('p', { class: 'muted' }, 'Pool scores are not available.'),
        ),
        h(
            'section',
            {},
            h('h2', {}, 'Learning curve'),
            measured.length > 0
                ? h('div', { class: 'chart' }, curveCanvas)
                : h(
                      'p',
                      { class: 'muted' },
                      'No model version with a validation accuracy yet: the curve appears after the first retraining.',
                  ),
        ),
        savingsSection(msg.expectedSavings),
        alertsSection(msg.alerts),
        msg.notes.length
            ? h(
                  'section',
                  { class: 'notes' },
                  h('h2', {}, 'Notes'),
                  h(
                      'ul',
                      {},
                      msg.notes.map((n) => h('li', {}, n)),
                  ),
              )
            : null,
    ]);
    if (msg.poolScores) {
        charts.push(
            scoreHistogram(
                histogramCanvas,
                msg.poolScores,
                msg.batch.map((b) => b.score),
            ),
        );
    }
    if (measured.length > 0) {
        charts.push(learningCurve(curveCanvas, msg.learningCurve));
    }
}

/** The task, how the batch was chosen, and the buttons to label it or refresh. */
function previewHeader(msg: Preview): HTMLElement {
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
    const label = h('button', { type: 'button', class: 'primary', id: 'label-batch' }, 'Label this batch');
    label.addEventListener('click', () => vscode.postMessage({ type: 'openLabeling', task: msg.task }));
    return h(
        'header',
        {},
        h('h1', {}, `${msg.task}: next batch`),
        h(
            'span',
            {},
            `${msg.batch.length} of ${msg.candidates} unlabeled train items · ${msg.labeled} labeled · ` +
                `${msg.coldStart ? 'cold start (k-center)' : msg.strategy}`,
        ),
        label,
        refresh,
    );
}

/** The next batch: each item with its score, why it was chosen, and its split. */
function batchTable(batch: Preview['batch']): HTMLElement {
    const rows = batch.map((item, i) =>
        h(
            'tr',
            {},
            h('td', {}, String(i + 1)),
            h('td', { class: 'key' }, item.key),
            h('td', { class: 'num' }, item.score.toFixed(4)),
            h('td', {}, REASONS[item.reason] ?? item.reason),
            h('td', {}, item.split),
        ),
    );
    const headings = ['#', 'item', 'score', 'why chosen', 'split'].map((name) => h('th', { scope: 'col' }, name));
    return h(
        'table',
        { class: 'batch', 'aria-label': 'Next batch', 'data-testid': 'batch' },
        h('thead', {}, h('tr', {}, headings)),
        h('tbody', {}, rows),
    );
}

function savingsSection(savings: Preview['expectedSavings']): HTMLElement {
    return h(
        'section',
        {},
        h('h2', {}, 'Expected savings against random sampling'),
        savings
            ? h(
                  'p',
                  {},
                  `${savings.labels} labels (${(savings.share * 100).toFixed(0)}%) fewer than random sampling for the same accuracy.`,
              )
            : h('p', { class: 'muted' }, 'Not available yet.'),
    );
}

function alertsSection(alerts: Preview['alerts']): HTMLElement {
    const list = alerts.length
        ? h(
              'ul',
              { class: 'alerts' },
              alerts.map((a) => h('li', { class: `alert-${a.level}` }, h('strong', {}, `${a.monitor}: `), a.message)),
          )
        : h('p', { class: 'muted' }, 'No alerts.');
    return h('section', {}, h('h2', {}, 'Alerts'), list);
}
