/** The marker syntax of the validation resources, and that a disagreement is reported. */
import { describe, expect, test } from 'vitest';
import { mismatches, parseMarkers, type Found } from './markers.js';

const source = ['// $TEST$ error "names/duplicate"', 'labels »A« { x }', '// $TEST$ no warning "unused/label-set"'].join('\n');

describe('validation markers', () => {
    test('markers are removed and become 0-based ranges', () => {
        const marked = parseMarkers(source);
        expect(marked.text).toBe(source.replace(/[»«]/g, ''));
        expect(marked.expectations[0]).toMatchObject({
            kind: 'present',
            severity: 'error',
            code: 'names/duplicate',
            line: 1,
            range: { start: { line: 1, character: 7 }, end: { line: 1, character: 8 } },
        });
        expect(marked.expectations[1]).toMatchObject({ kind: 'absent', severity: 'warning', code: 'unused/label-set' });
    });

    test('a missing, misplaced, forbidden or unexpected diagnostic is a mismatch', () => {
        const { expectations } = parseMarkers(source);
        const at = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });
        const right: Found = { severity: 'error', code: 'names/duplicate', message: 'm', range: at(1, 7, 8) };
        expect(mismatches([right], expectations)).toEqual([]);
        expect(mismatches([], expectations)).toHaveLength(1);
        expect(mismatches([{ ...right, range: at(1, 0, 6) }], expectations)).toHaveLength(2);
        expect(
            mismatches([right, { severity: 'warning', code: 'unused/label-set', message: 'm', range: at(1, 7, 8) }], expectations),
        ).toHaveLength(1);
        expect(mismatches([right, { ...right, code: 'other/error' }], expectations)).toHaveLength(1);
    });

    test('a $TEST$ without a range after it is a mistake in the resource', () => {
        expect(() => parseMarkers('labels »A« { x }\n// $TEST$ error "names/duplicate"')).toThrow(/no »…« range/);
    });
});
