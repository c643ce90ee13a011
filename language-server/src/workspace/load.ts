/**
 * Loading programs from disk outside an editor (CLI, tests, benchmarks): a file, everything it
 * imports, and the built-in library, built and validated together.
 */
import { URI, type LangiumDocument } from 'langium';
import * as path from 'node:path';
import type { LangiumSharedServices } from 'langium/lsp';
import { BUILTIN_LIBRARY_TEXT, BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';
import { importedUris, importProblem } from './imports.js';

/** Adds the built-in library document once; returns it when it was just added (it still needs building). */
export function ensureBuiltinLibrary(shared: LangiumSharedServices): LangiumDocument | undefined {
    const uri = URI.parse(BUILTIN_LIBRARY_URI);
    const documents = shared.workspace.LangiumDocuments;
    if (documents.hasDocument(uri)) {
        return undefined;
    }
    const document = shared.workspace.LangiumDocumentFactory.fromString(BUILTIN_LIBRARY_TEXT, uri);
    documents.addDocument(document);
    return document;
}

/**
 * Loads the given files and the files they import (transitively), then builds them with validation.
 * An import whose file does not exist is left for validation to report.
 * Returns the documents of the given files, in order.
 */
export async function loadProgramFiles(shared: LangiumSharedServices, files: string[]): Promise<LangiumDocument[]> {
    const builtins = ensureBuiltinLibrary(shared);
    const documents = shared.workspace.LangiumDocuments;
    const fileSystem = shared.workspace.FileSystemProvider;
    const requested = files.map((file) => URI.file(path.resolve(file)));
    const queue = [...requested];
    const all: LangiumDocument[] = builtins ? [builtins] : [];
    const seen = new Set<string>();
    while (queue.length > 0) {
        const uri = queue.shift()!;
        if (seen.has(uri.toString())) {
            continue;
        }
        seen.add(uri.toString());
        let document: LangiumDocument;
        if (documents.hasDocument(uri)) {
            document = documents.getDocument(uri)!;
        } else {
            const isRequested = requested.some((r) => r.toString() === uri.toString());
            // Only regular .dprog files are read as imports (never a device, FIFO or other text): validation says why.
            if (!isRequested && (importProblem(uri, uri.fsPath) !== undefined || !(await exists(fileSystem, uri)))) {
                continue;
            }
            document = await documents.getOrCreateDocument(uri);
        }
        all.push(document);
        for (const uri of importedUris(document)) {
            queue.push(uri);
        }
    }
    await shared.workspace.DocumentBuilder.build(all, { validation: true });
    return requested.map((uri) => documents.getDocument(uri)!);
}

async function exists(fileSystem: LangiumSharedServices['workspace']['FileSystemProvider'], uri: URI): Promise<boolean> {
    try {
        await fileSystem.readFile(uri);
        return true;
    } catch {
        return false;
    }
}
