/**
 * Syntax error messages a person can act on. Chevrotain's defaults list every token sequence the
 * parser could accept: since any keyword may be a name, that is often 200 lines of `[ID, (]`,
 * `[program, (]`, …. These say what kind of thing was expected, after what, and what was found:
 * "Expected a name, '(' or a number after '=', but found '}'."
 */
import type { IToken, TokenType } from 'chevrotain';
import { DefaultLexerErrorMessageProvider, LangiumParserErrorMessageProvider } from 'langium';

const TERMINALS: Record<string, string> = {
    ID: 'a name',
    STRING: 'a string',
    NUMBER: 'a number',
    PERCENT: 'a percentage',
    MONEY: 'an amount like $0.05',
    REGEX: 'a regular expression like /…/i',
    EOF: 'the end of the file',
};

/** Words that start a top-level declaration. */
const DECLARATION_KEYWORDS = new Set(['dataset', 'labels', 'labeler', 'rules', 'task', 'flow', 'learn', 'monitor', 'import', 'program']);

/** Characters no token starts with, explained in the terms of the language. */
export class DprogLexerErrorMessageProvider extends DefaultLexerErrorMessageProvider {
    override buildUnexpectedCharactersMessage(
        fullText: string,
        startOffset: number,
        length: number,
        line?: number,
        column?: number,
    ): string {
        const text = fullText.substring(startOffset, startOffset + length);
        const where = line !== undefined && column !== undefined ? ` (line ${line}, column ${column})` : '';
        if (text.startsWith('$')) {
            return fullText[startOffset + 1] === '-'
                ? `Amounts cannot be negative${where}: write an amount like $1 or $0.05.`
                : `'$' starts an amount and needs digits after it${where}, e.g. $0.05.`;
        }
        if (text.startsWith('%')) {
            return `'%' goes right after a number${where}, e.g. 80%.`;
        }
        if (text.startsWith('"')) {
            return `A string is not closed on its line${where}: add the closing '"'.`;
        }
        return `Unexpected character '${text}'${where}; it is not part of the language here.`;
    }
}

/** How many alternatives to name before "…". */
const MAX_LISTED = 10;

export class DprogParserErrorMessageProvider extends LangiumParserErrorMessageProvider {
    override buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
        if (options.expected.name === 'EOF') {
            return this.buildNotAllInputParsedMessage({ firstRedundant: options.actual, ruleName: options.ruleName });
        }
        if (options.expected.name === '}' && DECLARATION_KEYWORDS.has(options.actual.image)) {
            // The next declaration began while a block was still open.
            return `A '{' above is not closed: add '}' before '${options.actual.image}' on line ${options.actual.startLine ?? '?'}.`;
        }
        return `Expected ${describe(options.expected)}${after(options.previous)}, but found ${found(options.actual)}.`;
    }

    override buildNoViableAltMessage(options: {
        expectedPathsPerAlt: TokenType[][][];
        actual: IToken[];
        previous: IToken;
        ruleName: string;
    }): string {
        const firsts = options.expectedPathsPerAlt
            .flat()
            .map((path) => path[0])
            .filter((t): t is TokenType => t !== undefined);
        return `Expected ${alternatives(firsts)}${after(options.previous)}, but found ${found(options.actual[0])}.`;
    }

    override buildEarlyExitMessage(options: {
        expectedIterationPaths: TokenType[][];
        actual: IToken[];
        previous: IToken;
        ruleName: string;
    }): string {
        const firsts = options.expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => t !== undefined);
        return `Expected at least one of ${alternatives(firsts)}${after(options.previous)}, but found ${found(options.actual[0])}.`;
    }

    override buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
        const token = options.firstRedundant;
        if (token.image === '}') {
            return "Unexpected '}': no block is open here.";
        }
        return `Unexpected ${found(token)}: expected a declaration (dataset, labels, labeler, rules, task, flow, learn or monitor).`;
    }
}

/** The distinct first tokens, in words. Where a name fits, the keywords (also names) go unsaid. */
function alternatives(tokens: TokenType[]): string {
    const names = [...new Set(tokens.map((t) => t.name))];
    const namesFit = names.includes('ID');
    const listed = names
        .filter((name) => !(namesFit && /^[A-Za-z_]\w*$/.test(name) && !(name in TERMINALS)))
        .map((name) => TERMINALS[name] ?? `'${name}'`);
    if (listed.length > MAX_LISTED) {
        return `${listed.slice(0, MAX_LISTED).join(', ')}, …`;
    }
    if (listed.length <= 1) {
        return listed[0] ?? 'something else';
    }
    return `${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}`;
}

function describe(type: TokenType): string {
    return TERMINALS[type.name] ?? `'${type.name}'`;
}

function after(previous: IToken | undefined): string {
    return previous?.image && previous.tokenType?.name !== 'EOF' ? ` after '${previous.image}'` : '';
}

function found(token: IToken | undefined): string {
    if (!token || token.tokenType?.name === 'EOF') {
        return 'the end of the file';
    }
    return `'${token.image}'`;
}
