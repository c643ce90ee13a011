/** Completion of import paths, on the real file system, relative to the importing file. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { URI } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDprogServices, type DprogServices } from '../../../language-server/src/dprog-module.js';

let folder: string;
let services: DprogServices;

beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'dprog-import-'));
    mkdirSync(path.join(folder, 'shared'));
    writeFileSync(path.join(folder, 'shared', 'labels.dprog'), 'labels V { a }\n');
    writeFileSync(path.join(folder, 'shared', 'notes.txt'), 'not a program\n');
    writeFileSync(path.join(folder, 'other.dprog'), 'labels W { b }\n');
    services = createDprogServices(NodeFileSystem).Dprog;
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function labelsAt(text: string): Promise<string[]> {
    const shared = services.shared;
    const document = shared.workspace.LangiumDocumentFactory.fromString(text, URI.file(path.join(folder, 'main.dprog')));
    const list = await services.lsp.CompletionProvider!.getCompletion(document, {
        textDocument: { uri: document.uri.toString() },
        position: document.textDocument.positionAt(text.length),
    });
    return (list?.items ?? []).map((i) => i.label);
}

describe('import completion', () => {
    test('folders and .dprog files beside the program', async () => {
        expect(await labelsAt('import "')).toEqual(['other.dprog', 'shared/']);
    });

    test('inside a folder', async () => {
        expect(await labelsAt('program P\nimport "shared/la')).toEqual(['labels.dprog']);
    });

    test('a folder that does not exist gives nothing', async () => {
        expect(await labelsAt('import "missing/')).toEqual([]);
    });
});
