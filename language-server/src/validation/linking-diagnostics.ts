/**
 * The document validator: unresolved references as diagnostics with a stable issue code and the
 * linker's suggestion in their data ({ code, refText, suggestion?, … }), so quick fixes can offer
 * the closest name; and a node walk that only pauses for cancellation every few hundred nodes.
 */
import {
    AstUtils, Cancellation, DefaultDocumentValidator, interruptAndCheck,
    type AstNode, type LangiumDocument, type ValidationAcceptor, type ValidationOptions,
} from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import { isDprogLinkingError } from '../scoping/linker.js';

/** Nodes validated between two checks for cancellation. */
const INTERRUPT_EVERY = 500;

export class DprogDocumentValidator extends DefaultDocumentValidator {
    /**
     * Langium's walk awaits a cancellation check on every node; on a 20,000-line program that
     * costs more than the checks. Checking every few hundred nodes keeps typing responsive.
     */
    protected override async validateAstNodes(
        rootNode: AstNode, options: ValidationOptions, acceptor: ValidationAcceptor, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None,
    ): Promise<void> {
        let count = 0;
        for (const node of AstUtils.streamAst(rootNode)) {
            if (++count % INTERRUPT_EVERY === 0) {
                await interruptAndCheck(cancelToken);
            }
            for (const check of this.validationRegistry.getChecks(node.$type, options.categories)) {
                await check(node, acceptor, cancelToken);
            }
        }
    }

    protected override processLinkingErrors(document: LangiumDocument, diagnostics: Diagnostic[]): void {
        for (const reference of document.references) {
            const error = reference.error;
            if (!error || (isDprogLinkingError(error) && error.cascade)) {
                continue; // cascades are reported where they start
            }
            const code = isDprogLinkingError(error) ? error.code : 'names/unresolved';
            const extra = isDprogLinkingError(error) ? error.data : { refText: reference.$refText };
            diagnostics.push(this.toDiagnostic('error', error.message, {
                node: error.info.container,
                range: reference.$refNode?.range,
                property: error.info.property,
                index: error.info.index,
                code,
                data: {
                    ...extra,
                    code,
                    containerType: error.info.container.$type,
                    property: error.info.property,
                },
            }));
        }
    }
}
