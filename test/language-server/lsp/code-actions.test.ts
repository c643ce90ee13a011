/** Quick fixes for four diagnostics, applied to the text and checked by re-validating it. */
import type { LangiumDocument } from 'langium';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DatasetIssues, NameIssues, UnusedIssues } from '../../../language-server/src/validation/issue-codes.js';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

const codeOf = (d: Diagnostic) => (d.data as { code?: string } | undefined)?.code ?? d.code;

async function fixesFor(document: LangiumDocument, code: string): Promise<{ diagnostic: Diagnostic; actions: CodeAction[] }> {
    const diagnostic = document.diagnostics?.find((d) => codeOf(d) === code);
    expect(diagnostic, `a ${code} diagnostic in ${JSON.stringify(document.diagnostics?.map((d) => d.message))}`).toBeDefined();
    const actions = await t.services.lsp.CodeActionProvider!.getCodeActions(document, {
        textDocument: { uri: document.uri.toString() },
        range: diagnostic!.range,
        context: { diagnostics: [diagnostic!] },
    });
    return { diagnostic: diagnostic!, actions: (actions ?? []) as CodeAction[] };
}

/** The text of `document` after applying the action's edits to it. */
function apply(document: LangiumDocument, action: CodeAction): string {
    const edits = action.edit?.changes?.[document.uri.toString()] ?? [];
    return TextDocument.applyEdits(document.textDocument, edits);
}

const HEADER = 'program P\n';

describe('quick fixes', () => {
    test('replace an unknown name with the closest match', async () => {
        const document = await t.parse(
            `${HEADER}labeler crowd: human\ntask t(x: Text) -> bool { route best crwod }\nflow f(x: Text) { t(x) }\n`,
        );
        const { actions } = await fixesFor(document, NameIssues.unresolved);
        const fix = actions.find((a) => a.title === "Replace 'crwod' with 'crowd'");
        expect(fix?.isPreferred).toBe(true);
        const fixed = await t.parse(apply(document, fix!));
        expect(fixed.textDocument.getText()).toContain('route best crowd');
        expect(fixed.diagnostics?.filter((d) => d.severity === 1)).toEqual([]);
    });

    test('create a missing label set member', async () => {
        const document = await t.parse(
            [
                HEADER,
                'dataset emails from jsonl "e.jsonl" { key id: String, body: Text }',
                'labels Verdict {',
                '    spam "Unsolicited" key "s"',
                '    ham',
                '}',
                'rules kw on emails -> choice<Verdict> {',
                '    r: body contains "pw" => phishing',
                '}',
                'task t(e: emails) -> choice<Verdict> { route best kw }',
                '',
            ].join('\n'),
        );
        const { actions } = await fixesFor(document, NameIssues.unknownLabelMember);
        const fix = actions.find((a) => a.title === "Add member 'phishing' to label set 'Verdict'");
        expect(fix).toBeDefined();
        const text = apply(document, fix!);
        expect(text).toContain('    ham\n    phishing\n}');
        const fixed = await t.parse(text);
        expect(fixed.diagnostics?.filter((d) => codeOf(d) === NameIssues.unknownLabelMember)).toEqual([]);
    });

    test('create a missing member in a one-line label set of an imported file', async () => {
        const library = await t.parse('labels Vehicle { car, truck }\n', { documentUri: 'file:///ws/lib/vehicles.dprog' });
        const document = await t.parse(
            [
                'program Road',
                'import "lib/vehicles.dprog"',
                'dataset frames from images "f/*.png"',
                'task vehicles(f: frames) -> list<box<Vehicle>>',
                'task kind(i: Image) -> bool',
                'flow road(f: frames) {',
                '    for b in vehicles(f) where b.label == bus { kind(crop(f.image, b)) }',
                '}',
                '',
            ].join('\n'),
            { documentUri: 'file:///ws/road.dprog' },
        );
        const { actions } = await fixesFor(document, NameIssues.unknownLabelMember);
        const fix = actions.find((a) => a.title === "Add member 'bus' to label set 'Vehicle'");
        const edits = fix?.edit?.changes?.[library.uri.toString()];
        expect(edits).toBeDefined();
        expect(TextDocument.applyEdits(library.textDocument, edits!)).toBe('labels Vehicle { car, truck, bus }\n');
    });

    test('make split percentages sum to 100%', async () => {
        const document = await t.parse(
            `${HEADER}dataset emails from jsonl "e.jsonl" {\n    key id: String\n    split by id { train 80%, validation 15%, ` +
                `test 15% }\n}\n`,
        );
        const { actions } = await fixesFor(document, DatasetIssues.splitSum);
        const rescale = actions.find((a) => a.title.startsWith('Rescale'));
        expect(apply(document, rescale!)).toContain('split by id { train 72.8%, validation 13.6%, test 13.6% }');
        const last = actions.find((a) => a.title === "Set 'test' to 5% so the split sums to 100%");
        const fixed = await t.parse(apply(document, last!));
        expect(fixed.textDocument.getText()).toContain('{ train 80%, validation 15%, test 5% }');
        expect(fixed.diagnostics?.filter((d) => codeOf(d) === DatasetIssues.splitSum)).toEqual([]);
        const rescaled = await t.parse(apply(document, rescale!));
        expect(rescaled.diagnostics?.filter((d) => codeOf(d) === DatasetIssues.splitSum)).toEqual([]);
    });

    test('remove an unused declaration with its comment', async () => {
        const document = await t.parse(
            `${HEADER}labeler crowd: human\n\n// Experts, rarely needed.\nlabeler experts: human {\n    cost $1 per ` +
                `item\n}\n\ntask t(x: Text) -> bool { route best crowd }\nflow f(x: Text) { t(x) }\n`,
        );
        const { actions } = await fixesFor(document, UnusedIssues.labeler);
        const fix = actions.find((a) => a.title === "Remove unused labeler 'experts'");
        const text = apply(document, fix!);
        expect(text).toBe(`${HEADER}labeler crowd: human\n\ntask t(x: Text) -> bool { route best crowd }\nflow f(x: Text) { t(x) }\n`);
        const fixed = await t.parse(text);
        expect(fixed.diagnostics?.filter((d) => String(codeOf(d)).startsWith('unused/'))).toEqual([]);
    });
});
