/**
 * Editing a program revalidates the libraries it imports: a library's "unused" warning goes away
 * as soon as an importer starts using the declaration, without touching the library.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { URI } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { afterAll, describe, expect, test } from 'vitest';
import { createDprogServices } from '../../../language-server/src/dprog-module.js';
import { loadProgramFiles } from '../../../language-server/src/workspace/load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dprog-rebuild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const main = (route: string) => `program Main
import "lib.dprog"
dataset emails from jsonl "emails.jsonl" { key id: String }
labels Verdict { spam, ham }
task classify(e: emails) -> choice<Verdict> { route cascade ${route} }
`;

describe('import-aware rebuilds', () => {
    test("a library's unused warning follows its importer's edits", async () => {
        writeFileSync(path.join(dir, 'lib.dprog'), 'labeler crowd: human\nlabeler analysts: human\n');
        writeFileSync(path.join(dir, 'main.dprog'), main('crowd'));
        const { shared } = createDprogServices(NodeFileSystem);
        const [mainDocument] = await loadProgramFiles(shared, [path.join(dir, 'main.dprog')]);
        const library = shared.workspace.LangiumDocuments.getDocument(URI.file(path.join(dir, 'lib.dprog')))!;
        const unused = () => (library.diagnostics ?? []).filter((d) => d.code === 'unused/labeler').map((d) => d.message);
        expect(unused()).toEqual(["Labeler 'analysts' is not used: no route, learn or monitor names it."]);

        writeFileSync(path.join(dir, 'main.dprog'), main('crowd, analysts'));
        await shared.workspace.DocumentBuilder.update([mainDocument.uri], []);
        expect(unused()).toEqual([]);
    });
});
