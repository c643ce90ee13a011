/**
 * Files changed on disk: the server asks the editor to watch `**\/*.dprog` (dynamic registration,
 * where the client supports it); for clients that cannot (Neovim 0.7, plain stdio clients), the
 * server watches its workspace folders itself. Either way the change reaches Langium's document
 * builder, which re-reads closed files from disk and re-checks their importers
 * (see import-aware-builder.ts), so diagnostics, references and rename never use stale text.
 */
import { watch, existsSync, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'langium';
import { DefaultDocumentUpdateHandler, type LangiumSharedServices } from 'langium/lsp';
import { FileChangeType, type FileEvent, type FileSystemWatcher, type WorkspaceFolder } from 'vscode-languageserver';

/** How long the server's own watcher gathers events before passing them on (editors save in bursts). */
const SETTLE_MS = 50;

export class DprogDocumentUpdateHandler extends DefaultDocumentUpdateHandler {
    private readonly watchers: FSWatcher[] = [];

    constructor(services: LangiumSharedServices) {
        super(services);
        let clientWatches = false;
        let folders: WorkspaceFolder[] = [];
        services.lsp.LanguageServer.onInitialize((params) => {
            clientWatches = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
            folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
        });
        services.lsp.LanguageServer.onInitialized(() => {
            if (!clientWatches) {
                this.watchOnServer(folders);
            }
        });
    }

    /** Only programs: the editor need not send every file of the workspace. */
    protected override getWatchers(): FileSystemWatcher[] {
        return [{ globPattern: '**/*.dprog' }];
    }

    /** Watches each local folder (recursively) and reports `.dprog` changes as a client would. */
    watchOnServer(folders: WorkspaceFolder[]): void {
        const pending = new Map<string, string>();
        let _timer: NodeJS.Timeout | undefined;
        const flush = () => {
            _timer = undefined;
            const changes: FileEvent[] = [...pending.values()].map((file) => ({
                uri: URI.file(file).toString(),
                type: existsSync(file) ? FileChangeType.Changed : FileChangeType.Deleted,
            }));
            pending.clear();
            this.didChangeWatchedFiles({ changes });
        };
        for (const folder of folders) {
            const uri = URI.parse(folder.uri);
            if (uri.scheme !== 'file' || !existsSync(uri.fsPath)) {
                continue;
            }
            try {
                const watcher = watch(uri.fsPath, { recursive: true, persistent: false }, (_event, name) => {
                    if (name && String(name).endsWith('.dprog')) {
                        const file = path.join(uri.fsPath, String(name));
                        pending.set(file, file);
                        _timer ??= setTimeout(flush, SETTLE_MS);
                    }
                });
                watcher.on('error', () => watcher.close());
                this.watchers.push(watcher);
            } catch {
                // A folder that cannot be watched (too many files for inotify): changes arrive on open and save only.
            }
        }
    }

    dispose(): void {
        this.watchers.splice(0).forEach((watcher) => watcher.close());
    }
}
