/**
 * The outline: every top-level declaration, named ones by their name and the unnamed ones by their
 * header (`learn classify using spam_model`, `monitor shift of emails.body`, `monitor predictions
 * of spam_model`), so an editor's outline and "go to symbol" list the whole program.
 */
import type { AstNode, LangiumDocument } from 'langium';
import { DefaultDocumentSymbolProvider } from 'langium/lsp';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { isLearn, isPredictionMonitor, isShiftMonitor } from '../generated/ast.js';

export class DprogDocumentSymbolProvider extends DefaultDocumentSymbolProvider {
    protected override getSymbol(document: LangiumDocument, node: AstNode): DocumentSymbol[] {
        const header = unnamedHeader(node);
        const cst = node.$cstNode;
        if (header && cst) {
            const firstLine = {
                start: cst.range.start,
                end: { line: cst.range.start.line, character: cst.range.start.character + header.text.length },
            };
            const selection = cst.range.end.line === cst.range.start.line ? cst.range : firstLine;
            return [
                {
                    name: header.text,
                    kind: header.kind,
                    range: cst.range,
                    selectionRange: selection,
                    children: this.getChildSymbols(document, node),
                },
            ];
        }
        return super.getSymbol(document, node);
    }
}

/** The outline entry of a declaration without a name: its header as written, and a symbol kind. */
function unnamedHeader(node: AstNode): { text: string; kind: SymbolKind } | undefined {
    if (isLearn(node)) {
        return { text: `learn ${node.task?.$refText ?? '?'} using ${node.model?.$refText ?? '?'}`, kind: SymbolKind.Event };
    }
    if (isShiftMonitor(node)) {
        const field = node.field ? `.${node.field.$refText}` : '';
        return { text: `monitor shift of ${node.source?.$refText ?? '?'}${field}`, kind: SymbolKind.Event };
    }
    if (isPredictionMonitor(node)) {
        return { text: `monitor predictions of ${node.model?.$refText ?? '?'}`, kind: SymbolKind.Event };
    }
    return undefined;
}
