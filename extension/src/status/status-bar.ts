/**
 * The status-bar item: `dprog: 2 errors` while the program has errors, else
 * `dprog: 812/3,000 labeled · $41.20` once it is compiled; `dprog (restricted)` in an untrusted workspace.
 */
import * as vscode from 'vscode';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { routedByPolicy } from '../../../engine/src/executor/task-routing.js';
import { personEstimateLine } from '../engine-bridge/person-estimate.js';
import { isTrusted, settings, type CommandContext } from '../command-context.js';

export class StatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem('dprog.status', vscode.StatusBarAlignment.Left, 50);
    private readonly disposables: vscode.Disposable[] = [this.item];
    private timer: NodeJS.Timeout | undefined;

    constructor(
        private readonly services: CommandContext,
        /** Called after progress was read (CodeLens shows the counts). */
        private readonly onProgress: () => void = () => undefined,
    ) {
        this.item.name = 'dprog';
        this.disposables.push(
            vscode.languages.onDidChangeDiagnostics(() => this.schedule()),
            vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
            services.onDidChangeProgress.event(() => this.schedule()),
            vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
        );
        this.schedule();
    }

    /** The program the status bar is about: the active .dprog file. */
    private program(): vscode.TextDocument | undefined {
        const document = vscode.window.activeTextEditor?.document;
        return document?.languageId === 'dprog' ? document : undefined;
    }

    private schedule(): void {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.update(), 150);
    }

    private async update(): Promise<void> {
        const document = this.program();
        if (!document) {
            this.item.hide();
            return;
        }
        const diagnostics = vscode.languages.getDiagnostics(document.uri);
        const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
        this.item.command = errors > 0 ? 'workbench.actions.view.problems' : 'dprog.openLabelingPanel';
        if (errors > 0) {
            this.item.text = `$(error) dprog: ${errors} error${errors === 1 ? '' : 's'}`;
            this.item.tooltip = 'The program has errors: see the Problems panel.';
            this.item.show();
            return;
        }
        if (!isTrusted()) {
            this.item.text = '$(shield) dprog (restricted)';
            this.item.tooltip = 'Untrusted workspace: dprog checks the program but runs no model and writes nothing.';
            this.item.command = 'workbench.trust.manage';
            this.item.show();
            return;
        }
        const plan = this.services.engine.cachedPlan(document.uri.fsPath);
        if (!plan) {
            this.item.text = '$(check) dprog: not compiled';
            this.item.tooltip = 'No errors. Run "Data Program: Compile" to see the plan, its cost and progress.';
            this.item.command = 'dprog.compile';
            this.item.show();
            return;
        }
        try {
            const progress = await this.services.engine.progress(document.uri.fsPath, plan);
            this.services.progress.set(document.uri.fsPath, progress);
            this.onProgress();
            const done = progress.tasks.reduce((n, t) => n + t.done, 0);
            const planned = progress.tasks.every((t) => t.planned !== null)
                ? progress.tasks.reduce((n, t) => n + (t.planned ?? 0), 0)
                : null;
            const accuracy = plan.totals.expectedAccuracy;
            const of = planned === null ? '?' : planned.toLocaleString('en-US');
            const acc = accuracy !== null ? ` · acc ${accuracy.toFixed(2)}` : '';
            this.item.text = `$(tag) dprog: ${done.toLocaleString('en-US')}/${of} labeled · $${progress.cost.toFixed(2)}${acc}`;
            const perTask = progress.tasks.map((t) => `${t.task}: ${t.done}/${t.planned ?? '?'} labeled by people`);
            const yours = await this.yourEstimates(document.uri.fsPath, plan);
            this.item.tooltip =
                `${perTask.join('\n')}\nExpected accuracy from the plan; cost of labels given so far.` +
                (yours.length > 0 ? `\n${yours.join('\n')}` : '');
        } catch (error) {
            this.item.text = '$(warning) dprog';
            this.item.tooltip = `Cannot read the label store: ${(error as Error).message}`;
        }
        this.item.show();
    }

    /** Your own estimate (`dprog.labeler` within `dprog.labelerName`) in each task the routing policy decides. */
    private async yourEstimates(program: string, plan: LabelingPlan): Promise<string[]> {
        const { labelerName, person } = settings();
        const lines: string[] = [];
        for (const task of plan.tasks.filter(routedByPolicy)) {
            const estimates = await this.services.engine.labelerEstimates(program, task.name);
            lines.push(personEstimateLine(task.name, estimates, labelerName, person));
        }
        return lines;
    }

    dispose(): void {
        clearTimeout(this.timer);
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}
