/**
 * Golden plans: the samples and language.md's program compile to exactly the committed plans.
 * After an intended change, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/language-server/compiler`
 * and review the diff of golden/*.plan.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { planJsonSchema } from '../../../engine/src/plan/schema.js';
import { parsePlan, serializePlan } from '../../../engine/src/plan/serialize.js';
import { planHash } from '../../../engine/src/plan/hash.js';
import { compileFileFromDisk } from './compile-helpers.js';

const root = path.resolve(__dirname, '../../..');
const specPath = path.resolve(root, 'docs/language.md');

const programs = [
    { name: 'spam', file: 'samples/spam/spam.dprog' },
    { name: 'documents', file: 'samples/documents/documents.dprog' },
    { name: 'language-md', file: 'test/language-server/compiler/programs/language-md.dprog' },
];

describe('golden plans', () => {
    test.each(programs)('$name compiles to its golden plan', async ({ name, file }) => {
        const { plan, errors } = await compileFileFromDisk(path.join(root, file));
        expect(errors).toEqual([]);
        const text = serializePlan(plan);
        const golden = path.join(__dirname, 'golden', `${name}.plan.json`);
        if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
            writeFileSync(golden, text);
        }
        expect(text).toBe(readFileSync(golden, 'utf8'));
        // The golden plan is a valid v1 plan whose hash is its content's.
        const parsed = parsePlan(text);
        expect(parsed.hash).toBe(planHash(parsed));
    });

    test('the committed JSON Schema is the one the zod schema generates', () => {
        const committed = JSON.parse(readFileSync(path.join(root, 'engine/src/plan/plan.schema.json'), 'utf8'));
        expect(committed).toEqual(planJsonSchema());
    });

    test('the language.md fixture contains every snippet it takes from the specification', () => {
        const snippets = [...readFileSync(specPath, 'utf8').matchAll(/```dprog\n([\s\S]*?)```/g)].map((m) => m[1]);
        const fixture = readFileSync(path.join(root, programs[2].file), 'utf8');
        const used = snippets.filter((s) => !s.includes('pickup from truck')).map((s) => s.replace(/\nimport "[^"]*"\n/, '\n'));
        for (const snippet of used) {
            expect(fixture).toContain(snippet);
        }
    });
});

describe('golden migration', () => {
    test("language.md's program, version 2 → 3 (its §4 migration), matches the golden migration", async () => {
        const { diffPlans } = await import('../../../language-server/src/compiler/migrate.js');
        const { migrationToJson } = await import('../../../engine/src/plan/migration.js');
        const v2 = await compileFileFromDisk(path.join(root, 'test/language-server/compiler/programs/language-md.dprog'));
        const v3 = await compileFileFromDisk(path.join(root, 'test/language-server/compiler/programs/language-md-v3.dprog'));
        const migration = diffPlans(v2.plan, v3.plan);
        const text = `${JSON.stringify({ ...migrationToJson(migration), problems: migration.problems }, null, 2)}\n`;
        const golden = path.join(__dirname, 'golden', 'language-md-v2-to-v3.migration.json');
        if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
            writeFileSync(golden, text);
        }
        expect(text).toBe(readFileSync(golden, 'utf8'));
        expect(migration.problems.map((p) => p.member)).toEqual(['cycle']);
    });
});
