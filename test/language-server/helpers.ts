/** Test set-up for the language server: services on an empty file system with the built-ins loaded. */
import { EmptyFileSystem, type LangiumDocument } from 'langium';
import { parseHelper } from 'langium/test';
import { createDprogServices, type DprogServices } from '../../language-server/src/dprog-module.js';
import type { DprogFile } from '../../language-server/src/generated/ast.js';
import { ensureBuiltinLibrary } from '../../language-server/src/workspace/load.js';

export interface TestServices {
    services: DprogServices;
    /** Parses, links and validates a document (and keeps it in the workspace, for imports). */
    parse: (text: string, options?: { documentUri?: string }) => Promise<LangiumDocument<DprogFile>>;
}

export async function createTestServices(): Promise<TestServices> {
    const { shared, Dprog } = createDprogServices(EmptyFileSystem);
    const builtins = ensureBuiltinLibrary(shared);
    if (builtins) {
        await shared.workspace.DocumentBuilder.build([builtins]);
    }
    const helper = parseHelper<DprogFile>(Dprog);
    return {
        services: Dprog,
        parse: (text, options) => helper(text, { validation: true, ...options }),
    };
}

/** Every diagnostic of a document as `severity code: message` lines, for readable assertions. */
export function diagnosticLines(document: LangiumDocument): string[] {
    const severity = ['', 'error', 'warning', 'info', 'hint'];
    return (document.diagnostics ?? []).map((d) => `${severity[d.severity ?? 1]} ${String(d.code ?? d.data?.code ?? '')}: ${d.message}`);
}
