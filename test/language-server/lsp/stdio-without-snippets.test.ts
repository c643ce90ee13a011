/**
 * The bundled server (`dprog lsp --stdio`) as a client like Neovim 0.7 uses it: no snippet support,
 * no dynamic registration of watched files (the server watches the workspace itself). Formatting,
 * commas between clauses, completion, the outline, and files changed on disk that are not open.
 * A second client with dynamic registration gets `**\/*.dprog` watchers registered.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
    CompletionRequest,
    DidChangeWatchedFilesNotification,
    DidOpenTextDocumentNotification,
    DocumentFormattingRequest,
    DocumentSymbolRequest,
    FileChangeType,
    RenameRequest,
    type CompletionItem,
    type CompletionList,
    type Diagnostic,
    type DocumentSymbol,
    type TextEdit,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { StdioClient } from '../stdio-client.js';

/** Neovim 0.7's declared completion capabilities: no snippets, no dynamic registration anywhere. */
const NEOVIM_07 = {
    textDocument: { completion: { completionItem: { snippetSupport: false } } },
    workspace: { didChangeWatchedFiles: { dynamicRegistration: false } },
};

const HEADER = `labels L { a, b }
labeler p: human { cost $0.01 per item }
labeler q: human { cost $0.02 per item }
dataset d from jsonl "d.jsonl" { key id: String }
`;

let workspace: string;
let client: StdioClient;
let opened = 0;

beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dprog-nvim-'));
    ({ client } = await StdioClient.start(workspace, NEOVIM_07));
});

afterAll(async () => {
    await client?.stop();
    rmSync(workspace, { recursive: true, force: true });
});

const uriOf = (name: string) => pathToFileURL(path.join(workspace, name)).toString();
const errors = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === 1).map((d) => d.message);

/** Opens a new document with `text` and returns its URI and first diagnostics. */
async function open(text: string, name = `open${++opened}.dprog`): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = uriOf(name);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'dprog', version: 1, text },
    });
    return { uri, diagnostics: (await client.diagnostics(uri)).diagnostics };
}

async function completionLabels(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const result = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } });
    return Array.isArray(result) ? result : (result as CompletionList).items;
}

