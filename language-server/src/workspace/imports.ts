import { UriUtils, type LangiumDocument, type URI } from 'langium';
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
