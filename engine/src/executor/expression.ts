/**
 * The small expression language the plan carries as source text: flow conditions (`where`, `if`)
 * such as `b.label == truck` or `hazard(f) == construction and r.score < 0.9`, and rule conditions
 * such as `body matches /free money/i and length(body) > 20`. Parsed once into a tree, then
 * evaluated against an environment that resolves names, members and calls. The checker has
 * already typed these expressions, so errors here mean a plan the executor cannot follow.
 */

export type Expr =
    | { kind: 'literal'; value: string | number | boolean }
    | { kind: 'regex'; regex: RegExp }
    | { kind: 'name'; name: string }
    | { kind: 'member'; receiver: Expr; member: string }
    | { kind: 'call'; callee: string; args: Expr[]; text: string }
    | { kind: 'not'; operand: Expr }
    | { kind: 'binary'; op: string; left: Expr; right: Expr };

type Token = {
    kind: 'name' | 'number' | 'string' | 'regex' | 'op' | 'punct';
    text: string;
    value?: string | number | RegExp;
    start: number;
};

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'];

function tokenize(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < source.length) {
        const c = source[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        const start = i;
        if (/[A-Za-z_]/.test(c)) {
            while (i < source.length && /[A-Za-z0-9_]/.test(source[i])) {
                i++;
            }
            tokens.push({ kind: 'name', text: source.slice(start, i), start });
        } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
            i++;
            while (i < source.length && /[0-9.]/.test(source[i])) {
                i++;
            }
            let value = Number(source.slice(start, i));
            if (source[i] === '%') {
                value /= 100;
                i++;
            }
            tokens.push({ kind: 'number', text: source.slice(start, i), value, start });
        } else if (c === '$' && /[0-9]/.test(source[i + 1] ?? '')) {
            i++;
            while (i < source.length && /[0-9.]/.test(source[i])) {
                i++;
            }
            tokens.push({ kind: 'number', text: source.slice(start, i), value: Number(source.slice(start + 1, i)), start });
        } else if (c === '"') {
            let value = '';
            i++;
            while (i < source.length && source[i] !== '"') {
                if (source[i] === '\\') {
                    const e = source[++i];
                    value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
                } else {
                    value += source[i];
                }
                i++;
            }
            i++;
            tokens.push({ kind: 'string', text: source.slice(start, i), value, start });
        } else if (c === '/') {
            i++;
            while (i < source.length && source[i] !== '/') {
                i += source[i] === '\\' ? 2 : 1;
            }
            const body = source.slice(start + 1, i);
            i++;
            const flagsStart = i;
            while (i < source.length && /[gimsuy]/.test(source[i])) {
                i++;
            }
            // `g` and `y` make test() stateful; a condition must give the same answer every time.
            const flags = source.slice(flagsStart, i).replace(/[gy]/g, '');
            tokens.push({ kind: 'regex', text: source.slice(start, i), value: new RegExp(body, flags), start });
        } else {
            const op = OPERATORS.find((o) => source.startsWith(o, i));
            if (op) {
                tokens.push({ kind: 'op', text: op, start });
                i += op.length;
            } else if ('().,'.includes(c)) {
                tokens.push({ kind: 'punct', text: c, start });
                i++;
            } else {
                throw new SyntaxError(`unexpected '${c}' at column ${i + 1} of \`${source}\``);
            }
        }
    }
    return tokens;
}

