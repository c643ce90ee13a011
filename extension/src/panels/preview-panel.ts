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
import { createPanel, DprogPanel, panelOptions, revivePanel, type PanelOptions } from './dprog-panel.js';

/** The panel's view type (also in package.json's activationEvents and main.ts's serializer). */
export const PREVIEW_VIEW = 'dprog.preview';

export class PreviewPanel extends DprogPanel<HostToPreview> {
    private static readonly open = new Map<string, PreviewPanel>();
    private loading: Promise<void> | undefined;
    private prefetched: Promise<HostToPreview> | undefined;

    static createOrShow(services: CommandContext, program: string, task: string): PreviewPanel {
        const existing = PreviewPanel.open.get(`${program}#${task}`);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside);
            void existing.refresh();
            return existing;
        }
        const panel = createPanel(PREVIEW_VIEW, `Preview: ${task}`, PreviewPanel.options(services));
        return new PreviewPanel(services, panel, { program, task });
    }

    static revive(services: CommandContext, panel: vscode.WebviewPanel, state: unknown): void {
        revivePanel(panel, state, previewPanelState, PreviewPanel.options(services), (saved) => new PreviewPanel(services, panel, saved));
    }

    private static options(services: CommandContext): PanelOptions {
        return panelOptions(services, { retainContextWhenHidden: true });
    }

    private constructor(
        services: CommandContext,
        panel: vscode.WebviewPanel,
        private readonly state: PreviewPanelState,
    ) {
        super(services, panel, {
            registry: PreviewPanel.open,
            key: `${state.program}#${state.task}`,
            webview: 'preview',
            contentMetric: 'preview panel content',
        });
        // Computed while the webview boots, and posted as soon as it is computed.
        this.prefetched = this.load();
        this.prefetched.catch(() => undefined);
        void this.refresh();
    }

    protected receive(raw: unknown): void {
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
        if (message.type === 'ready' && !this.readyNeedsContent()) {
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
}
