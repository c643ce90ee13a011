/** Assignability and comparability of dprog types, as pure functions. */
import { describe, expect, test } from 'vitest';
import type { Dataset, LabelSet } from '../../../language-server/src/generated/ast.js';
import {
    comparability,
    isAssignable,
    isBoxes,
    isCategorical,
    notAssignableMessage,
    typesEqual,
} from '../../../language-server/src/types/assignability.js';
import {
    classType,
    errorType,
    listType,
    typeToString,
    valueType,
    voidType,
    type DprogType,
} from '../../../language-server/src/types/type-descriptions.js';

const vehicle = { name: 'Vehicle', members: [] } as unknown as LabelSet;
const hazard = { name: 'Hazard', members: [] } as unknown as LabelSet;
const frames = { name: 'frames', format: 'images' } as unknown as Dataset;
const boxes = listType(classType('box', vehicle));

describe('isAssignable', () => {
    const cases: Array<[DprogType, DprogType, boolean]> = [
        [valueType('Image'), valueType('Image'), true],
        [boxes, valueType('Image'), false],
        [valueType('String'), valueType('Text'), true],
        [{ kind: 'text' }, valueType('Text'), true],
        [valueType('Number'), valueType('Text'), false],
        [{ kind: 'number', min: 0, max: 5 }, { kind: 'number', min: 0, max: 10 }, true],
        [{ kind: 'number', min: 0, max: 50 }, { kind: 'number', min: 0, max: 10 }, false],
        [classType('choice', vehicle), classType('choice', vehicle), true],
        [classType('choice', vehicle), classType('choice', hazard), false],
        [classType('box', vehicle), classType('choice', vehicle), false],
        [boxes, listType(classType('box', vehicle)), true],
        [boxes, listType(classType('box', hazard)), false],
        [{ kind: 'dataset', dataset: frames }, { kind: 'dataset', dataset: frames }, true],
        [{ kind: 'dataset', dataset: frames }, valueType('Image'), false],
        [voidType, valueType('Bool'), false],
        [errorType, valueType('Image'), true],
        [valueType('Image'), errorType, true],
    ];
    test.each(cases.map(([from, to, expected]) => [typeToString(from), typeToString(to), expected, from, to] as const))(
        '%s → %s: %s',
        (_f, _t, expected, from, to) => {
            expect(isAssignable(from, to)).toBe(expected);
        },
    );

    test('typesEqual needs both directions', () => {
        expect(typesEqual({ kind: 'number', min: 0, max: 5 }, { kind: 'number', min: 0, max: 10 })).toBe(false);
        expect(typesEqual(boxes, listType(classType('box', vehicle)))).toBe(true);
    });
});

describe('comparability', () => {
    test('labels compare only within one label set', () => {
        expect(comparability(classType('choice', vehicle), classType('choice', vehicle), '==')).toEqual({ ok: true });
        expect(comparability(classType('choice', vehicle), classType('choice', hazard), '==')).toEqual({ ok: false, reason: 'label-sets' });
        expect(comparability(boxes, classType('choice', vehicle), '!=')).toEqual({ ok: false, reason: 'types' });
    });
    test('ordering needs numbers', () => {
        expect(comparability(valueType('Number'), { kind: 'number' }, '<')).toEqual({ ok: true });
        expect(comparability(valueType('Text'), valueType('Text'), '<')).toEqual({ ok: false, reason: 'ordering' });
    });
});

describe('messages and categories', () => {
    test('a person-readable assignability message', () => {
        expect(notAssignableMessage(boxes, valueType('Image'), 'parameter')).toBe(
            "Type 'list<box<Vehicle>>' is not assignable to parameter of type 'Image'.",
        );
    });
    test('aggregation categories', () => {
        expect(isBoxes(boxes)).toBe(true);
        expect(isBoxes(classType('box', vehicle))).toBe(true);
        expect(isBoxes(classType('choice', vehicle))).toBe(false);
        expect(isCategorical({ kind: 'bool' })).toBe(true);
        expect(isCategorical(classType('choices', vehicle))).toBe(true);
        expect(isCategorical(boxes)).toBe(false);
    });
});
