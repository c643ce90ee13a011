/**
 * Expression trees for the plan (PlanExpression) from the syntax tree: rule conditions here, and
 * the leaves flows share (literals). Flow expressions are built in flows.ts, where task calls
 * become stages and names resolve against the flow's variables.
 */
import {
    isAndCondition,
    isBoolLiteral,
    isContainsCondition,
    isLengthCondition,
    isMatchesCondition,
    isNotCondition,
    isNumberLiteral,
    isOrCondition,
    type Condition,
    type Literal,
} from '../generated/ast.js';
import type { PlanExpression } from '../../../engine/src/plan/types.js';
import { refName } from './ref-name.js';

export function literalTree(literal: Literal): PlanExpression {
    if (isBoolLiteral(literal)) {
        return { kind: 'literal', value: literal.value === true };
    }
    if (isNumberLiteral(literal)) {
        return { kind: 'literal', value: Number(literal.value) };
    }
    return { kind: 'literal', value: literal.value ?? '' };
}

/** A rule's condition: its names are fields of the item the rules label. */
export function conditionTree(condition: Condition): PlanExpression {
    if (isOrCondition(condition) || isAndCondition(condition)) {
        const op = isOrCondition(condition) ? 'or' : 'and';
        return { kind: 'logical', op, left: conditionTree(condition.left), right: conditionTree(condition.right) };
    }
    if (isNotCondition(condition)) {
        return { kind: 'not', operand: conditionTree(condition.operand) };
    }
    const field: PlanExpression = { kind: 'field', of: { kind: 'item' }, name: refName(condition.field) };
    if (isContainsCondition(condition)) {
        return { kind: 'contains', text: field, value: condition.value };
    }
    if (isMatchesCondition(condition)) {
        return { kind: 'matches', text: field, ...regexParts(condition.pattern) };
    }
    if (isLengthCondition(condition)) {
        return {
            kind: 'compare',
            op: condition.op,
            left: { kind: 'length', of: field },
            right: { kind: 'literal', value: condition.value },
        };
    }
    return { kind: 'compare', op: condition.op, left: field, right: literalTree(condition.value) };
}

/** `/body/flags` as written → the pattern and flags JavaScript's RegExp takes. */
export function regexParts(text: string): { pattern: string; flags: string } {
    const end = text.lastIndexOf('/');
    return { pattern: text.slice(1, end), flags: text.slice(end + 1) };
}
