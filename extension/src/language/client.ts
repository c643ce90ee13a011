/**
 * Starts the dprog language server (out/language-server/main.cjs) over IPC. The client has its own
 * output channel ("dprog language server"), which it closes itself after the server stopped. While
 * the window closes or reloads, VS Code may still ask for code actions, hovers or lenses after the
 * server is gone: those requests answer "nothing" instead of failing (no "provider FAILED" in the
 * extension host log); failures while the server runs are reported as before.
 */
import * as vscode from 'vscode';
import {
    LanguageClient,
    TransportKind,
    type LanguageClientOptions,
    type Middleware,
    type ServerOptions,
} from 'vscode-languageclient/node.js';

/** Providers VS Code calls on its own (cursor moves, scrolling, focus), so also during shutdown. */
const UNPROMPTED = [
    'provideCodeActions',
    'provideCodeLenses',
    'provideHover',
    'provideDocumentHighlights',
    'provideDocumentSymbols',
    'provideDocumentSemanticTokens',
    'provideDocumentRangeSemanticTokens',
    'provideDocumentSemanticTokensEdits',
    'provideInlayHints',
    'provideFoldingRanges',
    'provideDocumentLinks',
    'provideSelectionRanges',
] as const;

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
    const module = vscode.Uri.joinPath(context.extensionUri, 'out', 'language-server', 'main.cjs').fsPath;
    const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    let client: LanguageClient | undefined;
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ language: 'dprog' }],
        synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.dprog') },
        middleware: quietWhenStopped(() => client?.isRunning() ?? false),
    };
    client = new LanguageClient('dprog', 'dprog language server', serverOptions, clientOptions);
    return client;
}

/** Middleware whose unprompted providers answer nothing when they fail because the server no longer runs. */
export function quietWhenStopped(running: () => boolean): Middleware {
    const middleware: Record<string, unknown> = {};
    for (const name of UNPROMPTED) {
        middleware[name] = async (...args: unknown[]) => {
            // The last argument is the next handler; the others are its arguments.
            const next = args.pop() as (...rest: unknown[]) => unknown;
            try {
                return await next(...args);
            } catch (error) {
                if (!running()) {
                    return null;
                }
                throw error;
            }
        };
    }
    return middleware as Middleware;
}
