/** Types of the built-in library's functions and members (builtins/builtin-library.ts). */
import { classType, valueType, type DprogType } from './type-descriptions.js';

/** A built-in function's parameters: a predicate on each argument's type, and how to say what it wants. */
export interface BuiltinSignature {
    readonly parameters: ReadonlyArray<{
        readonly name: string;
        readonly accepts: (type: DprogType) => boolean;
        readonly expected: string;
    }>;
    readonly returns: DprogType;
}

export const builtinSignatures: Readonly<Record<string, BuiltinSignature>> = {
    crop: {
        parameters: [
            { name: 'image', accepts: (t) => t.kind === 'value' && t.name === 'Image', expected: 'Image' },
            { name: 'region', accepts: (t) => t.kind === 'class' && t.classKind === 'box', expected: 'box<L>' },
        ],
        returns: valueType('Image'),
    },
};

/**
 * The type of a built-in member on a receiver of the given type, or undefined when the receiver
 * has no such member. `.label` is a member of the receiver's label set (typed `choice<L>`).
 */
export function builtinMemberType(member: string, receiver: DprogType): DprogType | undefined {
    switch (member) {
        case 'label':
            return receiver.kind === 'class' && receiver.classKind !== 'choice' && receiver.classKind !== 'choices'
                ? classType('choice', receiver.labelSet, receiver.labelSetName)
                : undefined;
        case 'text':
            return receiver.kind === 'class' && receiver.classKind === 'span' ? valueType('Text') : undefined;
        case 'score':
            return receiver.kind === 'class' || receiver.kind === 'text' || receiver.kind === 'number' || receiver.kind === 'bool'
                ? valueType('Number')
                : undefined;
        case 'path':
            return receiver.kind === 'dataset' && receiver.dataset.format === 'images' ? valueType('String') : undefined;
        case 'image':
            return receiver.kind === 'dataset' && receiver.dataset.format === 'images' ? valueType('Image') : undefined;
        default:
            return undefined;
    }
}
