/**
 * Resource-driven validation tests: every .dprog file under resources/ (or every `*.project`
 * folder, for programs made of several files) is one case; the $TEST$ comments and »« markers
 * inside it say which diagnostics it must and must not have. A new case is a new file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { describe, expect, test } from 'vitest';
import { createDprogServices } from '../../../language-server/src/dprog-module.js';
import { ensureBuiltinLibrary } from '../../../language-server/src/workspace/load.js';
import { mismatches, parseMarkers, type Expectation, type Found, type Severity } from './markers.js';

const RESOURCES = path.join(__dirname, 'resources');
const SEVERITIES: Severity[] = ['error', 'error', 'warning', 'info', 'hint'];

/** Each case: the files it consists of (absolute paths). */
function findCases(dir: string): Array<{ name: string; files: string[] }> {
    const cases: Array<{ name: string; files: string[] }> = [];
    for (const entry of readdirSync(dir).sort()) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) {
            if (entry.endsWith('.project')) {
                cases.push({ name: path.relative(RESOURCES, full), files: dprogFilesIn(full) });
            } else {
                cases.push(...findCases(full));
            }
        } else if (entry.endsWith('.dprog')) {
            cases.push({ name: path.relative(RESOURCES, full), files: [full] });
        }
    }
    return cases;
}

function dprogFilesIn(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const full = path.join(dir, entry);
        return statSync(full).isDirectory() ? dprogFilesIn(full) : entry.endsWith('.dprog') ? [full] : [];
    });
}

async function diagnose(files: string[]): Promise<Map<string, { found: Found[]; expectations: Expectation[] }>> {
    const { shared } = createDprogServices(NodeFileSystem);
    const builtins = ensureBuiltinLibrary(shared);
    const documents: LangiumDocument[] = builtins ? [builtins] : [];
    const expectationsByFile = new Map<string, Expectation[]>();
    for (const file of files) {
        const marked = parseMarkers(readFileSync(file, 'utf8'));
        const document = shared.workspace.LangiumDocumentFactory.fromString(marked.text, URI.file(file));
        shared.workspace.LangiumDocuments.addDocument(document);
        documents.push(document);
        expectationsByFile.set(file, marked.expectations);
    }
    await shared.workspace.DocumentBuilder.build(documents, { validation: true });
    const result = new Map<string, { found: Found[]; expectations: Expectation[] }>();
    for (const file of files) {
        const document = shared.workspace.LangiumDocuments.getDocument(URI.file(file))!;
        const found = (document.diagnostics ?? []).map((d) => ({
            severity: SEVERITIES[d.severity ?? 1],
            code: String(d.code ?? (d.data as { code?: string } | undefined)?.code ?? ''),
            message: d.message,
            range: d.range,
        }));
        result.set(file, { found, expectations: expectationsByFile.get(file)! });
    }
    return result;
}

const cases = findCases(RESOURCES);

describe('validation resources', () => {
    test('there are cases', () => {
        expect(cases.length).toBeGreaterThan(10);
    });

    test.each(cases.map((c) => [c.name, c.files] as const))('%s', async (_name, files) => {
        const results = await diagnose(files);
        const problems: string[] = [];
        for (const [file, { found, expectations }] of results) {
            for (const problem of mismatches(found, expectations)) {
                problems.push(`${path.relative(RESOURCES, file)}: ${problem}`);
            }
        }
        if ([...results.values()].every((r) => r.expectations.length === 0)) {
            problems.push('the case has no $TEST$ expectation');
        }
        expect(problems).toEqual([]);
    });
});

describe('every issue code has a case', () => {
    test('each code of issue-codes.ts is expected by at least one resource (or a named test)', async () => {
        const codes = Object.values(await import('../../../language-server/src/validation/issue-codes.js')).flatMap((group) =>
            Object.values(group as Record<string, string>),
        );
        const testedElsewhere = new Set([
            'labels/from-unknown-member', // needs a previous version: previous-versions.test.ts
            'lexing-error',
            'parsing-error', // Langium's own
            'syntax/too-deep',
            'syntax/too-many-problems', // parsing/nesting-limit.test.ts (programs too large for a resource)
            'imports/not-a-program', // test/cli/regular-files.test.ts (needs /dev/stdin, /etc/passwd, a folder)
        ]);
        const expected = new Set(
            cases
                .flatMap((c) => c.files)
                .flatMap((file) =>
                    [...readFileSync(file, 'utf8').matchAll(/\$TEST\$\s+(?:error|warning|info|hint)\s+"([^"]+)"/g)].map((m) => m[1]),
                ),
        );
        expect(codes.filter((code) => !expected.has(code) && !testedElsewhere.has(code))).toEqual([]);
    });
});
