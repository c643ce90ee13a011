/**
 * Runs the `dprog` CLI (out/cli/main.cjs, shipped in the extension) in a child process with
 * `--json`. Long engine work (compiling, model runs) stays out of the extension host, so a crash
 * or a slow model never freezes the editor, and cancelling is killing the child.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { EngineError, NotAvailableError, ProgramDiagnosticsError, type ProgramDiagnostic } from './dprog-engine.js';
import type { z } from 'zod';

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

export type Log = (line: string) => void;

export class CliRunner {
    constructor(
        /** Absolute path of out/cli/main.cjs. */
        private readonly cliPath: string,
        private readonly log: Log,
        /** More environment for the CLI (a PostgreSQL password from SecretStorage as PGPASSWORD). */
        private readonly extraEnv: () => Promise<NodeJS.ProcessEnv> = async () => ({}),
        /** Checked before every spawn: false in an untrusted workspace, where dprog runs nothing. */
        private readonly mayRun: () => boolean = () => true,
    ) {}

    /** Runs `dprog ARGS`; resolves with its output whatever the exit code (rejects only when it cannot start or is cancelled). */
    async exec(args: string[], cwd: string, signal?: AbortSignal): Promise<CliResult> {
        this.log(`$ dprog ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
        signal?.throwIfAborted();
        if (!this.mayRun()) {
            throw new EngineError(
                `this workspace is not trusted, so dprog runs nothing here (dprog ${args[0]} was not started); trust the ` +
                    `workspace to run it`,
                2,
            );
        }
        const extra = await this.extraEnv();
        return new Promise<CliResult>((resolve, reject) => {
            // In VS Code's Electron host process.execPath is Electron: ask it to behave as Node.
            const child = spawn(process.execPath, [this.cliPath, ...args], {
                cwd,
                env: { ...process.env, ...extra, ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '0' },
                stdio: ['ignore', 'pipe', 'pipe'],
            });
            const out: Buffer[] = [];
            const err: Buffer[] = [];
            child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
            child.stderr.on('data', (chunk: Buffer) => {
                err.push(chunk);
                for (const line of chunk.toString('utf8').split('\n')) {
                    if (line.trim()) {
                        this.log(line);
                    }
                }
            });
            const onAbort = () => child.kill('SIGTERM');
            signal?.addEventListener('abort', onAbort, { once: true });
            child.on('error', (error) => {
                signal?.removeEventListener('abort', onAbort);
                reject(error);
            });
            child.on('close', (code) => {
                signal?.removeEventListener('abort', onAbort);
                if (signal?.aborted) {
                    reject(new DOMException('cancelled', 'AbortError'));
                    return;
                }
                resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
            });
        });
    }

    /** Runs a `--json` command and parses its one JSON document; maps failures to EngineError / NotAvailableError. */
    async json<T>(feature: string, args: string[], cwd: string, signal?: AbortSignal): Promise<T> {
        const result = await this.exec([...args, '--json'], cwd, signal);
        if (result.code === 2 && /unknown command|unknown option/i.test(result.stderr)) {
            throw new NotAvailableError(
                feature,
                `this build's dprog CLI has no '${args[0]}${args[0] === 'label' ? ` ${args[1]}` : ''}' command yet`,
            );
        }
        if (result.code === 1) {
            const diagnostics = programDiagnostics(result.stdout, cwd);
            if (diagnostics) {
                throw new ProgramDiagnosticsError(feature, diagnostics);
            }
        }
        if (result.code !== 0) {
            const details = firstLines(result.stderr) || firstLines(result.stdout);
            throw new EngineError(
                details ? `${feature} failed: ${details}` : `dprog ${args[0]} failed with exit code ${result.code}`,
                result.code,
            );
        }
        try {
            return JSON.parse(result.stdout) as T;
        } catch {
            throw new EngineError(`dprog ${args[0]} printed output that is not JSON: ${firstLines(result.stdout)}`, result.code);
        }
    }
}

/**
 * The output of a `--json` command checked against its contract (cli/src/json-contracts.ts): a
 * shape the contract does not allow is an EngineError naming the field, not a silent `undefined`.
 */
export function checkedJson<T>(command: string, schema: z.ZodType<T>, value: unknown): T {
    const checked = schema.safeParse(value);
    if (checked.success) {
        return checked.data;
    }
    const issue = checked.error.issues[0];
    throw new EngineError(
        `dprog ${command} printed JSON that does not match its contract (${issue.path.join('.') || 'the document'}: ` +
            `${issue.message}); are the extension and its dprog CLI from the same build?`,
        1,
    );
}

/** The `{"diagnostics":[…]}` a command prints on exit code 1 when the program has errors; paths made absolute. */
export function programDiagnostics(stdout: string, cwd: string): ProgramDiagnostic[] | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(stdout);
    } catch {
        return undefined;
    }
    const list = (parsed as { diagnostics?: unknown } | null)?.diagnostics;
    if (!Array.isArray(list) || list.length === 0) {
        return undefined;
    }
    return list.map((raw: Partial<ProgramDiagnostic>) => ({
        file: path.resolve(cwd, String(raw.file ?? '')),
        line: Math.max(1, Number(raw.line) || 1),
        column: Math.max(1, Number(raw.column) || 1),
        severity: raw.severity === 'warning' ? 'warning' : 'error',
        code: typeof raw.code === 'string' ? raw.code : null,
        message: String(raw.message ?? 'error'),
    }));
}

function firstLines(text: string, n = 12): string {
    return text.trim().split('\n').slice(0, n).join('\n');
}
