/**
 * Rules labelers (weak supervision): they vote for a member of a `choice<L>`, and each condition
 * fits its field's type (`contains`/`matches`/`length` need text, ordering needs a number) and
 * has a valid regular expression. Rule members outside the label set are reported by the linker
 * (code 'labels/unknown-member').
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import {
    isBoolLiteral,
    isClassLabelType,
    isField,
    isNumberLiteral,
    isStringLiteral,
    type CompareCondition,
    type ContainsCondition,
    type DprogAstType,
    type LengthCondition,
    type MatchesCondition,
    type Member,
    type RulesLabeler,
} from '../generated/ast.js';
import { parseRegexLiteral } from './regex.js';

export const RuleIssues = {
    /** A rules labeler whose output is not `choice<L>`. */
    outputType: 'rule/output-type',
    /** A condition over a field of the wrong type (data: field, fieldType). */
    fieldType: 'rule/field-type',
    /** A regular expression that does not compile. */
    invalidRegex: 'rule/invalid-regex',
    /** A rules labeler without rules. */
    empty: 'rule/empty',
} as const;

export const ruleChecks: ValidationChecks<DprogAstType> = {
    RulesLabeler: checkRulesLabeler,
    ContainsCondition: (c, accept) => requireText(c, 'contains', accept),
    MatchesCondition: checkMatches,
    LengthCondition: (c, accept) => requireText(c, 'length()', accept),
    CompareCondition: checkCompare,
};

function checkRulesLabeler(rules: RulesLabeler, accept: ValidationAcceptor): void {
    if (rules.output && !(isClassLabelType(rules.output) && rules.output.kind === 'choice')) {
        accept('error', `Rules vote for one member of a label set, so their output must be 'choice<L>'.`, {
            node: rules,
            property: 'output',
            code: RuleIssues.outputType,
            data: { code: RuleIssues.outputType },
        });
    }
    if (rules.rules.length === 0) {
        accept('warning', `Rules '${rules.name}' has no rules, so it never votes.`, {
            node: rules,
            property: 'name',
            code: RuleIssues.empty,
            data: { code: RuleIssues.empty },
        });
    }
}

/** The value type of a condition's field, or undefined when it does not resolve (reported by the linker). */
function fieldType(member: Member | undefined): string | undefined {
    if (isField(member)) {
        return member.type;
    }
    if (member?.name === 'path') {
        return 'String';
    }
    return member?.name === 'image' ? 'Image' : undefined;
}

function requireText(condition: ContainsCondition | LengthCondition | MatchesCondition, what: string, accept: ValidationAcceptor): void {
    const type = fieldType(condition.field?.ref);
    if (type && type !== 'Text' && type !== 'String') {
        accept('error', `'${what}' needs a Text or String field, but '${condition.field?.$refText}' is ${type}.`, {
            node: condition,
            property: 'field',
            code: RuleIssues.fieldType,
            data: { code: RuleIssues.fieldType, field: condition.field?.$refText, fieldType: type },
        });
    }
}

function checkMatches(condition: MatchesCondition, accept: ValidationAcceptor): void {
    requireText(condition, 'matches', accept);
    if (condition.pattern) {
        const parsed = parseRegexLiteral(condition.pattern);
        if ('error' in parsed) {
            accept('error', `Invalid regular expression ${condition.pattern}: ${parsed.error}.`, {
                node: condition,
                property: 'pattern',
                code: RuleIssues.invalidRegex,
                data: { code: RuleIssues.invalidRegex },
            });
        }
    }
}

function checkCompare(condition: CompareCondition, accept: ValidationAcceptor): void {
    const type = fieldType(condition.field?.ref);
    const value = condition.value;
    if (!type || !value) {
        return;
    }
    const field = condition.field?.$refText;
    const equality = condition.op === '==' || condition.op === '!=';
    const report = (message: string): void =>
        accept('error', message, {
            node: condition,
            property: 'field',
            code: RuleIssues.fieldType,
            data: { code: RuleIssues.fieldType, field, fieldType: type },
        });
    if (!equality && type !== 'Number') {
        report(`'${condition.op}' needs a Number field, but '${field}' is ${type}.`);
    } else if (type === 'Number' && !isNumberLiteral(value)) {
        report(`'${field}' is a Number field; compare it with a number.`);
    } else if ((type === 'Text' || type === 'String') && !isStringLiteral(value)) {
        report(`'${field}' is a ${type} field; compare it with a string such as "…".`);
    } else if (type === 'Bool' && !isBoolLiteral(value)) {
        report(`'${field}' is a Bool field; compare it with true or false.`);
    } else if (type === 'Image') {
        report(`'${field}' is an Image field; rules can only test text, numbers and booleans.`);
    }
}
