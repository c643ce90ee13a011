/**
 * Assignability between dprog types, as pure functions (langium-lox style): whether a value of one
 * type may stand where another is expected, and how to say so when it may not.
 */
import { typeToString, type DprogType } from './type-descriptions.js';

/** Text and String are both character data; they differ only in how a labeler is shown them. */
function isCharacterData(type: DprogType): boolean {
    return (type.kind === 'value' && (type.name === 'Text' || type.name === 'String')) || type.kind === 'text';
}

function isNumeric(type: DprogType): boolean {
    return (type.kind === 'value' && type.name === 'Number') || type.kind === 'number';
}

function isBoolean(type: DprogType): boolean {
    return (type.kind === 'value' && type.name === 'Bool') || type.kind === 'bool';
}

/**
 * True when a value of type `from` may be used where `to` is expected. Error types are assignable
 * both ways, so a problem is reported once, where it starts.
 */
export function isAssignable(from: DprogType, to: DprogType): boolean {
    if (from.kind === 'error' || to.kind === 'error') {
        return true;
    }
    switch (to.kind) {
        case 'dataset':
            return from.kind === 'dataset' && from.dataset === to.dataset;
        case 'value':
            switch (to.name) {
                case 'Text':
                case 'String':
                    return isCharacterData(from);
                case 'Number':
                    return isNumeric(from);
                case 'Bool':
                    return isBoolean(from);
                case 'Image':
                    return from.kind === 'value' && from.name === 'Image';
            }
            return false;
        case 'class':
            return from.kind === 'class' && from.classKind === to.classKind && sameLabelSet(from, to);
        case 'text':
            return from.kind === 'text';
        case 'number':
            return from.kind === 'number' && withinRange(from, to);
        case 'bool':
            return from.kind === 'bool';
        case 'list':
            return from.kind === 'list' && isAssignable(from.element, to.element);
        case 'void':
            return from.kind === 'void';
    }
}

function sameLabelSet(a: Extract<DprogType, { kind: 'class' }>, b: Extract<DprogType, { kind: 'class' }>): boolean {
    if (!a.labelSet || !b.labelSet) {
        return true; // an unresolved label set is reported by the linker
    }
    return a.labelSet === b.labelSet;
}

/** `number in [0, 5]` fits `number in [0, 10]`; an unbounded number fits only an unbounded one. */
function withinRange(from: { min?: number; max?: number }, to: { min?: number; max?: number }): boolean {
    const fromMin = from.min ?? -Infinity;
    const fromMax = from.max ?? Infinity;
    return fromMin >= (to.min ?? -Infinity) && fromMax <= (to.max ?? Infinity);
}

/** Structural equality, for places that need the same type rather than a compatible one (learn). */
export function typesEqual(a: DprogType, b: DprogType): boolean {
    if (a.kind === 'error' || b.kind === 'error') {
        return true;
    }
    return isAssignable(a, b) && isAssignable(b, a);
}

/** Whether two values may be compared with `==`/`!=`, and why not. */
export function comparability(
    left: DprogType,
    right: DprogType,
    operator: string,
): { ok: true } | { ok: false; reason: 'label-sets' | 'types' | 'ordering' } {
    if (left.kind === 'error' || right.kind === 'error') {
        return { ok: true };
    }
    if (operator !== '==' && operator !== '!=') {
        return isNumeric(left) && isNumeric(right) ? { ok: true } : { ok: false, reason: 'ordering' };
    }
    if (left.kind === 'class' || right.kind === 'class') {
        if (left.kind === 'class' && right.kind === 'class' && left.classKind === 'choice' && right.classKind === 'choice') {
            return sameLabelSet(left, right) ? { ok: true } : { ok: false, reason: 'label-sets' };
        }
        return { ok: false, reason: 'types' };
    }
    if (
        (isCharacterData(left) && isCharacterData(right)) ||
        (isNumeric(left) && isNumeric(right)) ||
        (isBoolean(left) && isBoolean(right))
    ) {
        return { ok: true };
    }
    return { ok: false, reason: 'types' };
}

/** `Type 'list<box<Vehicle>>' is not assignable to parameter of type 'Image'.` */
export function notAssignableMessage(from: DprogType, to: DprogType, target: string): string {
    return `Type '${typeToString(from)}' is not assignable to ${target} of type '${typeToString(to)}'.`;
}

/** True for types whose values can be labeled by a `dawid_skene`/`one_coin`/`majority` vote. */
export function isCategorical(type: DprogType): boolean {
    return (type.kind === 'class' && (type.classKind === 'choice' || type.classKind === 'choices')) || type.kind === 'bool';
}

/** True for `box<L>` and `list<box<L>>`, the types `box_consensus` aggregates. */
export function isBoxes(type: DprogType): boolean {
    if (type.kind === 'list') {
        return type.element.kind === 'class' && type.element.classKind === 'box';
    }
    return type.kind === 'class' && type.classKind === 'box';
}
