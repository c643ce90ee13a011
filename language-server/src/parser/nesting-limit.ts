/**
 * The nesting limit, checked on the token stream BEFORE the parser recurses. The parser (and the
 * linker, type computer and checks after it) descend once per level of nesting, so a document
 * nested thousands deep would overflow the stack and kill the language server. Depth here counts
 * everything the grammar nests by: open `(` `[` `{`, the `<` of label types, a run of `not`s, and the `else if`s
 * of a chain. A construct that would go deeper than {@link MAX_NESTING} gets one error where it
 * starts, and its tokens (up to where the nesting comes back) are left out of what the parser
 * sees: a bracket keeps its opening and closing token around a placeholder that parses wherever
 * such a bracket can stand (`nested == 0` in parentheses, so expressions and rule conditions stay
 * whole; `text` in `list<…>`; a name in `[…]`; nothing in `{…}`), a run of `not`s and an `else if`
 * chain are dropped. Only the first construct too deep in each top-level declaration is reported.
 */
import type { IToken, TokenType, TokenTypeDictionary } from 'chevrotain';

/** The deepest nesting a program may use (documented in docs/limits.md). */
export const MAX_NESTING = 64;

export interface SkippedRegion {
    /** Offsets of the first and last character left out. */
    start: number;
    end: number;
}

export interface NestingProblem {
    token: IToken;
    message: string;
}

export interface LimitedTokens {
    tokens: IToken[];
    problems: NestingProblem[];
    skipped: SkippedRegion[];
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
/** Label kinds written `kind<LabelSet>`, and the words a label type starts with. */
const CLASS_KINDS = new Set(['choice', 'choices', 'box', 'polygon', 'point', 'span']);
const TYPE_STARTS = new Set([...CLASS_KINDS, 'text', 'number', 'bool', 'list']);

interface Frame {
    closer: string;
    /** `else if`s of the chain now open directly in this frame. */
    elseIfs: number;
}

/** Keeps the tokens within the nesting limit; reports and leaves out the ones beyond it. */
export function limitNesting(tokens: readonly IToken[], tokenTypes: TokenTypeDictionary, max = MAX_NESTING): LimitedTokens {
    const walker = new NestingWalker(tokens, tokenTypes, max);
    return walker.run();
}

/** The placeholder tokens (type name and text) kept inside a bracket whose content is left out. */
const PLACEHOLDERS: Record<string, Array<[string, string]>> = {
    '(': [
        ['ID', 'nested'],
        ['==', '=='],
        ['NUMBER', '0'],
    ],
    '[': [['ID', 'nested']],
    '<': [['text', 'text']],
    '{': [],
};

class NestingWalker {
    private readonly frames: Frame[] = [{ closer: '', elseIfs: 0 }];
    private elseIfTotal = 0;
    private notRun = 0;
    private readonly kept: IToken[] = [];
    private readonly problems: NestingProblem[] = [];
    private readonly skipped: SkippedRegion[] = [];
    /** Whether this top-level declaration already has its nesting error. */
    private reported = false;

    constructor(
        private readonly tokens: readonly IToken[],
        private readonly tokenTypes: TokenTypeDictionary,
        private readonly max: number,
    ) {}

    run(): LimitedTokens {
        for (let i = 0; i < this.tokens.length; ) {
            i = this.step(i);
        }
        return { tokens: this.kept, problems: this.problems, skipped: this.skipped };
    }

    /** The depth a token opening one more level would reach. */
    private depth(): number {
        return this.frames.length - 1 + this.elseIfTotal + this.notRun;
    }

    /** Handles the token at `i`; returns the index of the next token to look at. */
    private step(i: number): number {
        const token = this.tokens[i];
        const image = token.image;
        const next = this.tokens[i + 1]?.image;
        if (image === 'not') {
            if (this.depth() >= this.max) {
                return this.skip(i, i + this.runLength(i, 'not'), 'a run of `not`');
            }
            this.notRun++;
            this.kept.push(token);
            return i + 1;
        }
        this.notRun = 0;
        if (image === 'else' && next === 'if') {
            if (this.depth() >= this.max) {
                return this.skip(i, this.endOfChain(i), 'an `else if` chain');
            }
            this.top().elseIfs++;
            this.elseIfTotal++;
        } else if (this.opens(i)) {
            if (this.depth() >= this.max) {
                return this.replaceBracket(i, `\`${image === '<' ? 'list<' : image}\``);
            }
            this.frames.push({ closer: CLOSERS[image], elseIfs: 0 });
        } else if (this.frames.length > 1 && image === this.top().closer) {
            this.close();
            if (this.frames.length === 1) {
                this.reported = false;
            }
            // A block that is not followed by `else` ends the `if` chain it belonged to.
            if (image === '}' && next !== 'else') {
                this.endChain();
            }
        }
        this.kept.push(token);
        return i + 1;
    }

