/**
 * The bundled language server as a separate process, spoken to over stdio exactly as an editor
 * would: `node bin/dprog.cjs lsp --stdio` (the CLI starting the server from out/language-server).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
    CompletionRequest,
    DidOpenTextDocumentNotification,
    type CompletionItem,
    type CompletionList,
    type InitializeResult,
} from 'vscode-languageserver/node.js';
import { StdioClient } from './stdio-client.js';

const PROGRAM = `labels Verdict { spam, ham }

labeler crowd: human { cost $0.01 per item }
labeler analysts: human { cost $0.08 per item }

dataset emails from jsonl "emails.jsonl" {
    key id: String
    body: Text
}

task classify(e: emails) -> choice<Verdict> {
    route cascade crowd, nobody
}
`;

let client: StdioClient;
let initialized: InitializeResult;
let workspace: string;

beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dprog-stdio-'));
    writeFileSync(path.join(workspace, 'triage.dprog'), PROGRAM);
    ({ client, result: initialized } = await StdioClient.start(workspace, {}));
});

afterAll(async () => {
    await client?.stop();
    rmSync(workspace, { recursive: true, force: true });
});

describe('the bundled language server over stdio', () => {
    const file = () => path.join(workspace, 'triage.dprog');
    const uri = () => pathToFileURL(file()).toString();

    test('initializes with the features an editor needs', async () => {
        const capabilities = initialized.capabilities;
        expect(capabilities.completionProvider).toBeDefined();
        expect(capabilities.hoverProvider).toBeTruthy();
        expect(capabilities.documentFormattingProvider).toBeTruthy();
        expect(capabilities.codeActionProvider).toBeTruthy();
        expect(capabilities.semanticTokensProvider).toBeDefined();
    });

    test('publishes diagnostics for an opened document', async () => {
        await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: { uri: uri(), languageId: 'dprog', version: 1, text: PROGRAM },
        });
        const published = await client.diagnostics(uri());
        const unresolved = published.diagnostics.filter((d) => d.message.includes('nobody'));
        expect(unresolved).toHaveLength(1);
        expect(unresolved[0].severity).toBe(1);
        expect(unresolved[0].range.start).toEqual({ line: 11, character: 25 });
    });

    test('answers a completion request with the labelers a route can use', async () => {
        const result = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri: uri() },
            position: { line: 11, character: 25 },
        });
        const items: CompletionItem[] = Array.isArray(result) ? result : (result as CompletionList).items;
        const labels = items.map((i) => i.label);
        expect(labels).toContain('analysts');
        expect(labels).not.toContain('crowd'); // already in the route
        expect(labels).not.toContain('Verdict');
    });
});
