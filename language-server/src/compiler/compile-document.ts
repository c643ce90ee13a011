/**
 * The compiler's entry points for other parts: compile a built document (language server,
 * extension), or load and compile a file from disk (CLI, tests, benchmarks).
 */
import * as path from 'node:path';
import { AstUtils, type AstNode, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { createDprogServices, type DprogServices } from '../dprog-module.js';
import { loadProgramFiles } from '../workspace/load.js';
import { isDataset, type DprogFile } from '../generated/ast.js';
import { compileProgram } from './compile.js';
import { countDatasetItems } from './item-counts.js';
import { programSource } from './program-elements.js';

export interface CompileDocumentOptions {
    /** Measure dataset sizes on disk (default true for `file:` documents). */
    countItems?: boolean;
}

/**
 * Compiles a document that has been built (linked and validated) with its imports. Does not check
 * for errors: callers decide whether a document with error diagnostics may be compiled.
 */
export function compileDocument(
    services: DprogServices,
    document: LangiumDocument<DprogFile>,
    options: CompileDocumentOptions = {},
): LabelingPlan {
    const documents = services.shared.workspace.LangiumDocuments;
    const source = programSource(document, (uri) => documents.getDocument(uri));
    const itemCounts = new Map<string, number | null>();
    if ((options.countItems ?? true) && document.uri.scheme === 'file') {
        for (const doc of documentsOf(source.elements)) {
            const dir = path.dirname(doc.uri.fsPath);
            for (const dataset of doc.parseResult.value.elements.filter(isDataset)) {
                itemCounts.set(dataset.name, countDatasetItems(dataset, dir));
            }
        }
    }
    const typeComputer = services.types.TypeComputer;
    return compileProgram(source, {
        fallbackName: path.basename(document.uri.path).replace(/\.dprog$/, ''),
        itemCounts,
        typeOf: (node) => typeComputer.typeOf(node),
    });
}

export interface CompiledFile {
    /** The plan, or undefined when the program (or a file it imports) has errors. */
    plan: LabelingPlan | undefined;
    /** Every diagnostic of the file and its imports, by file path. */
    diagnostics: Array<{ file: string; diagnostic: Diagnostic }>;
}

/** Loads a .dprog file from disk with its imports, checks it, and compiles it when it has no errors. */
export async function compileFile(file: string): Promise<CompiledFile> {
    const { shared, Dprog } = createDprogServices(NodeFileSystem);
    const [document] = (await loadProgramFiles(shared, [file])) as Array<LangiumDocument<DprogFile>>;
    const diagnostics = shared.workspace.LangiumDocuments.all
        .filter((doc) => doc.uri.scheme === 'file')
        .flatMap((doc) => (doc.diagnostics ?? []).map((diagnostic) => ({ file: doc.uri.fsPath, diagnostic })))
        .toArray();
    const hasErrors = diagnostics.some((d) => d.diagnostic.severity === 1);
    return { plan: hasErrors ? undefined : compileDocument(Dprog, document), diagnostics };
}

function documentsOf(elements: readonly AstNode[]): Array<LangiumDocument<DprogFile>> {
    return [...new Set(elements.map((e) => AstUtils.getDocument(e)))] as Array<LangiumDocument<DprogFile>>;
}
