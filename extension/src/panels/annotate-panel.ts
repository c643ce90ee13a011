/**
 * The annotation panel: one per (program, task). Builds the queue (active-learning batch first),
 * hands messages to an AnnotateSession (validation, durable writes, acks), and comes back after a
 * reload through its serializer. In review mode the queue is the task's contested items instead.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import {
    annotatePanelState,
    annotateReadyMessage,
    type AnnotateMode,
    type AnnotatePanelState,
    type HostToAnnotate,
    type PreLabelView,
} from '../../../webview/src/protocol.js';
import { NotAvailableError, type SampleResult } from '../engine-bridge/dprog-engine.js';
import { taskView, type Queue } from './label-queue.js';
import { teamQueue } from './team-queue.js';
import { taskModels } from '../engine-bridge/pre-labels.js';
import { buildReviewQueue } from './review-queue.js';
import { isTrusted, trustedPlanOf, settings, showError, storePathFor, type CommandContext } from '../command-context.js';
import { AnnotateSession } from './annotate-session.js';
import { createPanel, DprogPanel, panelOptions, revivePanel, type PanelOptions } from './dprog-panel.js';
import { dataResourceRoots } from '../workspace-paths.js';

/** What a panel says in an untrusted workspace (with a Manage Workspace Trust notification beside it). */
export const UNTRUSTED_PANEL =
    'This workspace is not trusted, so dprog reads no plan, data or model file here and runs nothing. Trust the workspace (Manage ' +
    'Workspace Trust) to label.';

/** The panel's view type (also in package.json's activationEvents and main.ts's serializer). */
export const ANNOTATE_VIEW = 'dprog.annotate';

export class AnnotatePanel extends DprogPanel<HostToAnnotate> {
    private static readonly open = new Map<string, AnnotatePanel>();
    /** Created when the panel opens; recreated on the next message when it failed. */
    private session: Promise<AnnotateSession | undefined> | undefined;
    /** The session, once created. */
    private live: AnnotateSession | undefined;
    /** When the panel was opened, until the webview's first message (the panel-open time's breakdown). */
    private bootStartedAt: number | undefined = performance.now();
    /** This panel holds leases on a shared store (released when it closes). */
    private leasing = false;

