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
    return h('table', { 'aria-label': label, 'data-testid': testId }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...rows));
}

function taskRow(task: TaskRowView): HTMLElement {
    const route = h('ol', { class: 'route' }, ...task.route.map((s) => h('li', {}, h('span', { class: `labeler ${s.kind}` }, s.labeler), ` ${s.kind} · ${s.detail}`)));
    return h(
        'tr',
        { 'data-task': task.name },
        h('th', { scope: 'row' }, task.name, h('div', { class: 'muted' }, task.output)),
        h('td', {}, task.dataset, h('div', { class: 'muted' }, `${task.items} items`)),
        h('td', {}, h('div', { class: 'muted' }, task.strategy), route, h('div', { class: 'muted' }, task.stopping)),
        h('td', {}, task.redundancy),
        h('td', {}, task.quality),
        h('td', { class: task.overBudget ? 'num warn' : 'num' }, task.expectedCost, task.budget !== '—' ? h('div', { class: 'muted' }, `budget ${task.budget}`) : null),
        h('td', { class: 'num' }, task.expectedAccuracy),
    );
}

function render(view: PlanView, planPath: string): void {
    const json = h('button', { type: 'button', class: 'primary', id: 'open-json' }, 'Open JSON');
    json.addEventListener('click', () => vscode.postMessage({ type: 'openJson' }));
    const parts: Array<HTMLElement | null> = [
        h('header', {}, h('h1', {}, view.title), h('span', { class: 'muted', title: planPath }, planPath), json),
        view.description ? h('p', { class: 'description' }, view.description) : null,
        h('dl', { class: 'totals', 'data-testid': 'totals' }, ...view.totals.flatMap((t) => [h('dt', {}, t.label), h('dd', { class: t.warn ? 'warn' : '' }, t.value)])),
        h('h2', {}, 'Tasks'),
        table('Tasks', 'tasks', ['task', 'data', 'route', 'redundancy', 'quality', 'expected cost', 'expected accuracy'], view.tasks.map(taskRow)),
    ];
    for (const flow of view.flows) {
        parts.push(h('h2', {}, `Flow ${flow.name}`));
        const rows = flow.stages.map((s) => h('tr', {}, h('td', { class: 'key' }, s.id), h('td', {}, s.task), h('td', {}, s.after), h('td', {}, s.when), h('td', {}, s.loop), h('td', { class: 'key' }, s.inputs)));
        parts.push(table(`Stages of ${flow.name}`, `flow-${flow.name}`, ['stage', 'task', 'after', 'when', 'for each', 'inputs'], rows));
    }
    if (view.learn.length > 0) parts.push(h('h2', {}, 'Active learning'), h('ul', {}, ...view.learn.map((l) => h('li', {}, l))));
    if (view.monitors.length > 0) parts.push(h('h2', {}, 'Monitors'), h('ul', {}, ...view.monitors.map((m) => h('li', {}, m))));
    parts.push(h('h2', {}, `Warnings (${view.warnings.length})`));
    parts.push(
        view.warnings.length > 0
            ? h('ul', { class: 'warnings', 'data-testid': 'warnings' }, ...view.warnings.map((w) => h('li', {}, h('code', {}, w.code), w.subject ? ` ${w.subject}: ` : ': ', w.message)))
            : h('p', { class: 'muted' }, 'None.'),
    );
    app.replaceChildren(...parts.filter((p): p is HTMLElement => !!p));
}
