/**
 * Inlay hints: the inferred type after each `let` and loop variable
 * (`let boxes: list<box<Vehicle>> = vehicles(f)`), so a flow reads like a typed program.
 */
import { GrammarUtils, type AstNode } from 'langium';
import { AbstractInlayHintProvider, type InlayHintAcceptor } from 'langium/lsp';
import { InlayHintKind } from 'vscode-languageserver';
import { isLetStatement, isLoopVariable } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString } from '../types/type-descriptions.js';

export class DprogInlayHintProvider extends AbstractInlayHintProvider {
    private readonly types: DprogTypeComputer;

    constructor(services: DprogServices) {
        super();
        this.types = services.types.TypeComputer;
    }

    computeInlayHint(node: AstNode, acceptor: InlayHintAcceptor): void {
        if (!isLetStatement(node) && !isLoopVariable(node)) {
            return;
        }
        const type = this.types.typeOf(node);
        const name = GrammarUtils.findNodeForProperty(node.$cstNode, 'name');
        if (type.kind === 'error' || !name) {
            return; // an unknown type is reported where it starts, not hinted
        }
        acceptor({ position: name.range.end, label: `: ${typeToString(type)}`, kind: InlayHintKind.Type });
    }
}
