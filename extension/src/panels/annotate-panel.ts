/**
 * The annotation panel: one per (program, task). Builds the queue (active-learning batch first),
 * hands messages to an AnnotateSession (validation, durable writes, acks), and comes back after a
 * reload through its serializer. In review mode the queue is the task's contested items instead.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import { annotatePanelState, type AnnotateMode, type AnnotatePanelState, type HostToAnnotate } from '../../../webview/src/protocol.js';
import { NotAvailableError, type SampleResult } from '../engine/engine.js';
import { buildQueue, taskView, type Queue } from '../engine/label-queue.js';
import { buildReviewQueue } from '../engine/review-queue.js';
import { isTrusted, planOf, settings, showError, storePathFor, type DprogServices } from '../services.js';
import { AnnotateSession } from './annotate-session.js';
import { resourceRoots, webviewHtml } from './webview-html.js';
import { dataResourceRoots } from '../workspace-paths.js';

/** What a panel says in an untrusted workspace (with a Manage Workspace Trust notification beside it). */
export const UNTRUSTED_PANEL =
    'This workspace is not trusted, so dprog reads no plan, data or model file here and runs nothing. Trust the workspace (Manage Workspace Trust) to label.';

/** The panel's view type (also in package.json's activationEvents and main.ts's serializer). */
export const ANNOTATE_VIEW = 'dprog.annotate';

/** Items handed to one person at a time on a shared store (the rest stay free for others). */
const LEASED_AT_ONCE = 20;

export class AnnotatePanel {
    private static readonly open = new Map<string, AnnotatePanel>();
    private readonly disposables: vscode.Disposable[] = [];
    private session: AnnotateSession | undefined;
    /** This panel holds leases on a shared store (released when it closes). */
    private leasing = false;

