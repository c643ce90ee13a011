/**
 * Completion inside `import "…"`: the folders and `.dprog` files next to the typed path, relative
 * to the importing file (as imports resolve).
 */
import { UriUtils, type FileSystemProvider, type LangiumDocument } from 'langium';
import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';

/** The import path typed so far when the cursor is inside an import's string, else undefined. */
export function importPathAt(document: LangiumDocument, position: Position): string | undefined {
    const line = document.textDocument.getText({ start: { line: position.line, character: 0 }, end: position });
    return /^\s*import\s+"([^"\\]*)$/.exec(line)?.[1];
}

export async function importCompletions(
    fileSystem: FileSystemProvider,
    document: LangiumDocument,
    typed: string,
    position: Position,
): Promise<CompletionItem[]> {
    const folderPart = typed.substring(0, typed.lastIndexOf('/') + 1);
    const folder = UriUtils.resolvePath(UriUtils.dirname(document.uri), folderPart || '.');
    let entries: Awaited<ReturnType<FileSystemProvider['readDirectory']>>;
    try {
        entries = await fileSystem.readDirectory(folder);
    } catch {
        return []; // no such folder (yet)
    }
    const start = { line: position.line, character: position.character - (typed.length - folderPart.length) };
    const items: CompletionItem[] = [];
    for (const entry of entries) {
        const name = UriUtils.basename(entry.uri);
        if (name.startsWith('.') || entry.uri.toString() === document.uri.toString()) {
            continue;
        }
        if (entry.isDirectory) {
            items.push({
                label: `${name}/`,
                kind: CompletionItemKind.Folder,
                textEdit: { range: { start, end: position }, newText: `${name}/` },
                command: { title: 'more', command: 'editor.action.triggerSuggest' },
            });
        } else if (entry.isFile && name.endsWith('.dprog')) {
            items.push({ label: name, kind: CompletionItemKind.File, textEdit: { range: { start, end: position }, newText: name } });
        }
    }
    return items.sort((a, b) => a.label.localeCompare(b.label));
}
