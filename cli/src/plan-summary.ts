/** A labeling plan (and a migration) in words, for `dprog compile` and `dprog diff` without --json. */
import type { LabelingPlan, PlanTask } from '../../engine/src/plan/types.js';
import type { AppliedMigration } from '../../engine/src/migration/apply-migration.js';
import type { Migration } from '../../engine/src/plan/migration.js';

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
const usd = (value: number) => (value !== 0 && value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`);

export function planSummary(plan: LabelingPlan): string[] {
    const lines = [
        `${plan.program} version ${plan.version}: ${plural(plan.tasks.length, 'task')}, ${plural(plan.flows.length, 'flow')} (plan ` +
            `${plan.hash.slice(0, 12)})`,
    ];
    for (const task of plan.tasks) {
        for (const line of taskSummary(task)) {
            lines.push(line);
        }
    }
    for (const flow of plan.flows) {
        lines.push(
            `flow ${flow.name}(${flow.input.map((p) => `${p.name}: ${p.type.text}`).join(', ')}): ` +
                `${plural(flow.stages.length, 'stage')} in dependency order`,
        );
        for (const stage of flow.stages) {
            const after = stage.dependsOn.length > 0 ? ` after ${stage.dependsOn.join(', ')}` : '';
            const loop = (stage.loops ?? (stage.forEach ? [stage.forEach] : []))
                .map((l) => ` for each ${l.variable} in ${l.over}`)
                .join(',');
            const when = stage.conditions
                .map((c) => ` ${c.kind === 'else' ? `unless ${c.expression}` : `${c.kind} ${c.expression}`}`)
                .join(',');
            const inputs = stage.inputs
                .filter((i) => i.derivation === 'crop')
                .map((i) => ` (${i.parameter} = ${i.expression})`)
                .join('');
            lines.push(`  ${stage.id}${after}${loop}${when}${inputs}`);
        }
    }
    for (const learn of plan.learn) {
        lines.push(
            `learn ${learn.task} using ${learn.model}: ${learn.strategy}, batches of ` +
                `${learn.batch}${learn.budgetLabels !== null ? `, at most ${learn.budgetLabels} labels` : ''}`,
        );
    }
    for (const monitor of plan.monitors) {
        lines.push(
            monitor.kind === 'shift'
                ? `monitor shift of ${monitor.source}${monitor.field ? `.${monitor.field}` : ''} (${monitor.metric})`
                : `monitor predictions of ${monitor.model}`,
        );
    }
    const { totals } = plan;
    lines.push(
        `total: expected cost ${totals.expectedCost === null ? 'unknown (item counts missing)' : usd(totals.expectedCost)}` +
            (totals.budget > 0 ? ` of a ${usd(totals.budget)} budget` : '') +
            (totals.expectedAccuracy !== null ? `; expected accuracy ${pct(totals.expectedAccuracy)}` : ''),
    );
    if (plan.warnings.length > 0) {
        lines.push(`${plural(plan.warnings.length, 'warning')}:`);
        for (const w of plan.warnings) {
            lines.push(`  warning ${w.code}: ${w.message}`);
        }
    }
    return lines;
}

function taskSummary(task: PlanTask): string[] {
    const items = task.cost.items === null ? 'items unknown' : plural(task.cost.items, 'item');
    const r = task.redundancy;
    const lines = [
        `task ${task.name}(${task.input.map((p) => `${p.name}: ${p.type.text}`).join(', ')}) -> ${task.output.text}: ${items}`,
        `  route ${task.route.strategy}${task.route.declared ? '' : ' (default)'}: ${task.route.stopping}`,
        `  quality: target ${pct(task.quality.target)}, ${task.quality.aggregate}, gold ${pct(task.quality.gold)}; ` +
            `answers per item ${round1(r.expectedAnswers)} expected, ${r.maxAnswers} at most; expected accuracy ` +
            `${pct(r.expectedAccuracy)}, ` +
            `${pct(r.reachProbability)} of items reach the target`,
        `  cost: ${usd(task.cost.perItem)} per item` +
            (task.cost.total !== null ? `, ${usd(task.cost.total)} in total` : '') +
            (task.cost.budget !== null ? ` (budget ${usd(task.cost.budget)}${task.cost.withinBudget === false ? ', EXCEEDED' : ''})` : ''),
    ];
    return lines;
}

export function migrationSummary(migration: Migration): string[] {
    const lines = [`${migration.program}: version ${migration.from.version} → ${migration.to.version}`];
    for (const task of migration.tasks) {
        lines.push(`task ${task.task}: ${task.action} (${task.reason})`);
        for (const m of task.members) {
            if (m.action === 'keep') {
                continue;
            }
            const what = m.old === null ? `+ ${m.new.join(', ')}` : m.new.length === 0 ? `- ${m.old}` : `${m.old} → ${m.new.join(', ')}`;
            lines.push(`  ${m.action.padEnd(10)} ${what}`);
        }
    }
    for (const p of migration.problems) {
        lines.push(`error ${p.code}: ${p.message}`);
    }
    return lines;
}

/** What applying a migration did to the stored labels (or that it had been applied before). */
export function appliedSummary(applied: AppliedMigration): string[] {
    if (applied.alreadyApplied) {
        return [`labels: the migration ${applied.from} → ${applied.to} was applied on ${applied.appliedAt}; nothing to do`];
    }
    return applied.tasks
        .filter((t) => t.mapped + t.reasked + t.invalidated + t.review > 0)
        .map(
            (t) =>
                `labels of ${t.task}: ${t.mapped} mapped, ${t.reasked} to re-ask, ${t.invalidated} invalidated, ${t.review} queued ` +
                `for review, ${t.kept} kept (old labels kept as history)`,
        );
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function round1(value: number): number {
    return Math.round(value * 10) / 10;
}
