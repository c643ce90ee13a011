/**
 * dprog's lexer: Langium's, followed by the nesting limit, so the parser never sees nesting it
 * would overflow the stack on. The limit's errors are lexing errors at the token where the
 * nesting goes too deep; the regions left out travel with the lexing report so that parse errors
 * their absence causes are not reported on top.
 */
import { DefaultLexer, type LexerResult, type LexingReport, type TokenizeOptions } from 'langium';
import type { ILexingError } from 'chevrotain';
import { limitNesting, type SkippedRegion } from './nesting-limit.js';

export interface DprogLexingReport extends LexingReport {
    /** Where nesting goes too deep (reported by the document validator with their own code). */
    nesting?: ILexingError[];
    /** Token regions left out because they nest too deep. */
    skipped?: SkippedRegion[];
}

export class DprogLexer extends DefaultLexer {
    override tokenize(text: string, options?: TokenizeOptions): LexerResult {
        const result = super.tokenize(text, options);
        const limited = limitNesting(result.tokens, this.definition);
        if (limited.problems.length === 0) {
            return result;
        }
        const nesting: ILexingError[] = limited.problems.map(({ token, message }) => ({
            offset: token.startOffset,
            line: token.startLine ?? 1,
            column: token.startColumn ?? 1,
            length: token.image.length,
            message,
        }));
        const report: DprogLexingReport = { diagnostics: result.report?.diagnostics ?? [], nesting, skipped: limited.skipped };
        return { ...result, tokens: limited.tokens, report };
    }
}

/** Whether a parse error at `offset` falls in (or right after) a region the nesting limit left out. */
export function inSkippedRegion(report: LexingReport | undefined, offset: number): boolean {
    const skipped = (report as DprogLexingReport | undefined)?.skipped ?? [];
    return skipped.some((region) => offset >= region.start && offset <= region.end + 1);
}

/** The nesting-limit errors of a lexing report. */
export function nestingProblems(report: LexingReport | undefined): readonly ILexingError[] {
    return (report as DprogLexingReport | undefined)?.nesting ?? [];
}
