/**
 * Rename across files (Langium's, over dprog's import-aware scoping), refusing what would break the
 * program: a new name that is not an identifier or is a reserved word, a new name already declared
 * beside the renamed declaration (in its block, or at the top level of its file and the files
 * importing or imported by it), and built-ins, whose
 * declarations live in the read-only built-in library.
 */
import { AstUtils, CstUtils, type AstNode, type LangiumDocument, type LangiumDocuments, type MaybePromise } from 'langium';
import { DefaultRenameProvider, type LangiumServices } from 'langium/lsp';
import {
    ErrorCodes,
    ResponseError,
    type Range,
    type RenameParams,
    type TextDocumentPositionParams,
    type WorkspaceEdit,
} from 'vscode-languageserver';
import { BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';
import { isDprogFile } from '../generated/ast.js';
import { importedUris } from '../workspace/imports.js';

/** Words that are never names (every other keyword may be one: keywords are contextual). */
const RESERVED = new Set(['and', 'or', 'not', 'true', 'false']);

export class DprogRenameProvider extends DefaultRenameProvider {
    private readonly documents: LangiumDocuments;

    constructor(services: LangiumServices) {
        super(services);
        this.documents = services.shared.workspace.LangiumDocuments;
    }

    override async rename(document: LangiumDocument, params: RenameParams): Promise<WorkspaceEdit | undefined> {
        const problem = problemWithName(params.newName);
        if (problem) {
            throw new ResponseError(ErrorCodes.InvalidParams, problem);
        }
        if (this.isBuiltin(document, params)) {
            throw new ResponseError(ErrorCodes.InvalidRequest, 'Built-ins cannot be renamed.');
        }
        const clash = this.clashWith(document, params);
        if (clash) {
            throw new ResponseError(ErrorCodes.InvalidParams, clash);
        }
        return super.rename(document, params);
    }

    override prepareRename(document: LangiumDocument, params: TextDocumentPositionParams): MaybePromise<Range | undefined> {
        return this.isBuiltin(document, params) ? undefined : super.prepareRename(document, params);
    }

    /** Why the new name would clash with a declaration already visible beside the renamed one, if it would. */
    private clashWith(document: LangiumDocument, params: RenameParams): string | undefined {
        const target = this.targetsAt(document, params)[0];
        const container = target?.$container;
        if (!target || !container || (target as { name?: unknown }).name === params.newName) {
            return undefined;
        }
        const siblings: AstNode[] = isDprogFile(container)
            ? this.visibleTopLevel(AstUtils.getDocument(target))
            : AstUtils.streamContents(container)
                  .filter((node) => node.$containerProperty === target.$containerProperty)
                  .toArray();
        const existing = siblings.find((node) => node !== target && (node as { name?: unknown }).name === params.newName);
        if (!existing) {
            return undefined;
        }
        const where = AstUtils.getDocument(existing).uri.path.split('/').pop();
        return (
            `'${params.newName}' is already declared (line ${(existing.$cstNode?.range.start.line ?? 0) + 1} of ${where}); ` +
            `renaming would make two declarations of one name.`
        );
    }

    /** The top-level declarations of a file, of the files it imports and of the files importing it. */
    private visibleTopLevel(document: LangiumDocument): AstNode[] {
        const uri = document.uri.toString();
        const related = this.documents.all.filter(
            (other) =>
                other.uri.toString() === uri ||
                importedUris(document).some((u) => u.toString() === other.uri.toString()) ||
                importedUris(other).some((u) => u.toString() === uri),
        );
        return related.flatMap((other) => (isDprogFile(other.parseResult.value) ? [...other.parseResult.value.elements] : [])).toArray();
    }

    private targetsAt(document: LangiumDocument, params: TextDocumentPositionParams): AstNode[] {
        const root = document.parseResult.value.$cstNode;
        const leaf = root
            ? CstUtils.findDeclarationNodeAtOffset(root, document.textDocument.offsetAt(params.position), this.grammarConfig.nameRegexp)
            : undefined;
        return leaf ? this.references.findDeclarations(leaf) : [];
    }

    private isBuiltin(document: LangiumDocument, params: TextDocumentPositionParams): boolean {
        const targets = this.targetsAt(document, params);
        return (
            document.uri.toString() === BUILTIN_LIBRARY_URI ||
            targets.some((target) => AstUtils.getDocument(target).uri.toString() === BUILTIN_LIBRARY_URI)
        );
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
