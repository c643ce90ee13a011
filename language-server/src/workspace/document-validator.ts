/**
 * The document validator: unresolved references as diagnostics with a stable issue code and the
 * linker's suggestion in their data ({ code, refText, suggestion?, … }), so quick fixes can offer
 * the closest name; and a node walk that only pauses for cancellation every few hundred nodes.
 */
import {
    AstUtils,
    Cancellation,
    DefaultDocumentValidator,
    interruptAndCheck,
    type AstNode,
    type LangiumDocument,
    type ParseResult,
    type ValidationAcceptor,
    type ValidationOptions,
} from 'langium';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { isDprogLinkingError } from '../scoping/linker.js';
import { inSkippedRegion, nestingProblems } from '../parser/lexer.js';
import { SyntaxIssues } from '../validation/issue-codes.js';

/** Nodes validated between two checks for cancellation. */
const INTERRUPT_EVERY = 500;

/** The most diagnostics listed for one file; a note says how many more there are. */
export const MAX_DIAGNOSTICS = 100;

export class DprogDocumentValidator extends DefaultDocumentValidator {
    override async validateDocument(
        document: LangiumDocument,
        options?: ValidationOptions,
        cancelToken?: Cancellation.CancellationToken,
    ): Promise<Diagnostic[]> {
        const diagnostics = await super.validateDocument(document, options, cancelToken);
        const report = document.parseResult.lexerReport;
        // What the nesting limit left out is reported once, where the nesting goes too deep.
        const kept = diagnostics.filter(
            (d) => d.code === SyntaxIssues.tooDeep || !inSkippedRegion(report, document.textDocument.offsetAt(d.range.start)),
        );
        return capDiagnostics(kept);
    }

    /** Langium's lexing errors, and the nesting limit's with their own code. */
    protected override processLexingErrors(parseResult: ParseResult, diagnostics: Diagnostic[], options: ValidationOptions): void {
        super.processLexingErrors(parseResult, diagnostics, options);
        for (const problem of nestingProblems(parseResult.lexerReport)) {
            const start = { line: problem.line! - 1, character: problem.column! - 1 };
            diagnostics.push({
                severity: DiagnosticSeverity.Error,
                range: { start, end: { line: start.line, character: start.character + problem.length } },
                message: problem.message,
                code: SyntaxIssues.tooDeep,
                data: { code: SyntaxIssues.tooDeep },
                source: this.getSource(),
            });
        }
    }

    /**
     * Langium's walk awaits a cancellation check on every node; on a 20,000-line program that
     * costs more than the checks. Checking every few hundred nodes keeps typing responsive.
     */
    protected override async validateAstNodes(
        rootNode: AstNode,
        options: ValidationOptions,
        acceptor: ValidationAcceptor,
        cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None,
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
            diagnostics.push(
                this.toDiagnostic('error', error.message, {
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
                }),
            );
        }
    }
}

/**
 * At most {@link MAX_DIAGNOSTICS} diagnostics, errors first, then by position; when there are
 * more, a note at the first one left out says how many.
 */
export function capDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
    if (diagnostics.length <= MAX_DIAGNOSTICS) {
        return diagnostics;
    }
    const ordered = [...diagnostics].sort(
        (a, b) =>
            (a.severity ?? 1) - (b.severity ?? 1) ||
            a.range.start.line - b.range.start.line ||
            a.range.start.character - b.range.start.character,
    );
    const shown = ordered.slice(0, MAX_DIAGNOSTICS);
    const more = ordered.length - MAX_DIAGNOSTICS;
    shown.push({
        severity: DiagnosticSeverity.Information,
        range: ordered[MAX_DIAGNOSTICS].range,
        message:
            `${more} more problem${more === 1 ? '' : 's'} in this file ${more === 1 ? 'is' : 'are'} not listed (at most ` +
            `${MAX_DIAGNOSTICS} per file); fix the ones above first.`,
        code: SyntaxIssues.tooMany,
        data: { code: SyntaxIssues.tooMany },
    });
    return shown;
}