    /** Whether the token at `i` opens a level: a bracket, or the `<` of a label type (not a comparison). */
    private opens(i: number): boolean {
        const image = this.tokens[i].image;
        if (image !== '<') {
            return image in CLOSERS;
        }
        const before = this.tokens[i - 1]?.image;
        if (before === 'list') {
            return TYPE_STARTS.has(this.tokens[i + 1]?.image ?? '');
        }
        return CLASS_KINDS.has(before ?? '') && this.tokens[i + 2]?.image === '>';
    }

    private top(): Frame {
        return this.frames[this.frames.length - 1];
    }

    private close(): void {
        const frame = this.frames.pop()!;
        this.elseIfTotal -= frame.elseIfs;
    }

    private endChain(): void {
        this.elseIfTotal -= this.top().elseIfs;
        this.top().elseIfs = 0;
    }

    private runLength(i: number, image: string): number {
        let n = 0;
        while (this.tokens[i + n]?.image === image) {
            n++;
        }
        return n;
    }

    /** The index of the token closing the bracket at `i` (or the last token when it is never closed). */
    private matching(i: number): number {
        const open: string[] = [];
        for (let j = i; j < this.tokens.length; j++) {
            const image = this.tokens[j].image;
            if (this.opens(j)) {
                open.push(CLOSERS[image]);
            } else if (image === open[open.length - 1]) {
                open.pop();
                if (open.length === 0) {
                    return j;
                }
            }
        }
        return this.tokens.length - 1;
    }

    /** The index after an `else if … { } else if … { } else { }` chain starting at `i`. */
    private endOfChain(i: number): number {
        let j = i;
        while (this.tokens[j]?.image === 'else') {
            let brace = j + 1;
            while (brace < this.tokens.length && this.tokens[brace].image !== '{') {
                brace++;
            }
            if (brace >= this.tokens.length) {
                return this.tokens.length;
            }
            j = this.matching(brace) + 1;
        }
        return j;
    }

    /** Reports the construct at `from` and leaves out tokens `from` … `to - 1`. */
    private skip(from: number, to: number, what: string): number {
        this.report(from, to, what);
        return Math.max(to, from + 1);
    }

    /** Reports the bracket at `i` and keeps only it, one placeholder name and its closing bracket. */
    private replaceBracket(i: number, what: string): number {
        const close = this.matching(i);
        const opener = this.tokens[i];
        this.report(i, close + 1, what);
        this.kept.push(opener);
        const at = endOf(opener) + 1;
        const column = (opener.endColumn ?? 0) + 1;
        for (const [typeName, image] of PLACEHOLDERS[opener.image]) {
            const tokenType: TokenType = this.tokenTypes[typeName];
            // Zero-width at the bracket's inside, so positions stay in order and inside the left-out region.
            this.kept.push({
                ...opener,
                image,
                tokenType,
                tokenTypeIdx: tokenType.tokenTypeIdx!,
                startOffset: at,
                endOffset: at,
                startColumn: column,
                endColumn: column,
            });
        }
        if (close > i && this.tokens[close].image === CLOSERS[opener.image]) {
            this.kept.push(this.tokens[close]);
        }
        return close + 1;
    }

    private report(from: number, to: number, what: string): void {
        const first = this.tokens[from];
        const last = this.tokens[Math.max(from, Math.min(to, this.tokens.length) - 1)];
        this.skipped.push({ start: first.startOffset, end: endOf(last) });
        if (this.reported) {
            return;
        }
        this.reported = true;
        this.problems.push({
            token: first,
            message:
                `Nesting too deep: ${what} here goes beyond ${this.max} levels (brackets, braces, \`list<\`, \`not\` and ` +
                `\`else if\` counted together). Name a part with \`let\`, or move it into its own task or flow.`,
        });
    }
}

function endOf(token: IToken): number {
    return token.endOffset ?? token.startOffset + token.image.length - 1;
}
