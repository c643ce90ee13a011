/** Go to definition, find references, rename (across an import), document symbols and folding. */
import type { LangiumDocument } from 'langium';
import { expectFindReferences, expectFoldings, expectGoToDefinition } from 'langium/test';
import { beforeAll, describe, expect, test } from 'vitest';
import { SymbolKind, type DocumentSymbol, type Location, type LocationLink, type TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;
const markers = { indexMarker: '§', rangeStartMarker: '«', rangeEndMarker: '»', disposeAfterCheck: true };

beforeAll(async () => {
    t = await createTestServices();
});

const LIBRARY = 'labels Vehicle {\n    car\n    truck\n}\nlabeler crowd: human { cost $0.01 per item }\n';
const PROGRAM = [
    'program Road',
    'import "lib/shared.dprog"',
    'dataset frames from images "f/*.png"',
    'task vehicles(f: frames) -> list<box<Vehicle>> { route best crowd }',
    'task kind(i: Image) -> choice<Vehicle> { route best crowd }',
    'flow road(f: frames) {',
    '    let boxes = vehicles(f)',
    '    for b in boxes where b.label == truck { kind(crop(f.image, b)) }',
    '}',
    '',
].join('\n');

let workspaces = 0;

/** The library and the program importing it, in a fresh folder each time. */
async function loadBoth(): Promise<{ library: LangiumDocument; program: LangiumDocument }> {
    const folder = `file:///ws${++workspaces}`;
    const library = await t.parse(LIBRARY, { documentUri: `${folder}/lib/shared.dprog` });
    const program = await t.parse(PROGRAM, { documentUri: `${folder}/road.dprog` });
    return { library, program };
}

function position(document: LangiumDocument, needle: string, occurrence = 0) {
    let offset = -1;
    for (let i = 0; i <= occurrence; i++) {
        offset = document.textDocument.getText().indexOf(needle, offset + 1);
    }
    expect(offset).toBeGreaterThanOrEqual(0);
    return document.textDocument.positionAt(offset);
}

describe('navigation in one file', () => {
    test('go to definition of a let, a loop variable and a parameter', async () => {
        const text =
            'dataset frames from images "f/*.png"\nlabels V { car }\ntask vehicles(f: frames) -> list<box<V>>\n' +
            'task kind(i: Image) -> bool\nflow road(«f»: frames) {\n    let «boxes» = vehicles(f)\n    for «b» in bo§xes { ' +
            'kind(crop(§f.image, §b)) }\n}\n';
        await expectGoToDefinition(t.services)({ text, index: 0, rangeIndex: 1, ...markers });
        await expectGoToDefinition(t.services)({ text, index: 1, rangeIndex: 0, ...markers });
        await expectGoToDefinition(t.services)({ text, index: 2, rangeIndex: 2, ...markers });
    });

    test('find references of a label member', async () => {
        const text =
            'labels V { car, <|tr§uck|> }\ndataset frames from images "f/*.png"\ntask vehicles(f: frames) -> list<box<V>>\n' +
            'task kind(i: Image) -> bool\nflow road(f: frames) {\n    for b in vehicles(f) where b.label == <|truck|> { ' +
            'kind(f.image) }\n}\n';
        await expectFindReferences(t.services)({ text, includeDeclaration: true, indexMarker: '§', disposeAfterCheck: true });
    });

    test('folding ranges for multi-line blocks', async () => {
        // A fold ends on the line before its closing brace, which stays visible.
        const text = '<|labels V {\n    car\n    truck|>\n}\n<|task t(x: Text) -> choice<V> {\n    ask "?"|>\n}\n';
        await expectFoldings(t.services)({ text, disposeAfterCheck: true });
    });

    test('document symbols with kinds and members as children', async () => {
        const { program, library } = await loadBoth();
        const symbols = (await t.services.lsp.DocumentSymbolProvider!.getSymbols(library, {
            textDocument: { uri: library.uri.toString() },
        })) as DocumentSymbol[];
        const vehicle = symbols.find((s) => s.name === 'Vehicle');
        expect(vehicle?.kind).toBe(SymbolKind.Enum);
        expect(vehicle?.children?.map((c) => [c.name, c.kind])).toEqual([
            ['car', SymbolKind.EnumMember],
            ['truck', SymbolKind.EnumMember],
        ]);
        const programSymbols = (await t.services.lsp.DocumentSymbolProvider!.getSymbols(program, {
            textDocument: { uri: program.uri.toString() },
        })) as DocumentSymbol[];
        expect(programSymbols.map((s) => [s.name, s.kind])).toEqual(
            expect.arrayContaining([
                ['frames', SymbolKind.Struct],
                ['vehicles', SymbolKind.Function],
                ['road', SymbolKind.Function],
            ]),
        );
    });
    test('the outline lists every top-level declaration, learn, monitors and rules included', async () => {
        const text = [
            'program Spam version 2',
            'dataset emails from jsonl "e.jsonl" { key id: String, body: Text }',
            'labels Verdict { spam, ham }',
            'labeler crowd: human { cost $0.01 per item }',
            'labeler spam_model: model "m.onnx" { input body as hashed 64, output choice<Verdict> }',
            'rules keywords on emails -> choice<Verdict> { unsub: body contains "unsubscribe" => spam }',
            'task classify(e: emails) -> choice<Verdict> { route cascade keywords, spam_model, crowd }',
            'learn classify using spam_model {',
            '    batch 10',
            '}',
            'monitor shift of emails.body { metric psi }',
            'monitor predictions of spam_model { confidence within [5%, 99%] }',
            '',
        ].join('\n');
        const document = await t.parse(text, { documentUri: `file:///outline${++workspaces}/spam.dprog` });
        const symbols = (await t.services.lsp.DocumentSymbolProvider!.getSymbols(document, {
            textDocument: { uri: document.uri.toString() },
        })) as DocumentSymbol[];
        expect(symbols.map((s) => s.name)).toEqual([
            'Spam',
            'emails',
            'Verdict',
            'crowd',
            'spam_model',
            'keywords',
            'classify',
            'learn classify using spam_model',
            'monitor shift of emails.body',
            'monitor predictions of spam_model',
        ]);
        expect(symbols.find((s) => s.name === 'keywords')?.children?.map((c) => c.name)).toEqual(['unsub']);
        const learn = symbols.find((s) => s.name.startsWith('learn'))!;
        expect([learn.range.start.line, learn.range.end.line, learn.selectionRange.end.line]).toEqual([7, 9, 7]);
    });
});

describe('navigation across an import', () => {
    test('go to definition jumps into the imported file', async () => {
        const { program, library } = await loadBoth();
        const links = (await t.services.lsp.DefinitionProvider!.getDefinition(program, {
            textDocument: { uri: program.uri.toString() },
            position: position(program, 'Vehicle'),
        })) as LocationLink[];
        expect(links).toHaveLength(1);
        expect(links[0].targetUri).toBe(library.uri.toString());
        expect(links[0].targetSelectionRange.start).toEqual({ line: 0, character: 7 });
    });

    test('find references includes uses in the importing file', async () => {
        const { program, library } = await loadBoth();
        const references = (await t.services.lsp.ReferencesProvider!.findReferences(library, {
            textDocument: { uri: library.uri.toString() },
            position: position(library, 'truck'),
            context: { includeDeclaration: false },
        })) as Location[];
        expect(references.map((r) => [r.uri, r.range.start.line])).toEqual([[program.uri.toString(), 7]]);
    });

    test('rename a label set from a use renames it in both files', async () => {
        const { program, library } = await loadBoth();
        const edit = await t.services.lsp.RenameProvider!.rename(program, {
            textDocument: { uri: program.uri.toString() },
            position: position(program, 'Vehicle', 1),
            newName: 'Car',
        });
        const apply = (document: LangiumDocument) =>
            TextDocument.applyEdits(document.textDocument, (edit?.changes?.[document.uri.toString()] ?? []) as TextEdit[]);
        expect(apply(library)).toContain('labels Car {');
        expect(apply(program)).toContain('-> list<box<Car>>');
        expect(apply(program)).toContain('-> choice<Car>');
        expect(apply(program)).not.toContain('Vehicle');
    });

    test('rename a labeler from its declaration renames every route', async () => {
        const { program, library } = await loadBoth();
        const edit = await t.services.lsp.RenameProvider!.rename(library, {
            textDocument: { uri: library.uri.toString() },
            position: position(library, 'crowd'),
            newName: 'workers',
        });
        const programEdits = edit?.changes?.[program.uri.toString()] ?? [];
        expect(TextDocument.applyEdits(program.textDocument, programEdits).match(/route best workers/g)).toHaveLength(2);
    });

    test('rename refuses names that are not identifiers, reserved words and built-ins', async () => {
        const { program } = await loadBoth();
        const rename = (needle: string, newName: string) =>
            t.services.lsp.RenameProvider!.rename(program, {
                textDocument: { uri: program.uri.toString() },
                position: position(program, needle),
                newName,
            });
        await expect(rename('crowd', 'two words')).rejects.toThrow(/not a name/);
        await expect(rename('crowd', 'and')).rejects.toThrow(/reserved/);
        await expect(rename('crop', 'cut')).rejects.toThrow(/Built-ins cannot be renamed/);
        const prepared = await t.services.lsp.RenameProvider!.prepareRename(program, {
            textDocument: { uri: program.uri.toString() },
            position: position(program, 'crop'),
        });
        expect(prepared).toBeUndefined();
    });
});
