/** Written types (AST) and computed types as plan types. */
import {
    isBoolLabelType,
    isClassLabelType,
    isDatasetTypeRef,
    isListLabelType,
    isNumberLabelType,
    isTextLabelType,
    isValueTypeExpr,
    type LabelType,
    type Parameter,
} from '../generated/ast.js';
import type { PlanLabelType, PlanParameter, PlanValueType } from '../../../engine/src/plan/types.js';
import { refName } from './ref-name.js';

/** A written label type as a plan type; `undefined` for an incomplete (unparsed) one. */
export function planLabelType(node: LabelType | undefined): PlanLabelType | undefined {
    if (isClassLabelType(node)) {
        const labelSet = refName(node.labelSet);
        return { kind: node.kind as 'choice', labelSet, text: `${node.kind}<${labelSet}>` };
    }
    if (isTextLabelType(node)) {
        return { kind: 'text', text: 'text' };
    }
    if (isNumberLabelType(node)) {
        const min = node.min ?? null;
        const max = node.max ?? null;
        return { kind: 'number', min, max, text: min !== null && max !== null ? `number in [${min}, ${max}]` : 'number' };
    }
    if (isBoolLabelType(node)) {
        return { kind: 'bool', text: 'bool' };
    }
    if (isListLabelType(node)) {
        const element = planLabelType(node.element);
        return element ? { kind: 'list', element, text: `list<${element.text}>` } : undefined;
    }
    return undefined;
}

/** The label set a label type is about, looking through lists. */
export function labelSetName(type: PlanLabelType | null | undefined): string | undefined {
    if (!type) {
        return undefined;
    }
    if (type.kind === 'list') {
        return labelSetName(type.element);
    }
    return 'labelSet' in type ? type.labelSet : undefined;
}

export function planParameters(params: Parameter[]): PlanParameter[] {
    return params.map((param) => {
        const type = param.type;
        if (isDatasetTypeRef(type)) {
            const dataset = refName(type.dataset);
            return { name: param.name, type: { kind: 'dataset', dataset, text: dataset } };
        }
        if (isValueTypeExpr(type)) {
            return { name: param.name, type: { kind: 'value', type: type.name as PlanValueType, text: type.name } };
        }
        const label = planLabelType(type as LabelType);
        if (!label) {
            throw new Error(`parameter ${param.name} has no type`);
        }
        return { name: param.name, type: { kind: 'label', type: label, text: label.text } };
    });
}
