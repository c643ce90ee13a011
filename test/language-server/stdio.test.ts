/**
 * The bundled language server as a separate process, spoken to over stdio exactly as an editor
 * would: `node bin/dprog.cjs lsp --stdio` (the CLI starting the server from out/language-server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
    CompletionRequest, createProtocolConnection, DidOpenTextDocumentNotification, ExitNotification, InitializedNotification,
    InitializeRequest, PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
    type CompletionItem, type CompletionList, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver/node.js';

const root = path.resolve(__dirname, '../..');

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

let server: ChildProcess;
let connection: ProtocolConnection;
let workspace: string;
const diagnostics: PublishDiagnosticsParams[] = [];
const diagnosticWaiters: Array<() => void> = [];

beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dprog-stdio-'));
    server = spawn('node', [path.join(root, 'bin/dprog.cjs'), 'lsp', '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        diagnostics.push(params);
        diagnosticWaiters.splice(0).forEach((wake) => wake());
    });
    connection.listen();
});

afterAll(async () => {
    if (connection) {
        await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
        await connection.sendNotification(ExitNotification.type).catch(() => undefined);
        connection.dispose();
    }
    if (server && server.exitCode === null) {
        await new Promise((resolve) => {
            const timer = setTimeout(() => server.kill(), 5000);
            server.once('exit', () => resolve(clearTimeout(timer)));
        });
    }
    rmSync(workspace, { recursive: true, force: true });
});

async function diagnosticsFor(uri: string): Promise<PublishDiagnosticsParams> {
    for (;;) {
        const found = diagnostics.find((d) => d.uri === uri);
        if (found) {
            return found;
        }
        await new Promise<void>((wake) => diagnosticWaiters.push(wake));
    }
}

describe('the bundled language server over stdio', () => {
    const file = () => path.join(workspace, 'triage.dprog');
    const uri = () => pathToFileURL(file()).toString();

    test('initializes with the features an editor needs', async () => {
        writeFileSync(file(), PROGRAM);
        const result = await connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            rootUri: pathToFileURL(workspace).toString(),
            workspaceFolders: [{ uri: pathToFileURL(workspace).toString(), name: 'workspace' }],
            capabilities: {},
        });
        await connection.sendNotification(InitializedNotification.type, {});
        const capabilities = result.capabilities;
        expect(capabilities.completionProvider).toBeDefined();
        expect(capabilities.hoverProvider).toBeTruthy();
        expect(capabilities.documentFormattingProvider).toBeTruthy();
        expect(capabilities.codeActionProvider).toBeTruthy();
        expect(capabilities.semanticTokensProvider).toBeDefined();
    });

    test('publishes diagnostics for an opened document', async () => {
        await connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: { uri: uri(), languageId: 'dprog', version: 1, text: PROGRAM },
        });
        const published = await diagnosticsFor(uri());
        const unresolved = published.diagnostics.filter((d) => d.message.includes('nobody'));
        expect(unresolved).toHaveLength(1);
        expect(unresolved[0].severity).toBe(1);
        expect(unresolved[0].range.start).toEqual({ line: 11, character: 25 });
    });

    test('answers a completion request with the labelers a route can use', async () => {
        const result = await connection.sendRequest(CompletionRequest.type, {
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
