/**
 * Unresolved references as diagnostics with a stable issue code and the linker's suggestion in
 * their data ({ code, refText, suggestion?, … }), so quick fixes can offer the closest name.
 */
import { DefaultDocumentValidator, type LangiumDocument } from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import { isDprogLinkingError } from '../scoping/linker.js';

export class DprogDocumentValidator extends DefaultDocumentValidator {
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
