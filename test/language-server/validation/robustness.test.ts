/**
 * The checks never crash on half-typed programs: the validation resources, cut and spliced at
 * random token boundaries, still get diagnostics, and none is Langium's "An error occurred
 * during validation" (what a check that throws turns into).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createTestServices } from '../helpers.js';

function dprogFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const full = path.join(dir, entry);
        return statSync(full).isDirectory() ? dprogFiles(full) : entry.endsWith('.dprog') ? [full] : [];
    });
}

const sources = dprogFiles(path.join(__dirname, 'resources')).map((file) => readFileSync(file, 'utf8').replace(/[»«]/g, ''));

/** Splits a program into tokens and the whitespace between them, so mutations keep it readable. */
function tokens(text: string): string[] {
    return text.match(/\s+|[A-Za-z_][A-Za-z0-9_]*|"(?:\\.|[^"\\\n])*"|\$?[0-9.]+%?|\/\/[^\n]*|./g) ?? [];
}

const mutation = fc.record({
    source: fc.nat(sources.length - 1),
    kind: fc.constantFrom('delete', 'duplicate', 'swap', 'truncate'),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 6 }),
});

describe('validation robustness', () => {
    test('mutated programs never crash a check', async () => {
        const t = await createTestServices();
        await fc.assert(
            fc.asyncProperty(mutation, async ({ source, kind, at, length }) => {
                const parts = tokens(sources[source]);
                const i = at % Math.max(1, parts.length);
                if (kind === 'delete') {
                    parts.splice(i, length);
                } else if (kind === 'duplicate') {
                    parts.splice(i, 0, ...parts.slice(i, i + length));
                } else if (kind === 'swap') {
                    const j = (i + length) % parts.length;
                    [parts[i], parts[j]] = [parts[j], parts[i]];
                } else {
                    parts.length = i;
                }
                const document = await t.parse(parts.join(''));
                const crashes = (document.diagnostics ?? []).filter((d) => d.message.startsWith('An error occurred'));
                expect(crashes.map((d) => d.message)).toEqual([]);
                // Keep the workspace one program large, as an editor with one file open would be.
                await t.services.shared.workspace.DocumentBuilder.update([], [document.uri]);
            }),
            { numRuns: 400, seed: 20261127 },
        );
    });
});
