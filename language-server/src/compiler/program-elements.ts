/** The declarations a program sees: its own and those of every file it imports (transitively). */
import type { LangiumDocument, URI } from 'langium';
import type { DprogFile, Element } from '../generated/ast.js';
import { importedUris } from '../workspace/imports.js';

export interface ProgramSource {
    /** The program file's root. */
    file: DprogFile;
    /** Every declaration: imported files first (depth-first, in import order), then the file's own. */
    elements: Element[];
}

/**
 * Collects a document's declarations with its imports'. `lookup` finds an already-loaded document
 * (a missing import is the checker's to report; it is skipped here). Cycles are visited once.
 */
export function programSource(document: LangiumDocument<DprogFile>, lookup: (uri: URI) => LangiumDocument | undefined): ProgramSource {
    const elements: Element[] = [];
    const seen = new Set<string>();
    const visit = (doc: LangiumDocument<DprogFile>) => {
        const key = doc.uri.toString();
        if (seen.has(key)) {
            return;
        }
        seen.add(key);
        for (const uri of importedUris(doc)) {
            const imported = lookup(uri);
            if (imported) {
                visit(imported as LangiumDocument<DprogFile>);
            }
        }
        for (const element of doc.parseResult.value.elements) {
            elements.push(element);
        }
    };
    visit(document);
    return { file: document.parseResult.value, elements };
}
