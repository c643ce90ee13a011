/**
 * The active-learning preview: the next batch with scores and reasons, the score distribution over
 * the unlabeled pool, the learning curve across model versions, and monitor alerts. Everything
 * shown is computed by the engine; what it cannot compute yet is listed as "not available".
 */
import * as vscode from 'vscode';
import type { LabelingPlan, PlanLearn } from '../../../engine/src/plan/types.js';
import { previewInbound, previewPanelState, type HostToPreview, type PreviewPanelState } from '../../../webview/src/protocol.js';
import { isTrusted, trustedPlanOf, settings, showError, type CommandContext } from '../command-context.js';
import { previewMessage } from './preview-content.js';
import { resourceRoots, webviewHtml } from './webview-html.js';

/** The panel's view type (also in package.json's activationEvents and main.ts's serializer). */
export const PREVIEW_VIEW = 'dprog.preview';

export class PreviewPanel {
    private static readonly open = new Map<string, PreviewPanel>();
    private readonly disposables: vscode.Disposable[] = [];
    private loading: Promise<void> | undefined;
    private prefetched: Promise<HostToPreview> | undefined;
    /** When the panel was opened, until its first content is posted (the panel-open time). */
    private openedAt: number | undefined = performance.now();
    private disposed = false;

    static createOrShow(services: CommandContext, program: string, task: string): PreviewPanel {
        const id = `${program}#${task}`;
        const existing = PreviewPanel.open.get(id);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside);
            void existing.refresh();
            return existing;
        }
        const panel = vscode.window.createWebviewPanel(
            PREVIEW_VIEW,
            `Preview: ${task}`,
            vscode.ViewColumn.Beside,
            PreviewPanel.options(services),
        );
        return new PreviewPanel(services, panel, { program, task });
    }

    static revive(services: CommandContext, panel: vscode.WebviewPanel, state: unknown): void {
        const parsed = previewPanelState.safeParse(state);
        if (!parsed.success) {
            panel.dispose();
            return;
        }
        panel.webview.options = PreviewPanel.options(services);
        new PreviewPanel(services, panel, parsed.data);
    }

    private static options(services: CommandContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
        return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: resourceRoots(services.context.extensionUri) };
    }

    private constructor(
        private readonly services: CommandContext,
        readonly panel: vscode.WebviewPanel,
        private readonly state: PreviewPanelState,
    ) {
        PreviewPanel.open.set(this.id, this);
        panel.webview.html = webviewHtml(panel.webview, services.context.extensionUri, 'preview', panel.title);
        panel.onDidDispose(() => this.dispose(), null, this.disposables);
        panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), null, this.disposables);
        // Computed while the webview boots; shown when it says it is ready.
        this.prefetched = this.load();
        this.prefetched.catch(() => undefined);
    }

    private get id(): string {
        return `${this.state.program}#${this.state.task}`;
    }

    private receive(raw: unknown): void {
        const parsed = previewInbound.safeParse(raw);
        if (!parsed.success) {
            this.services.log.warn(`preview panel: dropped an invalid message`);
            return;
        }
        const message = parsed.data;
        if (message.type === 'openLabeling') {
            void vscode.commands.executeCommand('dprog.openLabelingPanel', this.state.program, message.task);
            return;
        }
        void this.refresh();
    }

    /** Recomputes everything (one computation at a time); the first time, takes what was computed while the webview booted. */
    refresh(): Promise<void> {
        this.loading ??= this.show().finally(() => (this.loading = undefined));
        return this.loading;
    }

    private async show(): Promise<void> {
        const prefetched = this.prefetched;
        this.prefetched = undefined;
        if (!prefetched) {
            this.post({ type: 'busy', message: `Scoring the pool of ${this.state.task}…` });
        }
        try {
            this.post(await (prefetched ?? this.load()));
        } catch (error) {
            this.post({ type: 'unavailable', message: (error as Error).message });
            showError(this.services, error);
        }
    }

    /** The panel's content (or why there is none). */
    private async load(): Promise<HostToPreview> {
        const { program, task } = this.state;
        const untrusted =
            'This workspace is not trusted, so dprog reads no plan, data or model file here and runs no model: there is no ' +
            'preview. Trust the workspace (Manage Workspace Trust) to see it.';
        const plan = await trustedPlanOf(this.services, program);
        if (!plan) {
            return { type: 'unavailable', message: untrusted };
        }
        const learn = plan.learn.find((l) => l.task === task);
        if (!learn) {
            return {
                type: 'unavailable',
                message: `Task ${task} has no \`learn ${task} using …\` block, so there is no active learning to preview.`,
            };
        }
        if (!isTrusted()) {
            return { type: 'unavailable', message: untrusted };
        }
        return this.compute(plan, learn);
    }

    private async compute(plan: LabelingPlan, learn: PlanLearn): Promise<HostToPreview> {
        const { program, task } = this.state;
        const engine = this.services.engine;
        // The same sample the labeling queue uses (computed once per store state); the pool's scores come with it.
        const batch = await engine.sample(program, task, settings().batchSize);
        const curve = await engine.learningCurve(program, learn.model);
        const testSetUses = await engine.testSetUses(program);
        return previewMessage({ plan, learn, program, task, batch, curve, testSetUses });
    }

    /** Posts to the webview unless the panel is gone; the first content posted ends the panel-open time. */
    private post(message: HostToPreview): void {
        if (this.disposed) {
            return;
        }
        if (message.type !== 'busy' && this.openedAt !== undefined) {
            this.services.metrics.record('preview panel content', performance.now() - this.openedAt);
            this.openedAt = undefined;
        }
        this.panel.webview.postMessage(message).then(undefined, () => undefined);
    }

    private dispose(): void {
        this.disposed = true;
        PreviewPanel.open.delete(this.id);
        for (const d of this.disposables.splice(0)) {
            d.dispose();
        }
    }
}
