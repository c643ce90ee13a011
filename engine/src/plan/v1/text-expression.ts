/**
 * v1 UPGRADE ONLY. Plans of format v1 carried flow and rule expressions as source text; this
 * parses that text (its names not yet resolved) so plan/v1/upgrade.ts can turn it into the v2
 * trees. Nothing else reads source text: the compiler makes the trees from the syntax tree.
 */

/** An expression of a v1 plan, parsed; names are as written. */
export type TextExpr =
    | { kind: 'literal'; value: string | number | boolean }
    | { kind: 'regex'; pattern: string; flags: string }
    | { kind: 'name'; name: string }
    | { kind: 'member'; receiver: TextExpr; member: string }
    | { kind: 'call'; callee: string; args: TextExpr[] }
    | { kind: 'not'; operand: TextExpr }
    | { kind: 'binary'; op: string; left: TextExpr; right: TextExpr };

interface Token {
    kind: 'name' | 'number' | 'string' | 'regex' | 'op' | 'punct';
    text: string;
    value?: string | number | { pattern: string; flags: string };
}

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'];
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNamePart = (c: string | undefined) => c !== undefined && (isNameStart(c) || isDigit(c));

/** Splits v1 expression text into tokens. */
class Tokenizer {
    private i = 0;
    readonly tokens: Token[] = [];

    constructor(private readonly source: string) {
        while (this.i < source.length) {
            this.next();
        }
    }

    private next(): void {
        const { source } = this;
        const c = source[this.i];
        const start = this.i;
        if (c.trim() === '') {
            this.i++;
        } else if (isNameStart(c)) {
            this.skipWhile(isNamePart);
            this.tokens.push({ kind: 'name', text: source.slice(start, this.i) });
        } else if (isDigit(c) || ((c === '-' || c === '$') && isDigit(source[this.i + 1]))) {
            this.number(start);
        } else if (c === '"') {
            this.string(start);
        } else if (c === '/') {
            this.regex(start);
        } else {
            this.operator(c);
        }
    }

    private skipWhile(part: (c: string | undefined) => boolean): void {
        while (this.i < this.source.length && part(this.source[this.i])) {
            this.i++;
        }
    }

    private number(start: number): void {
        this.i++;
        this.skipWhile((c) => isDigit(c) || c === '.');
        const money = this.source[start] === '$';
        let value = Number(this.source.slice(money ? start + 1 : start, this.i));
        if (!money && this.source[this.i] === '%') {
            value /= 100;
            this.i++;
        }
        this.tokens.push({ kind: 'number', text: this.source.slice(start, this.i), value });
    }

    private string(start: number): void {
        let value = '';
        this.i++;
        while (this.i < this.source.length && this.source[this.i] !== '"') {
            if (this.source[this.i] === '\\') {
                const e = this.source[++this.i];
                value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
            } else {
                value += this.source[this.i];
            }
            this.i++;
        }
        this.i++;
        this.tokens.push({ kind: 'string', text: this.source.slice(start, this.i), value });
    }

    private regex(start: number): void {
        this.i++;
        while (this.i < this.source.length && this.source[this.i] !== '/') {
            this.i += this.source[this.i] === '\\' ? 2 : 1;
        }
        const pattern = this.source.slice(start + 1, this.i);
        this.i++;
        const flagsStart = this.i;
        this.skipWhile((c) => c !== undefined && 'gimsuy'.includes(c));
        this.tokens.push({
            kind: 'regex',
            text: this.source.slice(start, this.i),
            value: { pattern, flags: this.source.slice(flagsStart, this.i) },
        });
    }

    private operator(c: string): void {
        const op = OPERATORS.find((o) => this.source.startsWith(o, this.i));
        if (op) {
            this.tokens.push({ kind: 'op', text: op });
            this.i += op.length;
        } else if ('().,'.includes(c)) {
            this.tokens.push({ kind: 'punct', text: c });
            this.i++;
        } else {
            throw new SyntaxError(`unexpected '${c}' at column ${this.i + 1} of \`${this.source}\``);
        }
    }
}

/** Parses v1 expression text. Throws SyntaxError quoting the text. */
export function parseTextExpression(source: string): TextExpr {
    return new TextParser(source).parse();
}

/** Recursive descent over the tokens: or → and → not → comparison → member → primary. */
class TextParser {
    private readonly tokens: Token[];
    private at = 0;

    constructor(private readonly source: string) {
        this.tokens = new Tokenizer(source).tokens;
    }

    parse(): TextExpr {
        const e = this.or();
        if (this.at < this.tokens.length) {
            this.fail(`unexpected '${this.tokens[this.at].text}'`);
        }
        return e;
    }

    private peek(): Token | undefined {
        return this.tokens[this.at];
    }

    private fail(what: string): never {
        throw new SyntaxError(`${what} in \`${this.source}\``);
    }

    private isWord(word: string): boolean {
        return this.peek()?.kind === 'name' && this.peek()?.text === word;
    }

    private or(): TextExpr {
        return this.chain('or', () => this.and());
    }

    private and(): TextExpr {
        return this.chain('and', () => this.not());
    }

    /** `next (op next)*`, grouped to the left. */
    private chain(op: 'and' | 'or', next: () => TextExpr): TextExpr {
        let left = next();
        while (this.isWord(op)) {
            this.at++;
            left = { kind: 'binary', op, left, right: next() };
        }
        return left;
    }

    private not(): TextExpr {
        if (this.isWord('not')) {
            this.at++;
            return { kind: 'not', operand: this.not() };
        }
        const left = this.member();
        const t = this.peek();
        if (t?.kind === 'op' || this.isWord('contains') || this.isWord('matches')) {
            this.at++;
            return { kind: 'binary', op: t!.text, left, right: this.member() };
        }
        return left;
    }

    private member(): TextExpr {
        let e = this.primary();
        while (this.peek()?.text === '.') {
            this.at++;
            const name = this.peek();
            if (name?.kind !== 'name') {
                this.fail('expected a member name after "."');
            }
            this.at++;
            e = { kind: 'member', receiver: e, member: name.text };
        }
        return e;
    }

    private primary(): TextExpr {
        const t = this.peek() ?? this.fail('unexpected end');
        this.at++;
        if (t.text === '(') {
            const e = this.or();
            this.expect(')');
            return e;
        }
        if (t.kind === 'number' || t.kind === 'string') {
            return { kind: 'literal', value: t.value as string | number };
        }
        if (t.kind === 'regex') {
            return { kind: 'regex', ...(t.value as { pattern: string; flags: string }) };
        }
        if (t.kind !== 'name') {
            return this.fail(`unexpected '${t.text}'`);
        }
        if (t.text === 'true' || t.text === 'false') {
            return { kind: 'literal', value: t.text === 'true' };
        }
        return this.peek()?.text === '(' ? this.call(t.text) : { kind: 'name', name: t.text };
    }

    private call(callee: string): TextExpr {
        this.at++;
        const args: TextExpr[] = [];
        while (this.peek()?.text !== ')') {
            args.push(this.or());
            if (this.peek()?.text !== ',') {
                break;
            }
            this.at++;
        }
        this.expect(')');
        return { kind: 'call', callee, args };
    }

    private expect(text: string): void {
        if (this.peek()?.text !== text) {
            this.fail(`expected '${text}'`);
        }
        this.at++;
    }
}
