/**
 * docs/language.md is the language reference: its snippets, put together as one program, must check without a
 * single error (warnings are fine: the spec's data and model files do not exist).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

const specPath = path.resolve(__dirname, '../../../docs/language.md');
const snippets = [...readFileSync(specPath, 'utf8').matchAll(/```dprog\n([\s\S]*?)```/g)].map((m) => m[1]);
const MIGRATION = 'pickup from truck';

function errors(document: Awaited<ReturnType<TestServices['parse']>>): string[] {
    return (document.diagnostics ?? [])
        .filter((d) => d.severity === 1)
        .map((d) => `${d.range.start.line + 1}: ${String(d.code)} ${d.message}`);
}

let t: TestServices;
beforeAll(async () => {
    t = await createTestServices();
    // The header snippet imports "shared/labels.dprog": give it that file, next to the program.
    await t.parse('labels Shared { yes, no }', { documentUri: 'file:///spec/shared/labels.dprog' });
});

describe('language.md checks cleanly', () => {
    test('all snippets together have no errors', async () => {
        // The migration snippet redefines Vehicle and Verdict (it is a later version), so it is
        // checked on its own below. The spec leaves the flow's tasks undeclared, and no labeler in
        // it has the skill `vehicles` that truck_kind requires: declare them.
        const program = [
            ...snippets.filter((s) => !s.includes(MIGRATION)),
            'task vehicles(f: frames) -> list<box<Vehicle>>',
            'task hazard(f: frames) -> choice<Hazard>',
            'task cones(f: frames) -> list<box<Hazard>>',
            'labeler fleet_experts: human { skills [vehicles] }',
        ].join('\n');
        const document = await t.parse(program, { documentUri: 'file:///spec/program.dprog' });
        expect(document.parseResult.parserErrors).toEqual([]);
        expect(errors(document)).toEqual([]);
        // It does get the warnings a person needs: nothing exists on disk yet.
        expect((document.diagnostics ?? []).map((d) => d.code)).toContain('dataset/missing-data-file');
    });

    test('the migration snippet has no errors (its `from`s are unverified warnings)', async () => {
        const document = await t.parse(snippets.find((s) => s.includes(MIGRATION))!, { documentUri: 'file:///spec/v2.dprog' });
        expect(errors(document)).toEqual([]);
        expect((document.diagnostics ?? []).filter((d) => d.code === 'labels/from-unverified').length).toBeGreaterThanOrEqual(4);
    });
});
