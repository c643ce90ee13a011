/**
 * What the three dprog panels (labeling, preview, plan) share: one panel per key, revealed when
 * asked for again; the HTML shell; messages to the webview only while the panel is open; and the
 * panel-open time (panel created → first content posted).
 *
 * A panel posts its first content as soon as it is computed, without waiting for the webview to
 * say it is ready: VS Code holds messages until the page has loaded, so the content arrives the
 * moment the page can show it (the webview's `ready` round trip came after a page load that
 * already takes a second in a browser). The webview's first `ready` is therefore answered already;
 * every later one (the page was reloaded, or the person asked again) gets fresh content.
 */
import * as vscode from 'vscode';
import type { CommandContext } from '../command-context.js';
import { resourceRoots, webviewHtml, type WebviewName } from './webview-html.js';

export type PanelOptions = vscode.WebviewPanelOptions & vscode.WebviewOptions;

/** A panel's options: scripts on, the extension's and the given data folders as resource roots. */
export function panelOptions(
    services: CommandContext,
    options: { retainContextWhenHidden: boolean; dataFolders?: readonly vscode.Uri[] },
): PanelOptions {
    return {
        enableScripts: true,
        retainContextWhenHidden: options.retainContextWhenHidden,
        localResourceRoots: resourceRoots(services.context.extensionUri, options.dataFolders),
    };
}

/** A new panel beside the active editor. */
export function createPanel(viewType: string, title: string, options: PanelOptions): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Beside, options);
}

/**
 * Brings back a panel VS Code restored after a reload: the state its webview saved is checked
 * against the panel's schema (a panel whose state is not usable is closed), its options are set
 * again (VS Code does not keep them), and `make` builds the panel around it. Returns whether the
 * panel came back.
 */
export function revivePanel<T>(
    panel: vscode.WebviewPanel,
    state: unknown,
    schema: { safeParse(state: unknown): { success: true; data: T } | { success: false } },
    options: PanelOptions | ((saved: T) => PanelOptions),
    make: (saved: T) => void,
): boolean {
    const parsed = schema.safeParse(state);
    if (!parsed.success) {
        panel.dispose();
        return false;
    }
    panel.webview.options = typeof options === 'function' ? options(parsed.data) : options;
    make(parsed.data);
    return true;
}

export interface PanelSetup {
    /** Open panels of this kind by key (the subclass's static map). */
    readonly registry: Map<string, unknown>;
    readonly key: string;
    readonly webview: WebviewName;
    /** The metric that records the panel-open time (created → first content); none: not measured. */
    readonly contentMetric?: string;
}

export abstract class DprogPanel<Out extends { type: string }> {
    protected readonly disposables: vscode.Disposable[] = [];
    protected disposed = false;
    /** When the panel was opened, until its first content is posted. */
    private openedAt: number | undefined = performance.now();
    /** The webview's first `ready` is answered by the content posted without waiting for it. */
    private firstReadyAnswered = false;

    protected constructor(
        protected readonly services: CommandContext,
        readonly panel: vscode.WebviewPanel,
        private readonly setup: PanelSetup,
    ) {
        setup.registry.set(setup.key, this);
        panel.webview.html = webviewHtml(panel.webview, services.context.extensionUri, setup.webview, panel.title);
        panel.onDidDispose(() => this.dispose(), null, this.disposables);
        panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), null, this.disposables);
    }

    /** Handles a message from the webview (unchecked: validate it first). */
    protected abstract receive(message: unknown): unknown;

    /**
     * Whether a `ready` from the webview still needs an answer: false exactly once, for the page's
     * first `ready`, whose content was posted without waiting for it.
     */
    protected readyNeedsContent(): boolean {
        if (this.firstReadyAnswered) {
            return true;
        }
        this.firstReadyAnswered = true;
        return false;
    }

    /** Whether a message is the panel's content (a "busy" note is not): the first one ends the panel-open time. */
    protected isContent(message: Out): boolean {
        return message.type !== 'busy';
    }

    /** Posts to the webview unless the panel is gone (a late answer after closing or reloading is dropped). */
    protected post(message: Out): void {
        if (this.disposed) {
            return;
        }
        if (this.openedAt !== undefined && this.setup.contentMetric && this.isContent(message)) {
            this.services.metrics.record(this.setup.contentMetric, performance.now() - this.openedAt);
            this.openedAt = undefined;
        }
        this.panel.webview.postMessage(message).then(undefined, () => undefined);
    }

    /** Called once the panel is closed, after its disposables are disposed. */
    protected onDisposed(): void {}

    private dispose(): void {
        this.disposed = true;
        if (this.setup.registry.get(this.setup.key) === this) {
            this.setup.registry.delete(this.setup.key);
        }
        for (const d of this.disposables.splice(0)) {
            d.dispose();
        }
        this.onDisposed();
    }
}