    /** Opens (or reveals) the panel of a task; `mode` switches an open panel to labeling or review. */
    static createOrShow(services: DprogServices, program: string, task: string, mode?: AnnotateMode): AnnotatePanel {
        const id = `${program}#${task}`;
        const existing = AnnotatePanel.open.get(id);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside);
            if (mode && mode !== (existing.session?.mode ?? existing.state.mode ?? 'label')) {
                existing.state.mode = mode;
                // As if the webview asked: the session validates it like any message and sends the new queue.
                if (existing.session) void existing.receive({ type: 'ready', mode });
            }
            return existing;
        }
        const panel = vscode.window.createWebviewPanel(ANNOTATE_VIEW, `Label: ${task}`, vscode.ViewColumn.Beside, AnnotatePanel.options(services, program));
        return new AnnotatePanel(services, panel, { program, task, mode });
    }

    /** Restores a panel after a window reload, from the state the webview saved. */
    static revive(services: DprogServices, panel: vscode.WebviewPanel, state: unknown): void {
        const parsed = annotatePanelState.safeParse(state);
        if (!parsed.success) {
            services.log.warn('annotation panel: no usable saved state; closing it');
            panel.dispose();
            return;
        }
        panel.webview.options = AnnotatePanel.options(services, parsed.data.program);
        new AnnotatePanel(services, panel, parsed.data);
    }

    private static options(services: DprogServices, program: string): vscode.WebviewPanelOptions & vscode.WebviewOptions {
        // Only the folders the program's datasets live in (images are loaded from there), inside the
        // workspace folder; in an untrusted workspace none, and no plan file is read to find them.
        const dataFolders = isTrusted() ? dataResourceRoots(program, services.engine.cachedPlan(program)) : [];
        return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: resourceRoots(services.context.extensionUri, dataFolders) };
    }

    private constructor(
        private readonly services: DprogServices,
        readonly panel: vscode.WebviewPanel,
        private readonly state: AnnotatePanelState,
    ) {
        AnnotatePanel.open.set(this.id, this);
        panel.webview.html = webviewHtml(panel.webview, services.context.extensionUri, 'annotate', panel.title);
        panel.onDidDispose(() => this.dispose(), null, this.disposables);
        panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), null, this.disposables);
    }

    private get id(): string {
        return `${this.state.program}#${this.state.task}`;
    }

    private async receive(message: unknown): Promise<void> {
        if (!this.session) {
            try {
                this.session = await this.createSession();
            } catch (error) {
                const text = error instanceof Error ? error.message : String(error);
                this.post({ type: 'unavailable', message: text });
                if (!(error instanceof NotAvailableError)) showError(this.services, error);
                return;
            }
            if (!this.session) return;
        }
        await this.session.handle(message);
    }

    private async createSession(): Promise<AnnotateSession | undefined> {
        const { program, task: taskName } = this.state;
        const plan = await planOf(this.services, program);
        if (!plan) {
            this.post({ type: 'unavailable', message: UNTRUSTED_PANEL });
            return undefined;
        }
        const task = plan.tasks.find((t) => t.name === taskName);
        if (!task) throw new Error(`${path.basename(program)} has no task '${taskName}' (tasks: ${plan.tasks.map((t) => t.name).join(', ')})`);
        const { labelerName: labeler, person } = settings();
        const view = taskView(plan, task, labeler);
        const access = isTrusted() ? await this.services.engine.prepareToLabel(program) : undefined;
        if (access && !access.writable) this.offerToWait(program, access.reason);
        return new AnnotateSession({
            task: view,
            labeler,
            programVersion: plan.hash,
            writable: access?.writable === true,
            readonlyReason: access && !access.writable ? `${access.reason}; use "Wait for the Writer" to label here` : undefined,
            mode: this.state.mode,
            loadInit: (mode) => (mode === 'review' ? this.loadReview(plan, task, labeler) : this.loadInit(plan, task, labeler)),
            addLabel: (label) => this.services.engine.addLabel(program, { ...label, person: label.labelerKind === 'human' ? (label.person ?? person) : label.person }),
            post: (m) => this.post(m),
            log: (line) => this.services.log.info(line),
            onLabeled: (_label, durableMs) => {
                this.services.metrics.record('label durable', durableMs);
                this.services.onDidChangeProgress.fire(program);
            },
        });
    }

    private async loadInit(plan: LabelingPlan, task: PlanTask, labeler: string): Promise<HostToAnnotate> {
        const { program } = this.state;
        const notes: string[] = [];
        let batch: SampleResult | undefined;
        if (plan.learn.some((l) => l.task === task.name)) {
            if (!isTrusted()) {
                notes.push('Untrusted workspace: no model runs, so items are in file order, not by active learning.');
            } else {
                try {
                    batch = await this.services.engine.sample(program, task.name, settings().batchSize);
                } catch (error) {
                    notes.push(`Active learning is not available: ${(error as Error).message.split('\n')[0]}`);
                    this.services.log.warn(`sampling for the labeling queue failed: ${String(error)}`);
                }
            }
        }
        if (!isTrusted()) notes.push('This workspace is not trusted: labels cannot be saved.');
        const labels = await this.services.engine.labels(program, task.name);
        const queue = buildQueue({
            programDir: path.dirname(program),
            plan,
            task,
            labels,
            batch,
            imageUri: (relative) => this.imageUri(relative),
        });
        return this.initMessage('label', plan, task, labeler, await this.leased(queue), notes);
    }

    /** On a shared (PostgreSQL) store, only the items handed to this person for now; see Store.lease. */
    private async leased(queue: Queue): Promise<Queue> {
        if (!/^postgres(ql)?:\/\//i.test(storePathFor(this.state.program)) || !isTrusted()) return queue;
        const { person, leaseMs } = settings();
        const leases = await this.services.engine.lease(this.state.program, {
            task: this.state.task,
            person,
            candidates: queue.items.map((item) => item.key),
            limit: LEASED_AT_ONCE,
            leaseMs,
        });
        this.leasing = true;
        const mine = new Set(leases.map((l) => l.item));
        return { ...queue, items: queue.items.filter((item) => mine.has(item.key)) };
    }

    /** A second window on a busy embedded store: say so, and offer to wait for the writer. */
    private offerToWait(program: string, reason: string): void {
        void vscode.window.showWarningMessage(`dprog: ${reason}. You can browse labels; to label here, wait for the other writer to finish.`, 'Wait for the Writer').then(async (choice) => {
            if (!choice) return;
            await vscode.window.withProgress(
                { location: vscode.ProgressLocation.Notification, title: 'dprog: waiting for the other writer of the label store…', cancellable: true },
                async (_progress, token) => {
                    const abort = new AbortController();
                    token.onCancellationRequested(() => abort.abort());
                    await this.services.engine.waitForWriter(program, { signal: abort.signal });
                },
            );
            if (this.session) {
                this.session = undefined;
                await this.receive({ type: 'ready', mode: this.state.mode ?? 'label' });
            }
        });
    }

    /** The review queue: the task's contested items, most contested first, with the answers given. */
    private async loadReview(plan: LabelingPlan, task: PlanTask, labeler: string): Promise<HostToAnnotate> {
        const { program } = this.state;
        const [labels, aggregates] = await Promise.all([this.services.engine.labels(program, task.name), this.services.engine.aggregates(program, task.name)]);
        const queue = buildReviewQueue({
            programDir: path.dirname(program),
            plan,
            task,
            labels,
            aggregates,
            reviewer: labeler,
            imageUri: (relative) => this.imageUri(relative),
        });
        const notes: string[] = [];
        if (queue.contested === 0) notes.push(queue.done > 0 ? `No disagreements left: you have reviewed all ${queue.done}.` : 'No disagreements: every labeled item has one answer so far.');
        if (!isTrusted()) notes.push('This workspace is not trusted: answers cannot be saved.');
        return this.initMessage('review', plan, task, labeler, queue, notes);
    }

    /** The `init` message of either mode: the task, its queue, and what the person should know. */
    private initMessage(
        mode: AnnotateMode, plan: LabelingPlan, task: PlanTask, labeler: string,
        queue: Queue, notes: string[],
    ): HostToAnnotate {
        return {
            type: 'init',
            program: this.state.program,
            mode,
            task: taskView(plan, task, labeler),
            items: queue.items,
            done: queue.done,
            planned: queue.planned,
            labeler,
            writable: isTrusted(),
            notice: notes.length > 0 ? notes.join(' ') : null,
        };
    }

    /** A data file's address inside the webview (paths in the data are relative to the program). */
    private imageUri(relative: string): string {
        const file = path.resolve(path.dirname(this.state.program), relative);
        return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
    }

    private post(message: HostToAnnotate): void {
        void this.panel.webview.postMessage(message);
    }

    private dispose(): void {
        AnnotatePanel.open.delete(this.id);
        for (const d of this.disposables.splice(0)) d.dispose();
        // Items handed to this person go back to the team's queue (they would expire anyway).
        if (this.leasing) void this.services.engine.releaseLeases(this.state.program, this.state.task, settings().person).catch(() => undefined);
    }
}
