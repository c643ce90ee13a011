/**
 * Starts the dprog language server (out/language-server/main.cjs) over IPC. The client has its own
 * output channel ("dprog language server"), which it closes itself after the server stopped: a
 * request that fails while the window closes is logged there, never to a channel already closed.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
    const module = vscode.Uri.joinPath(context.extensionUri, 'out', 'language-server', 'main.cjs').fsPath;
    const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ language: 'dprog' }],
        synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.dprog') },
    };
    return new LanguageClient('dprog', 'dprog language server', serverOptions, clientOptions);
}
