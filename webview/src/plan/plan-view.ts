/**
 * A compiled plan as people read it: totals against the budget, one row per task (route, redundancy,
 * quality, expected cost and accuracy), each flow's stages in dependency order, active learning,
 * monitors and the compiler's warnings. Pure (no DOM): the plan webview renders it, tests read it.
 * Unknown numbers stay "unknown", never 0.
 */
import type { LabelingPlan, PlanFlow, PlanMonitor, PlanTask } from '../../../engine/src/plan/types.js';

export interface RouteStageView {
    labeler: string;
    kind: string;
    /** e.g. `$0.01 · 75%`. */
    detail: string;
}

export interface TaskRowView {
    name: string;
    output: string;
    dataset: string;
    items: string;
    strategy: string;
    route: RouteStageView[];
    stopping: string;
    redundancy: string;
    quality: string;
    expectedCost: string;
    budget: string;
    expectedAccuracy: string;
    /** true when the expected cost exceeds the task's budget. */
    overBudget: boolean;
}

export interface StageRowView {
    id: string;
    task: string;
    after: string;
    when: string;
    inputs: string;
    loop: string;
}

export interface PlanView {
    title: string;
    description: string | null;
    totals: Array<{ label: string; value: string; warn?: boolean }>;
    tasks: TaskRowView[];
    flows: Array<{ name: string; stages: StageRowView[] }>;
    learn: string[];
    monitors: string[];
    warnings: Array<{ code: string; subject: string | null; message: string }>;
}

export const money = (n: number | null): string => (n === null ? 'unknown' : `$${n.toFixed(2)}`);
export const percent = (n: number | null): string => (n === null ? 'unknown' : `${(n * 100).toFixed(1)}%`);

export function planView(plan: LabelingPlan): PlanView {
    const { totals } = plan;
    const over = totals.expectedCost !== null && totals.budget > 0 && totals.expectedCost > totals.budget;
    return {
        title: `${plan.program} · version ${plan.version}`,
        description: plan.description,
        totals: [
            { label: 'Expected cost', value: money(totals.expectedCost), warn: over },
            { label: 'Budget', value: totals.budget > 0 ? money(totals.budget) : 'none' },
            { label: 'Expected accuracy', value: percent(totals.expectedAccuracy) },
            { label: 'Tasks', value: String(plan.tasks.length) },
            { label: 'Warnings', value: String(plan.warnings.length), warn: plan.warnings.length > 0 },
        ],
        tasks: plan.tasks.map((task) => taskRow(plan, task)),
        flows: plan.flows.map(flowView),
        learn: plan.learn.map(
            (l) =>
                `learn ${l.task} using ${l.model}: ` +
                `${l.strategy}${l.diversity > 0 ? ` with ${percent(l.diversity)} diversity` : ''}, batches of ${l.batch}` +
                (l.budgetLabels !== null ? `, at most ${l.budgetLabels} labels` : '') +
                (l.retrainEvery !== null ? `, retrain every ${l.retrainEvery}` : '') +
                `${l.stop ? `, stop at ${percent(l.stop.accuracy)} on ${l.stop.split}` : ''}`,
        ),
        monitors: plan.monitors.map(monitorText),
        warnings: plan.warnings.map((w) => ({ code: w.code, subject: w.subject, message: w.message })),
    };
}

function taskRow(plan: LabelingPlan, task: PlanTask): TaskRowView {
    const { redundancy: r, quality: q, cost } = task;
    const dataset = plan.datasets.find((d) => d.name === task.dataset);
    const answers =
        r.minAnswers === null
            ? `cannot reach the target within ${r.maxAnswers} answers`
            : `${r.expectedAnswers.toFixed(2)} answers per item expected (${r.minAnswers}–${r.maxAnswers})`;
    const defaulted = q.defaulted.length > 0 ? ` (defaulted: ${q.defaulted.join(', ')})` : '';
    return {
        name: task.name,
        output: task.output.text,
        dataset: task.dataset ?? '—',
        items:
            cost.items === null
                ? dataset?.items === null || !dataset
                    ? 'unknown'
                    : String(dataset.items)
                : cost.items.toLocaleString('en-US'),
        strategy: `${task.route.strategy}${task.route.declared ? '' : ' (default route)'}`,
        route: task.route.stages.map((s) => ({
            labeler: s.labeler,
            kind: s.kind,
            detail:
                `${s.cost > 0 ? money(s.cost) : 'free'} · ` +
                `${percent(s.accuracy)}${s.answers > 1 ? ` · up to ${s.answers} answers` : ''}`,
        })),
        stopping: task.route.stopping,
        redundancy: `${answers}; reaches the target with probability ${percent(r.reachProbability)}`,
        quality:
            `target ${percent(q.target)} · ${q.aggregate} · at most ${q.maxLabels} ` +
            `labels${q.gold > 0 ? ` · ${percent(q.gold)} gold` : ''}${defaulted}`,
        expectedCost: `${money(cost.total)} (${money(cost.perItem)} per item)`,
        budget: cost.budget === null ? '—' : money(cost.budget),
        expectedAccuracy: percent(r.expectedAccuracy),
        overBudget: cost.withinBudget === false,
    };
}

function flowView(flow: PlanFlow): { name: string; stages: StageRowView[] } {
    return {
        name: flow.name,
        stages: flow.stages.map((s) => ({
            id: s.id,
            task: s.task,
            after: s.dependsOn.length > 0 ? s.dependsOn.join(', ') : '—',
            when:
                s.conditions.length > 0
                    ? s.conditions.map((c) => `${c.kind === 'else' ? 'not ' : ''}${c.expression}`).join(' and ')
                    : 'always',
            inputs: s.inputs.map((i) => `${i.parameter} = ${i.expression}`).join(', '),
            loop: (s.loops ?? (s.forEach ? [s.forEach] : [])).map((l) => `for ${l.variable} in ${l.over}`).join(', ') || '—',
        })),
    };
}

function monitorText(m: PlanMonitor): string {
    if (m.kind === 'shift') {
        const limits = [m.warn !== null ? `warn above ${m.warn}` : '', m.alert !== null ? `alert above ${m.alert}` : '']
            .filter(Boolean)
            .join(', ');
        return `shift of ${m.source}${m.field ? `.${m.field}` : ''} (${m.metric})${limits ? `: ${limits}` : ''}`;
    }
    const parts = [
        m.confidence ? `confidence within [${percent(m.confidence.min)}, ${percent(m.confidence.max)}]` : '',
        ...m.rates.map((r) => `rate of ${r.member} within [${percent(r.min)}, ${percent(r.max)}]`),
    ].filter(Boolean);
    return `predictions of ${m.model}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
