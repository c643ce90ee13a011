/**
 * The bundled language server over stdio keeps answering whatever it is sent: a document nested
 * 10,000 deep gets one nesting error (and the server then still answers requests), and a frame
 * with a bad Content-Length header is skipped (reported on stderr) instead of silencing the
 * server for good. Spoken to as an editor would: `node bin/dprog.cjs lsp --stdio`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
    createProtocolConnection,
    DidOpenTextDocumentNotification,
    DocumentSymbolRequest,
    ExitNotification,
    HoverRequest,
    InitializedNotification,
    InitializeRequest,
    PublishDiagnosticsNotification,
    ShutdownRequest,
    StreamMessageReader,
    StreamMessageWriter,
    type ProtocolConnection,
    type PublishDiagnosticsParams,
} from 'vscode-languageserver/node.js';

const root = path.resolve(__dirname, '../..');
let server: ChildProcess;
let connection: ProtocolConnection;
let workspace: string;
let stderr = '';
const published = new Map<string, PublishDiagnosticsParams>();
const waiters: Array<() => void> = [];

beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dprog-stdio-robust-'));
    server = spawn(process.execPath, [path.join(root, 'bin/dprog.cjs'), 'lsp', '--stdio'], {
        cwd: workspace,
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    server.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        published.set(params.uri, params);
        waiters.splice(0).forEach((wake) => wake());
    });
    connection.listen();
    const uri = pathToFileURL(workspace).toString();
    await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: uri,
        workspaceFolders: [{ uri, name: 'w' }],
        capabilities: {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
});

afterAll(async () => {
    await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    connection.dispose();
    if (server.exitCode === null) {
        await new Promise((resolve) => {
            const timer = setTimeout(() => server.kill(), 5000);
            server.once('exit', () => resolve(clearTimeout(timer)));
        });
    }
    rmSync(workspace, { recursive: true, force: true });
});

async function diagnosticsOf(uri: string): Promise<PublishDiagnosticsParams> {
    for (;;) {
        const found = published.get(uri);
        if (found) {
            return found;
        }
        await new Promise<void>((wake) => waiters.push(wake));
    }
}

async function open(name: string, text: string): Promise<string> {
    const uri = pathToFileURL(path.join(workspace, name)).toString();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'dprog', version: 1, text },
    });
    return uri;
}

const SMALL = 'labels Verdict { spam, ham }\n';

test('a document nested 10,000 deep gets one nesting error, and the server still answers', async () => {
    const deep = `labels L { a, b }
dataset d from jsonl "d.jsonl" { key id: String }
labeler crowd: human
task t(x: d) -> choice<L> { route cascade crowd }
flow f(x: d) {
    if ${'('.repeat(10_000)}t(x) == a${')'.repeat(10_000)} { t(x) }
}
`;
    const uri = await open('deep.dprog', deep);
    const errors = (await diagnosticsOf(uri)).diagnostics.filter((d) => d.severity === 1);
    expect(errors.map((d) => d.code)).toEqual(['syntax/too-deep']);
    expect(errors[0].range.start.line).toBe(5);
    // Still alive and answering, on this document and on a new one.
    const symbols = await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    expect((symbols ?? []).map((s) => s.name)).toContain('f');
    const small = await open('small.dprog', SMALL);
    expect((await diagnosticsOf(small)).diagnostics).toEqual([]);
    expect(server.exitCode).toBeNull();
}, 120_000);

test('a frame with a bad Content-Length is skipped; the next message is answered', async () => {
    server.stdin!.write('Content-Length: banana\r\n\r\n{"jsonrpc":"2.0","id":999,"method":"shutdown"}');
    const uri = pathToFileURL(path.join(workspace, 'small.dprog')).toString();
    const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 8 } });
    expect(JSON.stringify(hover)).toContain('Verdict');
    expect(stderr).toMatch(/skipped a malformed message from the client \(Content-Length 'banana' is not a whole number/);
    expect(server.exitCode).toBeNull();
}, 60_000);
