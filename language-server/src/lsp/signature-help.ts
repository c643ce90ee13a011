/**
 * Signature help inside a call: `classify(|` shows `classify(e: emails) -> choice<Verdict>` with the
 * parameter being typed highlighted. The call is found in the text (the unmatched `(` before the
 * cursor), since a half-typed call rarely parses; the callee is looked up among the tasks, flows
 * and built-ins visible from the document.
 */
import type { AstNode, IndexManager, LangiumDocument, LangiumDocuments } from 'langium';
import { URI } from 'langium';
import type { SignatureHelpProvider } from 'langium/lsp';
import type { SignatureHelp, SignatureHelpOptions, SignatureHelpParams, SignatureInformation } from 'vscode-languageserver';
import { isBuiltinFunction, isFlow, isTask } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString } from '../types/type-descriptions.js';
import { BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';
import { builtinSignatures } from '../types/builtin-types.js';
import { importedUris } from '../workspace/imports.js';

/** How far back to look for the call's `(`: a call spans a few lines at most. */
const LOOK_BACK = 2000;

export class DprogSignatureHelpProvider implements SignatureHelpProvider {
    private readonly index: IndexManager;
    private readonly documents: LangiumDocuments;
    private readonly types: DprogTypeComputer;

    constructor(services: DprogServices) {
        this.index = services.shared.workspace.IndexManager;
        this.documents = services.shared.workspace.LangiumDocuments;
        this.types = services.types.TypeComputer;
    }

    get signatureHelpOptions(): SignatureHelpOptions {
        return { triggerCharacters: ['('], retriggerCharacters: [','] };
    }

    provideSignatureHelp(document: LangiumDocument, params: SignatureHelpParams): SignatureHelp | undefined {
        const text = document.textDocument.getText();
        const offset = document.textDocument.offsetAt(params.position);
        const call = openCallBefore(text, offset);
        if (!call) {
            return undefined;
        }
        const callee = this.callable(document, call.name);
        const signature = callee ? this.signatureOf(callee) : undefined;
        if (!signature) {
            return undefined;
        }
        const count = signature.parameters?.length ?? 0;
        return { signatures: [signature], activeSignature: 0, activeParameter: count > 0 ? Math.min(call.argument, count - 1) : 0 };
    }

    /** The task, flow or built-in function of that name visible from the document. */
    private callable(document: LangiumDocument, name: string): AstNode | undefined {
        const visible = new Set([document.uri.toString(), BUILTIN_LIBRARY_URI, ...importedUris(document).map((u) => u.toString())]);
        for (const description of this.index.allElements(undefined, visible)) {
            if (description.name === name && ['Task', 'Flow', 'BuiltinFunction'].includes(description.type)) {
                if (description.node) {
                    return description.node;
                }
                const owner = this.documents.getDocument(URI.parse(description.documentUri.toString()));
                return owner?.parseResult.value;
            }
        }
        return undefined;
    }

    private signatureOf(node: AstNode): SignatureInformation | undefined {
        if (isTask(node) || isFlow(node)) {
            const parameters = node.params.map((p) => `${p.name}: ${p.type ? typeToString(this.types.typeOf(p.type)) : '?'}`);
            const result = isTask(node) && node.output ? ` -> ${typeToString(this.types.typeOf(node.output))}` : '';
            return {
                label: `${node.name}(${parameters.join(', ')})${result}`,
                documentation: node.description ?? (isTask(node) ? node.question : undefined),
                parameters: parameters.map((label) => ({ label })),
            };
        }
        if (isBuiltinFunction(node)) {
            const signature = builtinSignatures[node.name];
            const parameters = signature ? signature.parameters.map((p) => `${p.name}: ${p.expected}`) : node.parameters;
            const result = signature ? ` -> ${typeToString(signature.returns)}` : '';
            return {
                label: `${node.name}(${parameters.join(', ')})${result}`,
                documentation: node.description,
                parameters: parameters.map((label) => ({ label })),
            };
        }
        return undefined;
    }
}

/**
 * The call whose argument list the cursor is in: the name before the nearest unmatched `(` and the
 * index of the argument at the cursor. Strings and comments are not parsed; a `{` or `}` ends the
 * search (calls never span blocks).
 */
export function openCallBefore(text: string, offset: number): { name: string; argument: number } | undefined {
    let depth = 0;
    let argument = 0;
    const stop = Math.max(0, offset - LOOK_BACK);
    for (let i = offset - 1; i >= stop; i--) {
        const c = text[i];
        if (c === ')' || c === ']') {
            depth++;
        } else if (c === '[') {
            depth--;
        } else if (c === '(') {
            if (depth === 0) {
                const name = /([A-Za-z_]\w*)\s*$/.exec(text.substring(Math.max(0, i - 100), i))?.[1];
                return name ? { name, argument } : undefined;
            }
            depth--;
        } else if (c === ',' && depth === 0) {
            argument++;
        } else if (c === '{' || c === '}') {
            return undefined;
        }
    }
    return undefined;
}
