/**
 * The plan view: a compiled plan as tables (totals, tasks with their routes, each flow's stages,
 * learning, monitors, warnings), with the plan's JSON one click away.
 */
import type { HostToPlan, PlanPanelState, PlanToHost } from '../protocol.js';
import { h, vscodeApi } from '../vscode-api.js';
import { planView, type PlanView, type TaskRowView } from './plan-view.js';

const vscode = vscodeApi<PlanToHost, PlanPanelState>();
const app = document.getElementById('app')!;

window.addEventListener('message', (event: MessageEvent<HostToPlan>) => receive(event.data));
vscode.postMessage({ type: 'ready' });

function receive(msg: HostToPlan): void {
    if (msg.type === 'unavailable') {
        app.replaceChildren(h('div', { class: 'unavailable', role: 'status' }, h('h2', {}, 'No plan'), h('p', {}, msg.message)));
        return;
    }
    vscode.setState({ program: msg.program });
    render(planView(msg.plan), msg.planPath);
}

function table(label: string, testId: string, head: string[], rows: HTMLElement[]): HTMLElement {
    return h(
        'table',
        { 'aria-label': label, 'data-testid': testId },
        h(
            'thead',
            {},
            h(
                'tr',
                {},
                head.map((c) => h('th', { scope: 'col' }, c)),
            ),
        ),
        h('tbody', {}, rows),
    );
}

/** One task as a card: what it labels, then its route, redundancy, quality, cost and accuracy, one per row. */
function taskCard(task: TaskRowView): HTMLElement {
    const route = h(
        'ol',
        { class: 'route' },
        task.route.map((s) =>
            h('li', {}, h('span', { class: `labeler ${s.kind}` }, s.labeler), h('span', { class: 'muted' }, ` ${s.kind} · ${s.detail}`)),
        ),
    );
    const rows: Array<[string, Node | string]> = [
        ['data', `${task.dataset} · ${task.items} items`],
        [`route (${task.strategy})`, route],
        ['stops', task.stopping],
        ['redundancy', task.redundancy],
        ['quality', task.quality],
        ['expected cost', `${task.expectedCost}${task.budget !== '—' ? ` · budget ${task.budget}` : ''}`],
        ['expected accuracy', task.expectedAccuracy],
    ];
    return h(
        'section',
        { class: 'task', 'data-task': task.name },
        h(
            'h3',
            {},
            task.name,
            h('span', { class: 'muted' }, ` → ${task.output}`),
            task.overBudget ? h('span', { class: 'warn' }, ' · over budget') : null,
        ),
        h(
            'table',
            { class: 'facts' },
            h(
                'tbody',
                {},
                rows.map(([name, value]) =>
                    h(
                        'tr',
                        {},
                        h('th', { scope: 'row' }, name),
                        h('td', { class: name === 'expected cost' && task.overBudget ? 'warn' : '' }, value),
                    ),
                ),
            ),
        ),
    );
}

function render(view: PlanView, planPath: string): void {
    const json = h('button', { type: 'button', class: 'primary', id: 'open-json' }, 'Open JSON');
    json.addEventListener('click', () => vscode.postMessage({ type: 'openJson' }));
    const parts: Array<HTMLElement | null> = [
        h('header', {}, h('h1', {}, view.title), h('span', { class: 'muted', title: planPath }, planPath), json),
        view.description ? h('p', { class: 'description' }, view.description) : null,
        h(
            'dl',
            { class: 'totals', 'data-testid': 'totals' },
            view.totals.flatMap((t) => [h('dt', {}, t.label), h('dd', { class: t.warn ? 'warn' : '' }, t.value)]),
        ),
        h('h2', {}, 'Tasks'),
        h('div', { class: 'tasks', 'data-testid': 'tasks' }, view.tasks.map(taskCard)),
    ];
    for (const flow of view.flows) {
        parts.push(h('h2', {}, `Flow ${flow.name}`));
        const rows = flow.stages.map((s) =>
            h(
                'tr',
                {},
                h('td', { class: 'key' }, s.id),
                h('td', {}, s.task),
                h('td', {}, s.after),
                h('td', {}, s.when),
                h('td', {}, s.loop),
                h('td', { class: 'key' }, s.inputs),
            ),
        );
        parts.push(table(`Stages of ${flow.name}`, `flow-${flow.name}`, ['stage', 'task', 'after', 'when', 'for each', 'inputs'], rows));
    }
    if (view.learn.length > 0) {
        parts.push(
            h('h2', {}, 'Active learning'),
            h(
                'ul',
                {},
                view.learn.map((l) => h('li', {}, l)),
            ),
        );
    }
    if (view.monitors.length > 0) {
        parts.push(
            h('h2', {}, 'Monitors'),
            h(
                'ul',
                {},
                view.monitors.map((m) => h('li', {}, m)),
            ),
        );
    }
    parts.push(h('h2', {}, `Warnings (${view.warnings.length})`));
    parts.push(
        view.warnings.length > 0
            ? h(
                  'ul',
                  { class: 'warnings', 'data-testid': 'warnings' },
                  view.warnings.map((w) => h('li', {}, h('code', {}, w.code), w.subject ? ` ${w.subject}: ` : ': ', w.message)),
              )
            : h('p', { class: 'muted' }, 'None.'),
    );
    app.replaceChildren();
    for (const part of parts) {
        if (part) {
            app.append(part);
        }
    }
}
