/**
 * A language client over stdio for tests: starts the bundled server as an editor does
 * (`node bin/dprog.cjs lsp --stdio`), declares the given client capabilities, and collects what the
 * server publishes and registers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import {
    createProtocolConnection, ExitNotification, InitializedNotification, InitializeRequest, PublishDiagnosticsNotification,
    RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
    type ClientCapabilities, type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams, type Registration,
} from 'vscode-languageserver/node.js';

const root = path.resolve(__dirname, '../..');

/** The newest modification time of the sources the bundles are built from. */
function newestSource(dir: string): number {
    return readdirSync(dir).reduce((newest, entry) => {
        const file = path.join(dir, entry);
        const stat = statSync(file);
        return Math.max(newest, stat.isDirectory() ? newestSource(file) : stat.mtimeMs);
    }, 0);
}

/** Builds the bundles unless they are newer than every source (`npm test` has just built them). */
export function ensureBundles(): void {
    const bundles = ['out/cli/main.cjs', 'out/language-server/main.cjs', 'out/language-server/server.mjs'].map((f) => path.join(root, f));
    const sources = Math.max(newestSource(path.join(root, 'language-server/src')), newestSource(path.join(root, 'cli/src')));
    if (bundles.every((b) => existsSync(b) && statSync(b).mtimeMs > sources)) {
        return;
    }
    const build = spawnSync('node', ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
}

export class StdioClient {
    readonly connection: ProtocolConnection;
    readonly registrations: Registration[] = [];
    private readonly published: PublishDiagnosticsParams[] = [];
    private readonly waiters: Array<() => void> = [];

    private constructor(private readonly server: ChildProcess) {
        this.connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
        this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
            this.published.push(params);
            this.waiters.splice(0).forEach((wake) => wake());
        });
        this.connection.onRequest(RegistrationRequest.type, (params) => {
            this.registrations.push(...params.registrations);
            this.waiters.splice(0).forEach((wake) => wake());
        });
        this.connection.listen();
    }

    /** Starts the server in `workspace` and completes the initialize handshake. */
    static async start(workspace: string, capabilities: ClientCapabilities): Promise<{ client: StdioClient; result: InitializeResult }> {
        ensureBundles();
        const server = spawn('node', [path.join(root, 'bin/dprog.cjs'), 'lsp', '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'inherit'] });
        const client = new StdioClient(server);
        const folder = pathToFileURL(workspace).toString();
        const result = await client.connection.sendRequest(InitializeRequest.type, {
            processId: process.pid, rootUri: folder, workspaceFolders: [{ uri: folder, name: 'workspace' }], capabilities,
        });
        await client.connection.sendNotification(InitializedNotification.type, {});
        return { client, result };
    }

    /** The newest diagnostics published for `uri` that satisfy `accept` (waits for them). */
    async diagnostics(uri: string, accept: (published: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
        for (;;) {
            const found = this.published.filter((d) => d.uri === uri).at(-1);
            if (found && accept(found)) {
                return found;
            }
            await new Promise<void>((wake) => this.waiters.push(wake));
        }
    }

    /** The registrations of `method` the server asked for (waits for the first). */
    async registered(method: string): Promise<Registration[]> {
        for (;;) {
            const found = this.registrations.filter((r) => r.method === method);
            if (found.length > 0) {
                return found;
            }
            await new Promise<void>((wake) => this.waiters.push(wake));
        }
    }

    async stop(): Promise<void> {
        await this.connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
        await this.connection.sendNotification(ExitNotification.type).catch(() => undefined);
        this.connection.dispose();
        if (this.server.exitCode === null) {
            await new Promise((resolve) => {
                const timer = setTimeout(() => this.server.kill(), 5000);
                this.server.once('exit', () => resolve(clearTimeout(timer)));
            });
        }
    }
}
