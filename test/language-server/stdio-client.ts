/**
 * A language client over stdio for tests: starts the bundled server as an editor does
 * (`node bin/dprog.cjs lsp --stdio`; the global set-up keeps out/ fresh), declares the given
 * client capabilities, and collects what the server publishes and registers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
    createProtocolConnection,
    ExitNotification,
    InitializedNotification,
    InitializeRequest,
    PublishDiagnosticsNotification,
    RegistrationRequest,
    ShutdownRequest,
    StreamMessageReader,
    StreamMessageWriter,
    type ClientCapabilities,
    type InitializeResult,
    type ProtocolConnection,
    type PublishDiagnosticsParams,
    type Registration,
} from 'vscode-languageserver/node.js';

const root = path.resolve(__dirname, '../..');

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
        const server = spawn('node', [path.join(root, 'bin/dprog.cjs'), 'lsp', '--stdio'], {
            cwd: workspace,
            stdio: ['pipe', 'pipe', 'inherit'],
        });
        const client = new StdioClient(server);
        const folder = pathToFileURL(workspace).toString();
        const result = await client.connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            rootUri: folder,
            workspaceFolders: [{ uri: folder, name: 'workspace' }],
            capabilities,
        });
        await client.connection.sendNotification(InitializedNotification.type, {});
        return { client, result };
    }

    /** The newest diagnostics published for `uri` that satisfy `accept` (waits for them). */
    async diagnostics(
        uri: string,
        accept: (published: PublishDiagnosticsParams) => boolean = () => true,
    ): Promise<PublishDiagnosticsParams> {
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