/** Parses an expression's source text. Throws SyntaxError naming the text. */
export function parseExpression(source: string): Expr {
    const tokens = tokenize(source);
    let at = 0;
    const peek = () => tokens[at];
    const fail = (what: string): never => {
        throw new SyntaxError(`${what} in \`${source}\``);
    };
    const expect = (text: string) => {
        if (peek()?.text !== text) {
            fail(`expected '${text}'`);
        }
        at++;
    };
    const isWord = (word: string) => peek()?.kind === 'name' && peek().text === word;

    function or(): Expr {
        let left = and();
        while (isWord('or')) {
            at++;
            left = { kind: 'binary', op: 'or', left, right: and() };
        }
        return left;
    }
    function and(): Expr {
        let left = not();
        while (isWord('and')) {
            at++;
            left = { kind: 'binary', op: 'and', left, right: not() };
        }
        return left;
    }
    function not(): Expr {
        if (isWord('not')) {
            at++;
            return { kind: 'not', operand: not() };
        }
        return comparison();
    }
    function comparison(): Expr {
        const left = member();
        const t = peek();
        if (t?.kind === 'op') {
            at++;
            return { kind: 'binary', op: t.text, left, right: member() };
        }
        if (t?.kind === 'name' && (t.text === 'contains' || t.text === 'matches')) {
            at++;
            return { kind: 'binary', op: t.text, left, right: member() };
        }
        return left;
    }
    function member(): Expr {
        let e = primary();
        while (peek()?.text === '.') {
            at++;
            const name = peek();
            if (name?.kind !== 'name') {
                fail('expected a member name after "."');
            }
            at++;
            e = { kind: 'member', receiver: e, member: name.text };
        }
        return e;
    }
    function primary(): Expr {
        const t = peek();
        if (!t) {
            return fail('unexpected end');
        }
        at++;
        if (t.text === '(') {
            const e = or();
            expect(')');
            return e;
        }
        if (t.kind === 'number' || t.kind === 'string') {
            return { kind: 'literal', value: t.value as string | number };
        }
        if (t.kind === 'regex') {
            return { kind: 'regex', regex: t.value as RegExp };
        }
        if (t.kind === 'name') {
            if (t.text === 'true' || t.text === 'false') {
                return { kind: 'literal', value: t.text === 'true' };
            }
            if (peek()?.text === '(') {
                at++;
                const args: Expr[] = [];
                while (peek()?.text !== ')') {
                    args.push(or());
                    if (peek()?.text === ',') {
                        at++;
                    } else {
                        break;
                    }
                }
                expect(')');
                const end = tokens[at - 1];
                return { kind: 'call', callee: t.text, args, text: source.slice(t.start, end.start + 1) };
            }
            return { kind: 'name', name: t.text };
        }
        return fail(`unexpected '${t.text}'`);
    }
    const e = or();
    if (at < tokens.length) {
        fail(`unexpected '${tokens[at].text}'`);
    }
    return e;
}

/** Resolves what an expression refers to. A name that is not a variable is a label-set member. */
export interface Environment {
    name(name: string): unknown;
    /** A call's value (a task's final label, or a built-in such as `length`). */
    call(expr: Extract<Expr, { kind: 'call' }>, args: () => unknown[]): unknown;
}

/** A value that is not known yet (a label not final): comparisons with it are undecided. */
export const UNKNOWN = Symbol('unknown');

function memberOf(value: unknown, member: string): unknown {
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    if (value !== null && typeof value === 'object' && member in value) {
        return (value as Record<string, unknown>)[member];
    }
    throw new TypeError(`the value ${JSON.stringify(value)?.slice(0, 80)} has no '.${member}'`);
}

function compare(op: string, a: unknown, b: unknown): boolean {
    switch (op) {
        case '==':
            return a === b;
        case '!=':
            return a !== b;
        case '<':
            return (a as number) < (b as number);
        case '<=':
            return (a as number) <= (b as number);
        case '>':
            return (a as number) > (b as number);
        case '>=':
            return (a as number) >= (b as number);
        case 'contains':
            return String(a).includes(String(b));
        case 'matches':
            return (b as RegExp).test(String(a));
    }
    throw new SyntaxError(`unknown operator '${op}'`);
}

/** Evaluates an expression; UNKNOWN when it depends on something not known yet. */
export function evaluate(expr: Expr, env: Environment): unknown {
    switch (expr.kind) {
        case 'literal':
            return expr.value;
        case 'regex':
            return expr.regex;
        case 'name':
            return env.name(expr.name);
        case 'member':
            return memberOf(evaluate(expr.receiver, env), expr.member);
        case 'call':
            return env.call(expr, () => expr.args.map((a) => evaluate(a, env)));
        case 'not': {
            const v = evaluate(expr.operand, env);
            return v === UNKNOWN ? UNKNOWN : !v;
        }
        case 'binary': {
            if (expr.op === 'and' || expr.op === 'or') {
                const l = evaluate(expr.left, env);
                if (expr.op === 'and' && l === false) {
                    return false;
                }
                if (expr.op === 'or' && l === true) {
                    return true;
                }
                const r = evaluate(expr.right, env);
                if (l === UNKNOWN || r === UNKNOWN) {
                    return UNKNOWN;
                }
                return expr.op === 'and' ? Boolean(l) && Boolean(r) : Boolean(l) || Boolean(r);
            }
            const l = evaluate(expr.left, env);
            const r = evaluate(expr.right, env);
            if (l === UNKNOWN || r === UNKNOWN) {
                return UNKNOWN;
            }
            return compare(expr.op, l, r);
        }
    }
}
