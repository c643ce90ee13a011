/**
 * Evaluates the plan's expression trees (PlanExpression): flow conditions, loop lists and stage
 * inputs, and rule conditions. The compiler has resolved every name and the checker has typed the
 * expression, so a failure here means a value the plan did not expect (an answer without a
 * member, say), reported as a TypeError.
 */
import type { RotatedBox } from '../data/boxes.js';
import type { PlanCompareOp, PlanExpression } from '../plan/types.js';

/** A value that is not known yet (a label not final): comparisons with it are undecided. */
export const UNKNOWN = Symbol('unknown');

/** What an expression's leaves refer to, for one stage item. */
export interface Scope {
    /** The flow's item (its fields, `key` and `split`). */
    item(): unknown;
    /** The element of the enclosing loop at `depth` (0 outermost), or UNKNOWN while it is not bound. */
    loop(depth: number): unknown;
    /** The final label of a stage for this item, or UNKNOWN while it is not final. */
    result(stage: string): unknown;
}

/** A derived `crop(image, region)` value: cut out when a model or a person needs it. */
export interface Crop {
    kind: 'crop';
    image: string;
    box: RotatedBox;
}

export function isCrop(value: unknown): value is Crop {
    return typeof value === 'object' && value !== null && (value as Crop).kind === 'crop';
}

/** Evaluates an expression; UNKNOWN when it depends on something not known yet. */
export function evaluate(expr: PlanExpression, scope: Scope): unknown {
    switch (expr.kind) {
        case 'literal':
            return expr.value;
        case 'item':
            return scope.item();
        case 'loop':
            return scope.loop(expr.depth);
        case 'result':
            return scope.result(expr.stage);
        case 'labelMember':
            return expr.name;
        case 'parameter':
            throw new TypeError(
                `the flow parameter '${expr.name}' has no value when its flow runs on its own; call the flow from another flow`,
            );
        case 'field':
            return fieldOf(evaluate(expr.of, scope), expr.name);
        case 'crop':
            return crop(evaluate(expr.image, scope), evaluate(expr.region, scope));
        case 'length':
            return known(evaluate(expr.of, scope), (v) => (Array.isArray(v) ? v.length : String(v).length));
        case 'not':
            return known(evaluate(expr.operand, scope), (v) => !v);
        case 'logical':
            return logical(expr.op, expr.left, expr.right, scope);
        case 'compare': {
            const left = evaluate(expr.left, scope);
            const right = evaluate(expr.right, scope);
            return left === UNKNOWN || right === UNKNOWN ? UNKNOWN : compare(expr.op, left, right);
        }
        case 'contains':
            return known(evaluate(expr.text, scope), (v) => String(v).includes(expr.value));
        case 'matches':
            return known(evaluate(expr.text, scope), (v) => patternOf(expr).test(String(v)));
    }
}

/** `f(value)`, or UNKNOWN when the value is not known. */
function known(value: unknown, f: (value: unknown) => unknown): unknown {
    return value === UNKNOWN ? UNKNOWN : f(value);
}

function fieldOf(value: unknown, name: string): unknown {
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    if (value !== null && typeof value === 'object' && name in value) {
        return (value as Record<string, unknown>)[name];
    }
    throw new TypeError(`the value ${JSON.stringify(value)?.slice(0, 80)} has no '.${name}'`);
}

function crop(image: unknown, region: unknown): unknown {
    if (image === UNKNOWN || region === UNKNOWN) {
        return UNKNOWN;
    }
    return { kind: 'crop', image: String(image), box: region as RotatedBox } satisfies Crop;
}

/** `and`/`or`: the left side decides alone when it can, so an unknown right side does not matter then. */
function logical(op: 'and' | 'or', left: PlanExpression, right: PlanExpression, scope: Scope): unknown {
    const l = evaluate(left, scope);
    if (op === 'and' && l === false) {
        return false;
    }
    if (op === 'or' && l === true) {
        return true;
    }
    const r = evaluate(right, scope);
    if (l === UNKNOWN || r === UNKNOWN) {
        return UNKNOWN;
    }
    return op === 'and' ? Boolean(l) && Boolean(r) : Boolean(l) || Boolean(r);
}

function compare(op: PlanCompareOp, a: unknown, b: unknown): boolean {
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
    }
}

const patterns = new WeakMap<object, RegExp>();

/** A `matches` node's regular expression, built once; `g` and `y` are dropped (they make test() stateful). */
function patternOf(expr: Extract<PlanExpression, { kind: 'matches' }>): RegExp {
    let pattern = patterns.get(expr);
    if (!pattern) {
        const flags = [...expr.flags].filter((f) => f !== 'g' && f !== 'y').join('');
        pattern = new RegExp(expr.pattern, flags);
        patterns.set(expr, pattern);
    }
    return pattern;
}

/** Whether an expression reads the element of any enclosing loop. */
export function readsLoop(expr: PlanExpression): boolean {
    return expr.kind === 'loop' || children(expr).some(readsLoop);
}

/** The stages whose results an expression reads. */
export function resultsRead(expr: PlanExpression): string[] {
    return expr.kind === 'result' ? [expr.stage] : children(expr).flatMap(resultsRead);
}

function children(expr: PlanExpression): PlanExpression[] {
    switch (expr.kind) {
        case 'field':
        case 'length':
            return [expr.of];
        case 'crop':
            return [expr.image, expr.region];
        case 'not':
            return [expr.operand];
        case 'logical':
        case 'compare':
            return [expr.left, expr.right];
        case 'contains':
        case 'matches':
            return [expr.text];
        default:
            return [];
    }
}
