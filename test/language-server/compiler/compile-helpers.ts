/** Compiling programs in tests: from text (empty file system) or from files on disk (with item counts). */
import { compileDocument, compileFile } from '../../../language-server/src/compiler/compile-document.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { createTestServices, diagnosticLines, type TestServices } from '../helpers.js';

let shared: TestServices | undefined;

/** Parses, links, validates and compiles program text; fails on error diagnostics. */
export async function compileText(text: string, options: { allowErrors?: boolean } = {}): Promise<LabelingPlan> {
    shared ??= await createTestServices();
    const document = await shared.parse(text);
    const errors = diagnosticLines(document).filter((l) => l.startsWith('error'));
    if (errors.length > 0 && !options.allowErrors) {
        throw new Error(`program has errors:\n${errors.join('\n')}`);
    }
    return compileDocument(shared.services, document, { countItems: false });
}

/** Loads a program file from disk with its imports and compiles it (counting dataset items). */
export async function compileFileFromDisk(file: string): Promise<{ plan: LabelingPlan; errors: string[] }> {
    const { plan, diagnostics } = await compileFile(file);
    const errors = diagnostics.filter((d) => d.diagnostic.severity === 1).map((d) => `${d.file}: ${d.diagnostic.message}`);
    if (!plan) {
        throw new Error(`${file} has errors:\n${errors.join('\n')}`);
    }
    return { plan, errors };
}
