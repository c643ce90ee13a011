import { UriUtils, type LangiumDocument, type URI } from 'langium';
import { regularFileProblem } from '../../../engine/src/data/regular-file.js';
import { isDprogFile, type Import } from '../generated/ast.js';

/** An import's target: its path resolved relative to the importing file. */
export function resolveImportUri(document: LangiumDocument, node: Import): URI | undefined {
    if (!node.path) {
        return undefined;
    }
    return UriUtils.resolvePath(UriUtils.dirname(document.uri), node.path);
}

/** The URIs a document imports directly, resolved. */
export function importedUris(document: LangiumDocument): URI[] {
    const root = document.parseResult.value;
    if (!isDprogFile(root)) {
        return [];
    }
    return root.imports.map((node) => resolveImportUri(document, node)).filter((uri): uri is URI => uri !== undefined);
}

/**
 * Why an import's target cannot be read as a program, or undefined when it can: only regular
 * `.dprog` files are imported, so a device (`/dev/stdin`), a FIFO or a folder never hangs the
 * checker and a text file such as `/etc/passwd` is not read as a program.
 */
export function importProblem(uri: URI, written: string): string | undefined {
    if (uri.scheme !== 'file') {
        return undefined;
    }
    if (!uri.path.endsWith('.dprog')) {
        return `'${written}' is not a dprog program: imports name .dprog files.`;
    }
    const problem = regularFileProblem(uri.fsPath, 'imported file');
    if (problem === undefined || problem.endsWith('(ENOENT)')) {
        return undefined;
    }
    return `Cannot import '${written}': ${problem.replace(`${uri.fsPath} is `, 'it is ')}.`;
}
