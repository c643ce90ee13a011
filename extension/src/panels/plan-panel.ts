/**
 * The plan view: one panel per program showing its compiled plan as tables (the webview renders
 * it), refreshed after each compile, with "Open JSON" opening the plan file itself. Comes back
 * after a reload through its serializer.
 */
import * as vscode from 'vscode';
import { planInbound, planPanelState, type HostToPlan, type PlanPanelState } from '../../../webview/src/protocol.js';
import { planPathFor } from '../engine-bridge/local-engine.js';
import { trustedPlanOf, showError, type CommandContext } from '../command-context.js';
import { createPanel, DprogPanel, panelOptions, revivePanel, type PanelOptions } from './dprog-panel.js';

/** The panel's view type (also in package.json's activationEvents and main.ts's serializer). */
export const PLAN_VIEW = 'dprog.plan';

export class PlanPanel extends DprogPanel<HostToPlan> {
    private static readonly open = new Map<string, PlanPanel>();

    static createOrShow(services: CommandContext, program: string): PlanPanel {
        const existing = PlanPanel.open.get(program);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside);
            void existing.load();
            return existing;
        }
        const panel = createPanel(PLAN_VIEW, `Plan: ${program.split(/[\\/]/).pop()}`, PlanPanel.options(services));
        return new PlanPanel(services, panel, { program });
    }

    static revive(services: CommandContext, panel: vscode.WebviewPanel, state: unknown): void {
        revivePanel(panel, state, planPanelState, PlanPanel.options(services), (saved) => new PlanPanel(services, panel, saved));
    }

    private static options(services: CommandContext): PanelOptions {
        return panelOptions(services, { retainContextWhenHidden: false });
    }

    private constructor(
        services: CommandContext,
        panel: vscode.WebviewPanel,
        private readonly state: PlanPanelState,
    ) {
        super(services, panel, { registry: PlanPanel.open, key: state.program, webview: 'plan' });
        // A new compile of this program shows at once.
        services.onDidChangeProgress.event(
            (program) => program === state.program && this.panel.visible && void this.load(),
            null,
            this.disposables,
        );
        void this.load();
    }

    protected receive(raw: unknown): void {
        const parsed = planInbound.safeParse(raw);
        if (!parsed.success) {
            this.services.log.warn('plan panel: dropped an invalid message');
            return;
        }
        if (parsed.data.type === 'openJson') {
            void vscode.window.showTextDocument(vscode.Uri.file(planPathFor(this.state.program)), {
                preview: true,
                viewColumn: vscode.ViewColumn.Active,
            });
            return;
        }
        if (this.readyNeedsContent()) {
            void this.load();
        }
    }

    private async load(): Promise<void> {
        const { program } = this.state;
        try {
            const plan = await trustedPlanOf(this.services, program);
            if (!plan) {
                this.post({
                    type: 'unavailable',
                    message: 'This workspace is not trusted and the program has not been compiled: dprog compiles nothing here.',
                });
                return;
            }
            this.post({ type: 'plan', program, planPath: vscode.workspace.asRelativePath(planPathFor(program)), plan });
        } catch (error) {
            this.post({ type: 'unavailable', message: (error as Error).message });
            showError(this.services, error);
        }
    }
}
