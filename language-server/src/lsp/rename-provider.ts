/**
 * Rename across files (Langium's, over dprog's import-aware scoping), refusing what would break the
 * program: a new name that is not an identifier or is a reserved word, and built-ins, whose
 * declarations live in the read-only built-in library.
 */
import { AstUtils, CstUtils, type LangiumDocument, type MaybePromise } from 'langium';
import { DefaultRenameProvider } from 'langium/lsp';
import { ErrorCodes, ResponseError, type Range, type RenameParams, type TextDocumentPositionParams, type WorkspaceEdit } from 'vscode-languageserver';
import { BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';

/** Words that are never names (every other keyword may be one: keywords are contextual). */
const RESERVED = new Set(['and', 'or', 'not', 'true', 'false']);

export class DprogRenameProvider extends DefaultRenameProvider {
    override async rename(document: LangiumDocument, params: RenameParams): Promise<WorkspaceEdit | undefined> {
        const problem = problemWithName(params.newName);
        if (problem) {
            throw new ResponseError(ErrorCodes.InvalidParams, problem);
        }
        if (this.isBuiltin(document, params)) {
            throw new ResponseError(ErrorCodes.InvalidRequest, 'Built-ins cannot be renamed.');
        }
        return super.rename(document, params);
    }

    override prepareRename(document: LangiumDocument, params: TextDocumentPositionParams): MaybePromise<Range | undefined> {
        return this.isBuiltin(document, params) ? undefined : super.prepareRename(document, params);
    }

    private isBuiltin(document: LangiumDocument, params: TextDocumentPositionParams): boolean {
        const root = document.parseResult.value.$cstNode;
        const leaf = root ? CstUtils.findDeclarationNodeAtOffset(root, document.textDocument.offsetAt(params.position), this.grammarConfig.nameRegexp) : undefined;
        const targets = leaf ? this.references.findDeclarations(leaf) : [];
        return document.uri.toString() === BUILTIN_LIBRARY_URI
            || targets.some((target) => AstUtils.getDocument(target).uri.toString() === BUILTIN_LIBRARY_URI);
    }
}

function problemWithName(name: string): string | undefined {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        return `'${name}' is not a name: use letters, digits and '_', not starting with a digit.`;
    }
    if (RESERVED.has(name)) {
        return `'${name}' is reserved and cannot be a name.`;
    }
    return undefined;
}
