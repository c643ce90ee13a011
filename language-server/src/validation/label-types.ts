/**
 * Label types as written: a number range with its lower bound first, and `list<T>` of a single
 * label type (a list of lists has no annotation tool).
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { isListLabelType, type DprogAstType, type ListLabelType, type NumberLabelType } from '../generated/ast.js';

export const LabelTypeIssues = {
    /** `number in [a, b]` with a > b. */
    numberRange: 'types/number-range',
    /** `list<list<T>>`. */
    nestedList: 'types/nested-list',
} as const;

export const labelTypeChecks: ValidationChecks<DprogAstType> = {
    NumberLabelType: checkNumberRange,
    ListLabelType: checkList,
};

function checkNumberRange(type: NumberLabelType, accept: ValidationAcceptor): void {
    if (type.min !== undefined && type.max !== undefined && type.min > type.max) {
        accept('error', `The range [${type.min}, ${type.max}] is empty: write the lower bound first, [${type.max}, ${type.min}].`, {
            node: type,
            code: LabelTypeIssues.numberRange,
            data: { code: LabelTypeIssues.numberRange, min: type.min, max: type.max },
        });
    }
}

function checkList(type: ListLabelType, accept: ValidationAcceptor): void {
    if (isListLabelType(type.element)) {
        accept('error', `A list holds labels of one type (choice, box, span, …), not other lists.`, {
            node: type,
            property: 'element',
            code: LabelTypeIssues.nestedList,
            data: { code: LabelTypeIssues.nestedList },
        });
    }
}
