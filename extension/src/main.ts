/**
 * The dprog extension: the language client, the `dprog.*` commands, CodeLens, the status bar and
 * the annotation, preview and plan panels. The engine is long-lived (label store, ONNX sessions and
 * samples stay in memory once a panel needs them; compiling and runs go through the CLI in a child
 * process), and its code loads on first use, so activation only wires things up.
 */
// Must stay the first import: it marks when the bundle began to load.
import { loadStart } from './load-start.js';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import { registerCommands } from './commands/index.js';
import { deferred } from './load-deferred.js';
import { LocalEngine } from './engine-bridge/local-engine.js';
import { DprogCodeLensProvider } from './language/code-lens.js';
import { CompileProblems } from './language/compile-problems.js';
import { followProgress } from './language/follow-progress.js';
import { Metrics } from './metrics.js';
import { passwordKey, storePathFor, type CommandContext } from './command-context.js';
import { StatusBar } from './status/status-bar.js';

/** When this module's top level (and every import it needs at activation) finished evaluating. */
const moduleEvaluated = performance.now();

let client: LanguageClient | undefined;
let services: CommandContext | undefined;
/** Disposed last, in deactivate(): everything else may still log while it shuts down. */
let log: vscode.LogOutputChannel | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const started = performance.now();
    const output = vscode.window.createOutputChannel('dprog', { log: true });
    log = output;
    const metrics = new Metrics((line) => output.info(line));
    const engine = new LocalEngine({
        cliPath: vscode.Uri.joinPath(context.extensionUri, 'out', 'cli', 'main.cjs').fsPath,
        storePathFor,
        passwordFor: async (store) => context.secrets.get(passwordKey(store)),
        log: (line) => output.info(line),
        // Every CLI spawn is gated by workspace trust, whichever command asks.
        mayRun: () => vscode.workspace.isTrusted,
    });
    const onDidChangeProgress = new vscode.EventEmitter<string>();
    const compileProblems = new CompileProblems();
    const shared: CommandContext = { context, engine, log: output, metrics, onDidChangeProgress, progress: new Map(), compileProblems };
    services = shared;

    const codeLens = new DprogCodeLensProvider({
        learnTasks: (program) => {
            // No plan file is read in an untrusted workspace.
            const plan = vscode.workspace.isTrusted ? engine.cachedPlan(program) : undefined;
            return plan ? new Set(plan.learn.map((l) => l.task)) : undefined;
        },
        left: (program, task) => {
            const t = shared.progress.get(program)?.tasks.find((p) => p.task === task);
            return t && t.planned !== null ? Math.max(0, t.planned - t.done) : undefined;
        },
    });
    for (const command of registerCommands(shared)) {
        context.subscriptions.push(command);
    }
    context.subscriptions.push(
        onDidChangeProgress,
        compileProblems,
        vscode.languages.registerCodeLensProvider({ language: 'dprog' }, codeLens),
        new StatusBar(shared, () => codeLens.refresh()),
        followProgress(shared, () => codeLens.refresh()),
        // Panel code loads on first use (here: when VS Code restores a panel after a reload).
        vscode.window.registerWebviewPanelSerializer('dprog.annotate', {
            deserializeWebviewPanel: async (panel, state: unknown) => deferred().AnnotatePanel.revive(shared, panel, state),
        }),
        vscode.window.registerWebviewPanelSerializer('dprog.preview', {
            deserializeWebviewPanel: async (panel, state: unknown) => deferred().PreviewPanel.revive(shared, panel, state),
        }),
        vscode.window.registerWebviewPanelSerializer('dprog.plan', {
            deserializeWebviewPanel: async (panel, state: unknown) => deferred().PlanPanel.revive(shared, panel, state),
        }),
    );
    if (!vscode.workspace.isTrusted) {
        output.warn('Untrusted workspace: dprog checks programs but runs no model and writes nothing until the workspace is trusted.');
    }

    // The language client (and its protocol libraries) loads and starts right after activation
    // returns, in the background: activation itself is only the wiring above.
    void Promise.resolve()
        .then(() => {
            client = deferred().createLanguageClient(context);
            return client.start();
        })
        .catch((error: unknown) => output.error(`the language server did not start: ${String(error)}`));

    // As VS Code counts it: evaluating the bundle's code plus the activate() call. The time VS Code
    // spends between loading the module and calling activate() (preparing the extension context,
    // activating other extensions) is not dprog's and is logged apart.
    const now = performance.now();
    const load = moduleEvaluated - loadStart;
    metrics.record('activation', load + (now - started));
    output.info(
        `activation: ${load.toFixed(1)} ms loading the code + ${(now - started).toFixed(1)} ms in activate() ` +
            `(${(now - loadStart).toFixed(1)} ms wall clock since the code began to load)`,
    );
}

/** Stops the language server and the engine before the log closes, so nothing writes to a closed channel. */
export async function deactivate(): Promise<void> {
    const stopping = client;
    client = undefined;
    await Promise.allSettled([stopping?.stop(2000), services?.engine.dispose()]);
    services = undefined;
    log?.dispose();
    log = undefined;
}
