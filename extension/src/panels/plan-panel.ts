/**
 * The plan view: one panel per program showing its compiled plan as tables (the webview renders
 * it), refreshed after each compile, with "Open JSON" opening the plan file itself. Comes back
 * after a reload through its serializer.
 */
import * as vscode from 'vscode';
import { planInbound, planPanelState, type HostToPlan, type PlanPanelState } from '../../../webview/src/protocol.js';
import { planPathFor } from '../engine-bridge/local-engine.js';
import { trustedPlanOf, showError, type CommandContext } from '../command-context.js';
import { resourceRoots, webviewHtml } from './webview-html.js';

/** The panel's view type (also in package.json's activationEvents and main.ts's serializer). */
export const PLAN_VIEW = 'dprog.plan';

export class PlanPanel {
    private static readonly open = new Map<string, PlanPanel>();
    private readonly disposables: vscode.Disposable[] = [];
    private disposed = false;

    static createOrShow(services: CommandContext, program: string): PlanPanel {
        const existing = PlanPanel.open.get(program);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside);
            void existing.load();
            return existing;
        }
        const panel = vscode.window.createWebviewPanel(
            PLAN_VIEW,
            `Plan: ${program.split(/[\\/]/).pop()}`,
            vscode.ViewColumn.Beside,
            PlanPanel.options(services),
        );
        return new PlanPanel(services, panel, { program });
    }

    static revive(services: CommandContext, panel: vscode.WebviewPanel, state: unknown): void {
        const parsed = planPanelState.safeParse(state);
        if (!parsed.success) {
            panel.dispose();
            return;
        }
        panel.webview.options = PlanPanel.options(services);
        new PlanPanel(services, panel, parsed.data);
    }

    private static options(services: CommandContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
        return { enableScripts: true, localResourceRoots: resourceRoots(services.context.extensionUri) };
    }

    private constructor(
        private readonly services: CommandContext,
        readonly panel: vscode.WebviewPanel,
        private readonly state: PlanPanelState,
    ) {
        PlanPanel.open.set(state.program, this);
        panel.webview.html = webviewHtml(panel.webview, services.context.extensionUri, 'plan', panel.title);
        panel.onDidDispose(() => this.dispose(), null, this.disposables);
        panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), null, this.disposables);
        // A new compile of this program shows at once.
        services.onDidChangeProgress.event(
            (program) => program === state.program && this.panel.visible && void this.load(),
            null,
            this.disposables,
        );
    }

    private receive(raw: unknown): void {
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
        void this.load();
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

    private post(message: HostToPlan): void {
        if (this.disposed) {
            return;
        }
        this.panel.webview.postMessage(message).then(undefined, () => undefined);
    }

    private dispose(): void {
        this.disposed = true;
        PlanPanel.open.delete(this.state.program);
        for (const d of this.disposables.splice(0)) {
            d.dispose();
        }
    }
}
