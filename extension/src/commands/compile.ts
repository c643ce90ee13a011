/** `dprog.compile`: compiles the program, writes its plan beside it and shows the plan's summary. */
import * as vscode from 'vscode';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { compileProgram, pickProgram, requireTrust, settings, showError, type CommandContext } from '../command-context.js';
import { checkPlanPaths } from '../workspace-paths.js';
import type { MigrationJson } from '../../../cli/src/json-contracts.js';
import { migrationMarkdown } from './show-migration.js';

export function planSummary(plan: LabelingPlan): string {
    const money = (n: number | null) => (n === null ? 'unknown' : `$${n.toFixed(2)}`);
    const pct = (n: number | null) => (n === null ? 'unknown' : `${(n * 100).toFixed(1)}%`);
    const tasks = plan.tasks.map((t) => `${t.name} (${t.output.text}, ${t.cost.items ?? '?'} items, ${money(t.cost.total)})`).join('; ');
    return (
        `${plan.program} v${plan.version}: ${plan.tasks.length} task(s) — ${tasks}. Expected cost ` +
        `${money(plan.totals.expectedCost)} of budget ${money(plan.totals.budget)}, expected accuracy ` +
        `${pct(plan.totals.expectedAccuracy)}${plan.warnings.length ? `, ${plan.warnings.length} warning(s)` : ''}.`
    );
}

/** Computes each learn task's next batch in the background, so the first labeling or preview panel opens at once. */
function warmUp(services: CommandContext, program: string, plan: LabelingPlan): void {
    try {
        checkPlanPaths(program, plan);
    } catch {
        return; // The panels say why when they open.
    }
    for (const learn of plan.learn) {
        void services.engine
            .sample(program, learn.task, settings().batchSize)
            .catch((error: unknown) => services.log.warn(`active learning for ${learn.task} is not ready: ${String(error)}`));
    }
}

export function registerCompile(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.compile', async (argument?: unknown) => {
        const program = await pickProgram(argument);
        if (!program || !requireTrust('compiling (it writes the plan)')) {
            return;
        }
        try {
            const { plan, planPath } = await compileProgram(services, program);
            const summary = planSummary(plan);
            services.log.info(`compiled: ${summary}`);
            for (const warning of plan.warnings) {
                services.log.warn(`plan ${warning.code}${warning.subject ? ` (${warning.subject})` : ''}: ${warning.message}`);
            }
            warmUp(services, program, plan);
            // With a store, the compiler also reports what changed since the last compiled version.
            const migration = (plan as { migration?: MigrationJson }).migration;
            const changed =
                migration?.tasks?.some((t) => t.action !== 'keep' || (t.members ?? []).some((m) => m.action !== 'keep')) ?? false;
            const choice = await vscode.window.showInformationMessage(
                `dprog: ${summary}${changed ? ' The program changed since the last compile: see what happens to the labels.' : ''} ` +
                    `Plan written to ${vscode.workspace.asRelativePath(planPath)}.`,
                ...(changed ? ['Show Migration', 'Open Plan'] : ['Open Plan']),
            );
            if (choice === 'Open Plan') {
                await vscode.commands.executeCommand('dprog.openPlan', program);
            }
            if (choice === 'Show Migration' && migration) {
                const document = await vscode.workspace.openTextDocument({
                    language: 'markdown',
                    content: migrationMarkdown('the last compiled version', program, migration),
                });
                await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
            }
        } catch (error) {
            showError(services, error);
        }
    });
}
