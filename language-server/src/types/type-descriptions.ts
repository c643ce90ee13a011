/**
 * The types of dprog values, as plain data. Label sets are types: `choice<Verdict>` is one member
 * of Verdict. An item of a dataset has the dataset's type; its fields have value types.
 */
import type { Dataset, LabelSet } from '../generated/ast.js';

export type ValueTypeName = 'Text' | 'String' | 'Number' | 'Bool' | 'Image';
export type ClassKind = 'choice' | 'choices' | 'box' | 'polygon' | 'point' | 'span';

export type DprogType =
    | DatasetItemType
    | ValueType
    | ClassType
    | TextLabelType
    | NumberLabelType
    | BoolLabelType
    | ListType
    | VoidType
    | ErrorType;

/** One item of a dataset (a task or flow parameter typed by a dataset). */
export interface DatasetItemType {
    readonly kind: 'dataset';
    readonly dataset: Dataset;
}

export interface ValueType {
    readonly kind: 'value';
    readonly name: ValueTypeName;
}

/** `choice<L>`, `choices<L>`, `box<L>`, `polygon<L>`, `point<L>`, `span<L>`. */
export interface ClassType {
    readonly kind: 'class';
    readonly classKind: ClassKind;
    readonly labelSet: LabelSet | undefined;
    /** The label set's name as written, kept for messages when it does not resolve. */
    readonly labelSetName: string;
}

export interface TextLabelType {
    readonly kind: 'text';
}

export interface NumberLabelType {
    readonly kind: 'number';
    readonly min?: number;
    readonly max?: number;
}

export interface BoolLabelType {
    readonly kind: 'bool';
}

export interface ListType {
    readonly kind: 'list';
    readonly element: DprogType;
}

/** What a flow call gives back: nothing (flows label; they do not return values). */
export interface VoidType {
    readonly kind: 'void';
}

export const voidType: VoidType = { kind: 'void' };

/** A type that could not be computed (an unresolved name, a syntax error); never reported twice. */
export interface ErrorType {
    readonly kind: 'error';
}

export const errorType: ErrorType = { kind: 'error' };

export function valueType(name: ValueTypeName): ValueType {
    return { kind: 'value', name };
}

export function classType(classKind: ClassKind, labelSet: LabelSet | undefined, labelSetName = labelSet?.name ?? '?'): ClassType {
    return { kind: 'class', classKind, labelSet, labelSetName };
}

export function listType(element: DprogType): ListType {
    return { kind: 'list', element };
}

/** The label set a type is about, looking through lists: `list<box<Vehicle>>` → Vehicle. */
export function labelSetOf(type: DprogType): LabelSet | undefined {
    if (type.kind === 'class') {
        return type.labelSet;
    }
    if (type.kind === 'list') {
        return labelSetOf(type.element);
    }
    return undefined;
}

/** How a type is written in a program: `list<box<Vehicle>>`, `Image`, `number in [0, 5]`. */
export function typeToString(type: DprogType): string {
    switch (type.kind) {
        case 'dataset':
            return type.dataset.name;
        case 'value':
            return type.name;
        case 'class':
            return `${type.classKind}<${type.labelSet?.name ?? type.labelSetName}>`;
        case 'text':
            return 'text';
        case 'number':
            return type.min !== undefined && type.max !== undefined ? `number in [${type.min}, ${type.max}]` : 'number';
        case 'bool':
            return 'bool';
        case 'list':
            return `list<${typeToString(type.element)}>`;
        case 'void':
            return 'void';
        case 'error':
            return 'unknown';
    }
}

/** True for types that are labels (the outputs of tasks and labelers), as opposed to data. */
export function isLabelType(type: DprogType): boolean {
    return type.kind === 'class' || type.kind === 'text' || type.kind === 'number' || type.kind === 'bool' || type.kind === 'list';
}
