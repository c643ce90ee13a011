/**
 * Local symbols without the top level. Langium files every top-level declaration under the
 * document root as a local symbol too, and its default scope provider searches those one by one
 * for every reference: linking grows with the square of the file (performance.md). Top-level
 * names are exported anyway, and the global scope (scope-provider.ts) finds this file's exports
 * through a hash map, so the root's copy only costs time.
 */
import { DefaultScopeComputation, type AstNode, type LangiumDocument, type MultiMap, type AstNodeDescription } from 'langium';
import { isDprogFile } from '../generated/ast.js';

export class DprogScopeComputation extends DefaultScopeComputation {
    protected override addLocalSymbol(node: AstNode, document: LangiumDocument, symbols: MultiMap<AstNode, AstNodeDescription>): void {
        if (!isDprogFile(node.$container)) {
            super.addLocalSymbol(node, document, symbols);
        }
    }
}
