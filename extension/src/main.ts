/**
 * The dprog extension: the language client, the `dprog.*` commands, CodeLens, the status bar and
 * the annotation and preview panels. Heavy engine work runs in child processes (the CLI), so
 * activation only wires things up.
 */
// Must stay the first import: it marks when the bundle began to load.
import { loadStart } from './load-start.js';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import { registerCommands } from './commands/index.js';
import { LocalEngine } from './engine/local-engine.js';
import { DprogCodeLensProvider } from './language/code-lens.js';
import { Metrics } from './metrics.js';
import { storePathFor, type DprogServices } from './services.js';
import { StatusBar } from './status/status-bar.js';

let client: LanguageClient | undefined;
let services: DprogServices | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const started = performance.now();
    const log = vscode.window.createOutputChannel('dprog', { log: true });
    const metrics = new Metrics((line) => log.info(line));
    const engine = new LocalEngine({
        cliPath: vscode.Uri.joinPath(context.extensionUri, 'out', 'cli', 'main.cjs').fsPath,
        storePathFor,
        log: (line) => log.info(line),
    });
    const onDidChangeProgress = new vscode.EventEmitter<string>();
    services = { context, engine, log, metrics, onDidChangeProgress };
    const shared = services;

    const codeLens = new DprogCodeLensProvider((program) => {
        const plan = engine.cachedPlan(program);
        return plan ? new Set(plan.learn.map((l) => l.task)) : undefined;
    });
    context.subscriptions.push(
        log,
        onDidChangeProgress,
        ...registerCommands(shared),
        vscode.languages.registerCodeLensProvider({ language: 'dprog' }, codeLens),
        onDidChangeProgress.event(() => codeLens.refresh()),
        new StatusBar(shared),
        // Panel code loads on first use (here: when VS Code restores a panel after a reload).
        vscode.window.registerWebviewPanelSerializer('dprog.annotate', {
            deserializeWebviewPanel: async (panel, state: unknown) => (await import('./panels/annotate-panel.js')).AnnotatePanel.revive(shared, panel, state),
        }),
        vscode.window.registerWebviewPanelSerializer('dprog.preview', {
            deserializeWebviewPanel: async (panel, state: unknown) => (await import('./panels/preview-panel.js')).PreviewPanel.revive(shared, panel, state),
        }),
        { dispose: () => void engine.dispose() },
    );
    if (!vscode.workspace.isTrusted) {
        log.warn('Untrusted workspace: dprog checks programs but runs no model and writes nothing until the workspace is trusted.');
    }

    // The language client (and its protocol libraries) loads and starts right after activation
    // returns, in the background: activation itself is only the wiring above.
    void import('./language/client.js')
        .then(({ createLanguageClient }) => {
            client = createLanguageClient(context, log);
            return client.start();
        })
        .catch((error: unknown) => log.error(`the language server did not start: ${String(error)}`));

    const now = performance.now();
    metrics.record('activation', now - loadStart);
    log.info(`activated in ${(now - started).toFixed(1)} ms (${(now - loadStart).toFixed(1)} ms since the bundle loaded)`);
}

export async function deactivate(): Promise<void> {
    await Promise.allSettled([client?.stop(), services?.engine.dispose()]);
}