describe('a client without snippet support (Neovim 0.7)', () => {
    test('commas between clauses, also after a route list ending in a comma', async () => {
        const { diagnostics } = await open(`${HEADER}task t(x: d) -> choice<L> {\n    ask "?", route cascade p, q,\n    budget $5\n}\n`);
        expect(errors(diagnostics)).toEqual([]);
    });

    test('formatting a one-line task keeps it a valid program', async () => {
        const text = `${HEADER}task t(x:d)->choice<L>{ask "?" route cascade p quality{target 90% ,aggregate majority}}\n`;
        const { uri } = await open(text);
        const edits = (await client.connection.sendRequest(DocumentFormattingRequest.type, {
            textDocument: { uri },
            options: { tabSize: 4, insertSpaces: true },
        })) as TextEdit[];
        const formatted = TextDocument.applyEdits(TextDocument.create(uri, 'dprog', 1, text), edits);
        expect(formatted).toContain('task t(x: d) -> choice<L> { ask "?", route cascade p, quality { target 90%, aggregate majority } }');
        const reopened = await open(formatted);
        expect(errors(reopened.diagnostics)).toEqual([]);
    });

    test('completion sends plain text, each label once, and only labelers inside a route', async () => {
        const { uri } = await open(`${HEADER}\ntask t(x: d) -> choice<L> {\n    route cascade \n}\n`);
        const topLevel = await completionLabels(uri, 5, 0);
        const labels = topLevel.map((i) => i.label);
        expect(labels).toEqual(expect.arrayContaining(['task', 'labels', 'dataset', 'learn', 'monitor']));
        expect(new Set(labels).size).toBe(labels.length);
        const all = [...topLevel, ...(await completionLabels(uri, 6, 18))];
        expect(all.filter((i) => i.insertTextFormat === 2 || /\$\{?\d|\0/.test(i.insertText ?? i.textEdit?.newText ?? ''))).toEqual([]);
        const inRoute = (await completionLabels(uri, 6, 18)).map((i) => i.label);
        expect(inRoute.sort()).toEqual(['p', 'q']);
    });

    test('the outline lists learn and monitor blocks', async () => {
        const { uri } = await open(
            [
                'labels V { spam, ham }',
                'dataset emails from jsonl "e.jsonl" { key id: String, body: Text }',
                'labeler m: model "m.onnx" { input body as hashed 64, output choice<V> }',
                'task classify(e: emails) -> choice<V> { route cascade m }',
                'learn classify using m { batch 10 }',
                'monitor shift of emails.body { metric psi }',
                'monitor predictions of m { confidence within [5%, 99%] }',
                '',
            ].join('\n'),
        );
        const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
        expect(symbols.map((s) => s.name)).toEqual([
            'V',
            'emails',
            'm',
            'classify',
            'learn classify using m',
            'monitor shift of emails.body',
            'monitor predictions of m',
        ]);
    });

    test('an imported file that is not open: appearing, changing and disappearing on disk re-checks the importer', async () => {
        const library = path.join(workspace, 'lib.dprog');
        const { uri } = await open(
            `import "lib.dprog"\ndataset d from jsonl "d.jsonl" { key id: String }\ntask t(x: d) -> choice<Shared> { route ` +
                `cascade crowd }\n`,
            'main.dprog',
        );
        const missing = (await client.diagnostics(uri)).diagnostics;
        expect(errors(missing).some((m) => m.includes("Cannot find the imported file 'lib.dprog'"))).toBe(true);

        writeFileSync(library, 'labels Shared { x, y }\nlabeler crowd: human { cost $0.01 per item }\n');
        await client.diagnostics(uri, (d) => errors(d.diagnostics).length === 0);

        writeFileSync(library, 'labels Common { x, y }\nlabeler crowd: human { cost $0.01 per item }\n');
        const changed = await client.diagnostics(uri, (d) => errors(d.diagnostics).length > 0);
        expect(errors(changed.diagnostics).join('\n')).toContain('Shared');

        // Rename in the importer reaches the closed file as it is on disk now, not as first read.
        writeFileSync(library, '// the crowd\nlabels Shared { x, y }\nlabeler crowd: human { cost $0.01 per item }\n');
        await client.diagnostics(uri, (d) => errors(d.diagnostics).length === 0);
        const edit = await client.connection.sendRequest(RenameRequest.type, {
            textDocument: { uri },
            position: { line: 2, character: 48 },
            newName: 'people',
        });
        const libraryEdits = edit?.changes?.[pathToFileURL(library).toString()] ?? [];
        const renamed = TextDocument.applyEdits(TextDocument.create('lib', 'dprog', 1, readFileSync(library, 'utf8')), libraryEdits);
        expect(renamed).toBe('// the crowd\nlabels Shared { x, y }\nlabeler people: human { cost $0.01 per item }\n');

        unlinkSync(library);
        const gone = await client.diagnostics(uri, (d) => errors(d.diagnostics).some((m) => m.includes('Cannot find the imported file')));
        expect(gone.uri).toBe(uri);
    });
});

describe('a client with dynamic registration of watched files', () => {
    test('gets a **/*.dprog watcher and its change notifications re-check importers', async () => {
        const folder = mkdtempSync(path.join(tmpdir(), 'dprog-watch-'));
        const { client: vscodeLike } = await StdioClient.start(folder, {
            workspace: { didChangeWatchedFiles: { dynamicRegistration: true } },
        });
        try {
            const watchers = await vscodeLike.registered(DidChangeWatchedFilesNotification.method);
            expect(watchers.map((r) => r.registerOptions)).toEqual([{ watchers: [{ globPattern: '**/*.dprog' }] }]);

            const uri = pathToFileURL(path.join(folder, 'main.dprog')).toString();
            await vscodeLike.connection.sendNotification(DidOpenTextDocumentNotification.type, {
                textDocument: { uri, languageId: 'dprog', version: 1, text: 'import "lib.dprog"\nlabels Own { a }\n' },
            });
            await vscodeLike.diagnostics(uri, (d) => errors(d.diagnostics).length > 0);
            const library = path.join(folder, 'lib.dprog');
            writeFileSync(library, 'labels Shared { x }\n');
            await vscodeLike.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
                changes: [{ uri: pathToFileURL(library).toString(), type: FileChangeType.Created }],
            });
            await vscodeLike.diagnostics(uri, (d) => errors(d.diagnostics).length === 0);
        } finally {
            await vscodeLike.stop();
            rmSync(folder, { recursive: true, force: true });
        }
    });
});
