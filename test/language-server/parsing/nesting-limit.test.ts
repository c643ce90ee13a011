/**
 * Nesting beyond the documented limit (64 levels) is one error where it happens, found on the
 * tokens before the parser recurses; nesting at the limit is fine. Far beyond it (10,000 levels)
 * nothing overflows the stack, and no parse or name errors pile up on the left-out part. Every
 * file lists at most 100 diagnostics, then a note of how many more.
 */
import { describe, expect, test } from 'vitest';
import { MAX_NESTING } from '../../../language-server/src/parser/nesting-limit.js';
import { MAX_DIAGNOSTICS } from '../../../language-server/src/workspace/document-validator.js';
import { createTestServices, diagnosticLines } from '../helpers.js';

const HEADER = `program Deep
dataset d from jsonl "d.jsonl" { key id: String }
labels L { a, b }
labeler crowd: human
task t(x: d) -> choice<L> { route cascade crowd }
rules r on d -> choice<L> { deep: ${'('.repeat(3)}id contains "x"${')'.repeat(3)} => a }
`;

/** A flow whose `if` condition sits in `n` parentheses: the flow's brace is level 1, `t(` level n + 2. */
const parens = (n: number) => `${HEADER}flow f(x: d) {\n    if ${'('.repeat(n)}t(x) == a${')'.repeat(n)} { t(x) }\n}\n`;
const ifs = (n: number) => `${HEADER}flow f(x: d) {\n${'if t(x) == a {\n'.repeat(n)}t(x)\n${'}\n'.repeat(n)}}\n`;
const nots = (n: number) => `${HEADER}flow f(x: d) {\n    if ${'not '.repeat(n)}t(x) == a { t(x) }\n}\n`;
const elseIfs = (n: number) => `${HEADER}flow f(x: d) {\n    if t(x) == a { t(x) }${' else if t(x) == b { t(x) }'.repeat(n)}\n}\n`;

const errors = (lines: string[]) => lines.filter((l) => l.startsWith('error'));

describe('the nesting limit', () => {
    test('nesting at the limit checks cleanly; one level more is one error at the place', async () => {
        const t = await createTestServices();
        expect(errors(diagnosticLines(await t.parse(parens(MAX_NESTING - 2))))).toEqual([]);
        const beyond = await t.parse(parens(MAX_NESTING - 1));
        expect(errors(diagnosticLines(beyond))).toEqual([
            expect.stringMatching(/^error syntax\/too-deep: Nesting too deep: `\(` here goes beyond 64 levels/),
        ]);
        const [diagnostic] = beyond.diagnostics!.filter((d) => d.code === 'syntax/too-deep');
        // The `(` of `t(x)`, after the `if` and 63 parentheses on line 8.
        expect(diagnostic.range.start).toEqual({ line: 7, character: 4 + 3 + MAX_NESTING - 1 + 1 });
    });

    test.each([
        ['parentheses', parens],
        ['nested ifs', ifs],
        ['a run of not', nots],
        ['an else-if chain', elseIfs],
    ])('%s 10,000 deep: one nesting error, no stack overflow, nothing piled up', async (_name, program) => {
        const t = await createTestServices();
        const lines = diagnosticLines(await t.parse(program(10_000)));
        expect(errors(lines)).toHaveLength(1);
        expect(errors(lines)[0]).toMatch(/^error syntax\/too-deep: /);
    });

    test('the limit is checked within rule conditions and label types too', async () => {
        const t = await createTestServices();
        const deepRule = HEADER.replace(
            `${'('.repeat(3)}id contains "x"${')'.repeat(3)}`,
            `${'('.repeat(5000)}id contains "x"${')'.repeat(5000)}`,
        );
        expect(errors(diagnosticLines(await t.parse(deepRule)))).toEqual([expect.stringMatching(/^error syntax\/too-deep: /)]);
        // (Lists of lists are not allowed anyway: those are errors of their own, but no parse errors.)
        const deepType = HEADER.replace('-> choice<L> { route', `-> ${'list<'.repeat(5000)}choice<L>${'>'.repeat(5000)} { route`);
        const typeErrors = errors(diagnosticLines(await t.parse(deepType)));
        expect(typeErrors.filter((l) => /syntax\/too-deep|parsing-error/.test(l))).toEqual([
            expect.stringMatching(/^error syntax\/too-deep: Nesting too deep: `list<` here/),
        ]);
    });
});

describe('diagnostics per file', () => {
    test(`at most ${MAX_DIAGNOSTICS}, errors first, then a note of how many more`, async () => {
        const t = await createTestServices();
        // 300 unknown labelers: 300 errors.
        const tasks = Array.from({ length: 300 }, (_, i) => `task u${i}(x: d) -> choice<L> { route cascade nobody${i} }`);
        const program = `${HEADER}${tasks.join('\n')}\n`;
        const document = await t.parse(program);
        expect(document.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
        expect(document.diagnostics!.slice(0, MAX_DIAGNOSTICS).every((d) => d.severity === 1)).toBe(true);
        const note = document.diagnostics!.at(-1)!;
        expect(note).toMatchObject({ severity: 3, code: 'syntax/too-many-problems' });
        expect(note.message).toMatch(/^\d+ more problems in this file are not listed \(at most 100 per file\)/);
        const more = Number(note.message.split(' ')[0]);
        expect(more).toBeGreaterThanOrEqual(300 - MAX_DIAGNOSTICS);
    });
});
