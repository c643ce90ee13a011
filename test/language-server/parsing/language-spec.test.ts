/**
 * docs/language.md is the language reference: every ```dprog snippet in it must parse unchanged, and the snippets
 * put together as one program must link without unresolved references.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

const specPath = path.resolve(__dirname, '../../../docs/language.md');
const snippets = [...readFileSync(specPath, 'utf8').matchAll(/```dprog\n([\s\S]*?)```/g)].map((m) => m[1]);

let t: TestServices;
beforeAll(async () => {
    t = await createTestServices();
});

describe('language.md snippets', () => {
    test('the specification has snippets', () => {
        expect(snippets.length).toBeGreaterThanOrEqual(8);
    });

    test.each(snippets.map((text, i) => [i, text] as const))('snippet %i parses without errors', async (_i, text) => {
        const document = await t.parse(text);
        expect(document.parseResult.lexerErrors.map((e) => e.message)).toEqual([]);
        expect(document.parseResult.parserErrors.map((e) => e.message)).toEqual([]);
    });
});

describe('language.md as one program', () => {
    test('links every reference', async () => {
        // The migration snippet redefines Vehicle and Verdict (a later version): leave it out.
        // The flow snippet calls tasks the specification leaves undeclared; declare them.
        const program = [
            ...snippets.filter((s) => !s.includes('pickup from truck')),
            'task vehicles(f: frames) -> list<box<Vehicle>>',
            'task hazard(f: frames) -> choice<Hazard>',
            'task cones(f: frames) -> list<box<Hazard>>',
        ].join('\n');
        const document = await t.parse(program);
        expect(document.parseResult.parserErrors.map((e) => e.message)).toEqual([]);
        const unresolved = document.references.filter((r) => r.error).map((r) => r.error!.message);
        expect(unresolved).toEqual([]);
    });
});
