/**
 * The hook through which the compiler tells the checker a label set's previous version: with it,
 * a `from` naming a member the previous version lacked is an error (language.md §10).
 */
import { describe, expect, test } from 'vitest';
import { createTestServices, diagnosticLines } from '../helpers.js';

const program = `labels Vehicle {
    car
    pickup from truck
    cycle  from [bicycle, scootr]
}`;

describe('from migrations against the previous version', () => {
    test('unknown previous version: each from is a warning', async () => {
        const t = await createTestServices();
        const lines = diagnosticLines(await t.parse(program));
        expect(lines.filter((l) => l.startsWith('warning labels/from-unverified'))).toHaveLength(3);
        expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    });

    test('known previous version: a member it did not have is an error with a suggestion', async () => {
        const t = await createTestServices();
        t.services.validation.PreviousVersions.setProvider((labelSet) =>
            labelSet.name === 'Vehicle' ? ['car', 'truck', 'bicycle', 'scooter'] : undefined,
        );
        const document = await t.parse(program);
        expect(diagnosticLines(document)).toEqual([
            "error labels/from-unknown-member: The previous version of 'Vehicle' has no member 'scootr' (it had 'car', 'truck', " +
                "'bicycle', 'scooter'). Did you mean 'scooter'?",
        ]);
        const diagnostic = document.diagnostics![0];
        expect(diagnostic.range.start).toEqual({ line: 3, character: 26 });
        expect(diagnostic.data).toMatchObject({ source: 'scootr', suggestion: 'scooter' });
    });
});
