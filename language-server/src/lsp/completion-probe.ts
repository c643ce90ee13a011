/**
 * While a person types, the declaration around the cursor is usually broken (`b.` or `x == ` with
 * nothing after), and since keywords are contextual names, error recovery turns the rest of the
 * block into nonsense. To know the type on the left of `.` or `==`, completion parses a *probe*:
 * the declaration around the cursor alone, with a placeholder name at the cursor, in a throw-away
 * document beside the real one that imports it (and what it imports), so its names link as usual.
 * Only that one declaration is parsed: cheap even in a 20,000-line program.
 */
import { CstUtils, UriUtils, type AstNode, type LangiumDocument, type LangiumDocumentFactory, type ScopeComputation } from 'langium';
import { isDprogFile, isExpression, type Expression } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';

/** The name typed at the cursor in a probe: long and unlikely, so it never resolves by accident. */
export const PLACEHOLDER = '__dprog_completion__';

export class CompletionProbe {
    private readonly factory: LangiumDocumentFactory;
    private readonly scopeComputation: ScopeComputation;

    constructor(services: DprogServices) {
        this.factory = services.shared.workspace.LangiumDocumentFactory;
        this.scopeComputation = services.references.ScopeComputation;
    }

    /**
     * Parses `document`'s text from `start` (a declaration boundary) to `end` with the placeholder
     * in place of the token being completed (`tokenStart` to `tokenEnd`, empty when there is none),
     * and returns the AST node of the placeholder, linked lazily against the real workspace.
     * Undefined when the probe does not parse the placeholder as a name.
     */
    async nodeAtCursor(
        document: LangiumDocument,
        start: number,
        end: number,
        tokenStart: number,
        tokenEnd: number,
    ): Promise<AstNode | undefined> {
        const text = document.textDocument.getText();
        const root = document.parseResult.value;
        // The probe imports the real file (its top-level names) and whatever the real file imports.
        const imports = [`import "${UriUtils.basename(document.uri)}"`];
        if (isDprogFile(root)) {
            for (const i of root.imports) {
                if (i.path) {
                    imports.push(`import ${JSON.stringify(i.path)}`);
                }
            }
        }
        const prefix = `${imports.join('\n')}\n`;
        const probeText = prefix + text.substring(start, tokenStart) + PLACEHOLDER + text.substring(tokenEnd, end);
        const uri = UriUtils.joinPath(UriUtils.dirname(document.uri), `.${UriUtils.basename(document.uri)}.completion.dprog`);
        const probe = this.factory.fromString(probeText, uri);
        probe.localSymbols = await this.scopeComputation.collectLocalSymbols(probe);
        const cst = probe.parseResult.value.$cstNode;
        const placeholderOffset = prefix.length + (tokenStart - start);
        const leaf = cst ? CstUtils.findLeafNodeAtOffset(cst, placeholderOffset + 1) : undefined;
        return leaf && leaf.text === PLACEHOLDER ? leaf.astNode : undefined;
    }
}

/** The expression on the left of a comparison whose right side is `node`, if it is one. */
export function comparedExpression(node: AstNode): Expression | undefined {
    const comparison = node.$container;
    if (comparison?.$type === 'BinaryExpression' && 'left' in comparison && isExpression(comparison.left) && comparison.left !== node) {
        return comparison.left;
    }
    return undefined;
}

/** The receiver of a member access whose member is `node`'s reference (`x.|`). */
export function receiverOf(node: AstNode): Expression | undefined {
    return node.$type === 'MemberAccess' && 'receiver' in node && isExpression(node.receiver) ? node.receiver : undefined;
}
