/** Accepted-but-wrong input is refused, and messages say what is wrong in the user's terms (issue 14). */
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, diagnosticLines, type TestServices } from '../helpers.js';

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

const HEADER =
    'labels L { a, b }\nlabeler p: human { cost $0.01 per item }\ndataset d from jsonl "d.jsonl" { key id: String, body: Text }\n';

/** The errors of a program (warnings such as the missing data file left out). */
async function errorsOf(text: string): Promise<string[]> {
    return diagnosticLines(await t.parse(text)).filter((line) => line.startsWith('error'));
}

describe('clear errors', () => {
    test('version 0 is refused', async () => {
        expect(await errorsOf('program P version 0\n')).toEqual([
            "error program/version: A program's version is a whole number from 1 up (leave it out for 1); found 0.",
        ]);
        expect(await errorsOf('program P version 3\n')).toEqual([]);
    });

    test('target 92 suggests 92%', async () => {
        const errors = await errorsOf(`${HEADER}task t(x: d) -> choice<L> { route cascade p, quality { target 92 } }\n`);
        expect(errors).toEqual([
            'error quality/target-range: The quality target is a share strictly between 0% and 100%; found 92 (a plain number is a ' +
                'share: 92 means 9200%); did you mean 92%?',
        ]);
    });

    test('a negative amount says so, with its line', async () => {
        const errors = await errorsOf('labeler p: human {\n    cost $-1 per item\n}\n');
        expect(errors[0]).toBe('error lexing-error: Amounts cannot be negative (line 2, column 10): write an amount like $1 or $0.05.');
        expect(errors.join('\n')).not.toContain('offset');
    });

    test('an unknown regex flag is one error naming the flag', async () => {
        const errors = await errorsOf(`${HEADER}rules r on d -> choice<L> { r1: body matches /x/q => a }\n`);
        expect(errors).toEqual([
            "error rule/invalid-regex: Invalid regular expression /x/q: unknown flag 'q'; the flags are g, i, m, s, u and y.",
        ]);
    });

    test('split shares add up as the decimals written', async () => {
        const split = (buckets: string) => `dataset s from jsonl "s.jsonl" { key id: String\n split by id { ${buckets} } }\n`;
        expect(await errorsOf(split('train 33.3%, validation 33.3%, test 33.4%'))).toEqual([]);
        expect(await errorsOf(split('train 0.7, validation 0.2, test 0.1'))).toEqual([]);
        expect(await errorsOf(split('train 97.5%, validation 2.5%, test 0.0000001%'))).toEqual([
            'error dataset/split-sum: Split percentages must sum to 100%; they sum to 100.0000001% (train 97.5% + validation 2.5% ' +
                '+ test 0.0000001%).',
        ]);
    });

    test('a 0% bucket is refused with the rule', async () => {
        const errors = await errorsOf('dataset s from jsonl "s.jsonl" { key id: String\n split by id { train 100%, test 0% } }\n');
        expect(errors).toEqual([
            "error dataset/split-share: Bucket 'test' of 0% would hold no items; leave 'test' out of the split instead (then no " +
                'items are held out for a final accuracy estimate).',
        ]);
    });

    test('a missing } names where to add it', async () => {
        const errors = await errorsOf(
            `${HEADER}task t(x: d) -> choice<L> {\n    route cascade p\n    quality { target 90% }\ntask u(x: d) -> choice<L> { ` +
                `route cascade p }\n`,
        );
        expect(errors[0]).toBe("error parsing-error: A '{' above is not closed: add '}' before 'task' on line 7.");
    });

    test('a trailing comma in a route separates it from the next clause', async () => {
        expect(await errorsOf(`${HEADER}task t(x: d) -> choice<L> {\n    route cascade p,\n}\n`)).toEqual([]);
        expect(
            await errorsOf(`${HEADER}labeler q: human\ntask t(x: d) -> choice<L> {\n    route cascade p, q,\n    budget $5\n}\n`),
        ).toEqual([]);
    });
});

describe('rename', () => {
    test('to a name already declared is refused; to a free name works', async () => {
        const document = await t.parse(
            `${HEADER}task t(x: d) -> choice<L> { route cascade p }\ntask u(x: d) -> choice<L> { route cascade p }\n`,
            { documentUri: 'file:///rename/tasks.dprog' },
        );
        const position = document.textDocument.positionAt(document.textDocument.getText().indexOf('task t(') + 5);
        const rename = (newName: string) =>
            t.services.lsp.RenameProvider!.rename(document, { textDocument: { uri: document.uri.toString() }, position, newName });
        await expect(rename('u')).rejects.toThrow("'u' is already declared (line 5 of tasks.dprog)");
        await expect(rename('p')).rejects.toThrow("'p' is already declared (line 2 of tasks.dprog)");
        const edit = await rename('classify');
        expect(
            Object.values(edit?.changes ?? {})
                .flat()
                .map((e) => e.newText),
        ).toEqual(['classify']);
    });
});

describe('explicit defaults', () => {
    test('hover on a task without route shows the default route and the defaulted quality', async () => {
        const text = `program P\n${HEADER}labeler q: human { cost $0.05 per item }\ntask t(x: d) -> span<L> {\n    ask "Mark it"\n}\n`;
        const document = await t.parse(text, { documentUri: 'file:///defaults/spans.dprog' });
        const position = document.textDocument.positionAt(text.indexOf('task t(') + 5);
        const hover = await t.services.lsp.HoverProvider!.getHoverContent(document, {
            textDocument: { uri: document.uri.toString() },
            position,
        });
        const markdown = (hover?.contents as { value: string } | undefined)?.value;
        expect(markdown).toContain(
            'not written, so the default: a cascade of every eligible labeler (rules, models, then people, cheapest first): p → q',
        );
        expect(markdown).toContain('aggregate majority (default)');
        expect(diagnosticLines(document).filter((line) => line.includes('unused/labeler'))).toEqual([]);
    });
});