    /** Opens (or reveals) the panel of a task; `mode` switches an open panel to labeling or review. */
    static createOrShow(services: CommandContext, program: string, task: string, mode?: AnnotateMode): AnnotatePanel {
        const existing = AnnotatePanel.open.get(`${program}#${task}`);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside);
            if (mode && mode !== (existing.live?.mode ?? existing.state.mode ?? 'label')) {
                existing.state.mode = mode;
                // As if the webview asked: the session validates it like any message and sends the new queue.
                if (existing.live) {
                    void existing.receive({ type: 'ready', mode });
                }
            }
            return existing;
        }
        const panel = createPanel(ANNOTATE_VIEW, `Label: ${task}`, AnnotatePanel.options(services, program));
        return new AnnotatePanel(services, panel, { program, task, mode });
    }

    /** Restores a panel after a window reload, from the state the webview saved. */
    static revive(services: CommandContext, panel: vscode.WebviewPanel, state: unknown): void {
        const options = (saved: AnnotatePanelState) => AnnotatePanel.options(services, saved.program);
        if (!revivePanel(panel, state, annotatePanelState, options, (saved) => new AnnotatePanel(services, panel, saved))) {
            services.log.warn('annotation panel: no usable saved state; closing it');
        }
    }

    private static options(services: CommandContext, program: string): PanelOptions {
        // Only the folders the program's datasets live in (images are loaded from there), inside the
        // workspace folder; in an untrusted workspace none, and no plan file is read to find them.
        const dataFolders = isTrusted() ? dataResourceRoots(program, services.engine.cachedPlan(program)) : [];
        return panelOptions(services, { retainContextWhenHidden: true, dataFolders });
    }

    private constructor(
        services: CommandContext,
        panel: vscode.WebviewPanel,
        private readonly state: AnnotatePanelState,
    ) {
        super(services, panel, {
            registry: AnnotatePanel.open,
            key: `${state.program}#${state.task}`,
            webview: 'annotate',
            contentMetric: 'labeling panel content',
        });
        // The queue is built while the webview boots and posted as soon as it is built.
        this.session = this.createSession();
        void this.showFirstContent();
    }

    /** Posts the first queue (or why there is none) as soon as the session has it. */
    private async showFirstContent(): Promise<void> {
        const session = await this.sessionOrReason();
        await session?.showFirst();
    }

    /** The session, or undefined after posting why there is none (the next message tries again). */
    private async sessionOrReason(): Promise<AnnotateSession | undefined> {
        let session: AnnotateSession | undefined;
        try {
            this.session ??= this.createSession();
            session = await this.session;
        } catch (error) {
            this.session = undefined;
            const text = error instanceof Error ? error.message : String(error);
            this.post({ type: 'unavailable', message: text });
            if (!(error instanceof NotAvailableError)) {
                showError(this.services, error);
            }
            return undefined;
        }
        if (!session) {
            this.post({ type: 'unavailable', message: UNTRUSTED_PANEL });
        }
        return session;
    }

    protected async receive(message: unknown): Promise<void> {
        if (this.bootStartedAt !== undefined) {
            this.services.metrics.record('labeling webview ready', performance.now() - this.bootStartedAt);
            this.bootStartedAt = undefined;
        }
        if (isBootReady(message) && !this.readyNeedsContent()) {
            return;
        }
        const session = await this.sessionOrReason();
        await session?.handle(message);
    }

    private async createSession(): Promise<AnnotateSession | undefined> {
        const { program, task: taskName } = this.state;
        const plan = await trustedPlanOf(this.services, program);
        if (!plan) {
            return undefined;
        }
        const task = plan.tasks.find((t) => t.name === taskName);
        if (!task) {
            throw new Error(`${path.basename(program)} has no task '${taskName}' (tasks: ${plan.tasks.map((t) => t.name).join(', ')})`);
        }
        const { labelerName: labeler, person } = settings();
        const view = taskView(plan, task, labeler);
        const access = isTrusted() ? await this.services.engine.prepareToLabel(program) : undefined;
        if (access && !access.writable) {
            this.offerToWait(program, access.reason);
        }
        const load = (mode: AnnotateMode) =>
            mode === 'review' ? this.loadReview(plan, task, labeler) : this.loadInit(plan, task, labeler);
        // The first queue is built now; the webview's first `ready` takes it.
        const initialMode = this.state.mode ?? 'label';
        let prefetched: Promise<HostToAnnotate> | undefined = load(initialMode);
        prefetched.catch(() => undefined);
        this.live = new AnnotateSession({
            task: view,
            labeler,
            programVersion: plan.hash,
            writable: access?.writable === true,
            readonlyReason: access && !access.writable ? `${access.reason}; use "Wait for the Writer" to label here` : undefined,
            mode: this.state.mode,
            loadInit: (mode) => {
                const init = prefetched && mode === initialMode ? prefetched : load(mode);
                prefetched = undefined;
                return init;
            },
            addLabel: (label) =>
                this.services.engine.addLabel(program, {
                    ...label,
                    person: label.labelerKind === 'human' ? (label.person ?? person) : label.person,
                }),
            post: (m) => this.post(m),
            log: (line) => this.services.log.info(line),
            onLabeled: (_label, durableMs) => {
                this.services.metrics.record('label durable', durableMs);
                this.services.onDidChangeProgress.fire(program);
            },
            preLabel: this.onDemandModels(plan, task).length > 0 ? (keys) => this.preLabel(task, keys) : undefined,
        });
        return this.live;
    }

    /** The task's models that run on items without a stored answer (none in an untrusted workspace: no model runs there). */
    private onDemandModels(plan: LabelingPlan, task: PlanTask): string[] {
        return isTrusted() && task.dataset ? taskModels(plan, task).map((m) => m.name) : [];
    }

    /** Runs the task's models on the items (read from the task's dataset) for pre-labels. */
    private async preLabel(task: PlanTask, keys: string[]): Promise<Map<string, PreLabelView[]>> {
        const started = performance.now();
        if (!task.dataset) {
            return new Map();
        }
        const wanted = new Set(keys);
        const items = (await this.services.engine.datasetItems(this.state.program, task.dataset))
            .filter((item) => wanted.has(item.key))
            .map((item) => ({ key: item.key, fields: item.fields }));
        const answers = await this.services.engine.preLabel(this.state.program, task.name, items);
        this.services.metrics.record('pre-labels', performance.now() - started);
        return answers;
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
        if (!isTrusted()) {
            notes.push('This workspace is not trusted: labels cannot be saved.');
        }
        await this.services.engine.aggregated(program);
        const { person, leaseMs } = settings();
        const shared = /^postgres(ql)?:\/\//i.test(storePathFor(program)) && isTrusted();
        const { queue, note } = await teamQueue({
            engine: this.services.engine,
            program,
            plan,
            task,
            labeler,
            person,
            shared,
            leaseMs,
            batch,
            items: task.dataset ? await this.services.engine.datasetItems(program, task.dataset) : undefined,
            imageUri: (relative) => this.imageUri(relative),
        });
        this.leasing ||= shared;
        if (note) {
            notes.push(note);
        }
        return this.initMessage('label', plan, task, labeler, queue, notes);
    }

    /** A second window on a busy embedded store: say so, and offer to wait for the writer. */
    private offerToWait(program: string, reason: string): void {
        void vscode.window
            .showWarningMessage(
                `dprog: ${reason}. You can browse labels; to label here, wait for the other writer to finish.`,
                'Wait for the Writer',
            )
            .then(async (choice) => {
                if (!choice) {
                    return;
                }
                await vscode.window.withProgress(
                    {
                        location: vscode.ProgressLocation.Notification,
                        title: 'dprog: waiting for the other writer of the label store…',
                        cancellable: true,
                    },
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
        const [labels, aggregates] = await Promise.all([
            this.services.engine.labels(program, task.name),
            this.services.engine.aggregates(program, task.name),
        ]);
        const queue = buildReviewQueue({
            programDir: path.dirname(program),
            plan,
            task,
            labels,
            aggregates,
            items: task.dataset ? await this.services.engine.datasetItems(program, task.dataset) : undefined,
            reviewer: labeler,
            imageUri: (relative) => this.imageUri(relative),
        });
        const notes: string[] = [];
        if (queue.contested === 0) {
            notes.push(
                queue.done > 0
                    ? `No disagreements left: you have reviewed all ${queue.done}.`
                    : 'No disagreements: every labeled item has one answer so far.',
            );
        }
        if (!isTrusted()) {
            notes.push('This workspace is not trusted: answers cannot be saved.');
        }
        return this.initMessage('review', plan, task, labeler, queue, notes);
    }

    /** The `init` message of either mode: the task, its queue, and what the person should know. */
    private initMessage(
        mode: AnnotateMode,
        plan: LabelingPlan,
        task: PlanTask,
        labeler: string,
        queue: Queue,
        notes: string[],
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
            preLabelModels: mode === 'label' ? this.onDemandModels(plan, task) : [],
        };
    }

    /** A data file's address inside the webview (paths in the data are relative to the program). */
    private imageUri(relative: string): string {
        const file = path.resolve(path.dirname(this.state.program), relative);
        return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
    }

    protected override onDisposed(): void {
        // Items handed to this person go back to the team's queue (they would expire anyway).
        if (this.leasing) {
            void this.services.engine.releaseLeases(this.state.program, this.state.task, settings().person).catch(() => undefined);
        }
    }
}

/** The page's own `ready` as it boots (a `ready` with a mode is a request to switch). */
function isBootReady(message: unknown): boolean {
    const ready = annotateReadyMessage.safeParse(message);
    return ready.success && ready.data.mode === undefined;
}
