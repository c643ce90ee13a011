/** Shared helpers of the store tests: temporary folders, file hashes, child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function tempDir(): { dir: string; cleanup: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'dprog-store-'));
    return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function fileHash(path: string): string {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface Fixture {
    child: ChildProcess;
    lines: string[];
    exited: Promise<void>;
    waitFor: (prefix: string) => Promise<string>;
    /** The next stdout line not yet taken by nextLine (in order, each once). */
    nextLine: () => Promise<string>;
    /** Writes one line to the child's standard input. */
    send: (line: string) => void;
}

/** Starts a TypeScript fixture in a child Node process (tsx as loader), collecting complete stdout lines. */
export function startFixture(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Fixture {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
    const lines: string[] = [];
    const lineWaiters: (() => void)[] = [];
    let partial = '';
    let stderr = '';
    const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop()!;
        for (const line of parts) {
            lines.push(line);
            lineWaiters.shift()?.();
            for (const waiter of waiters.filter((w) => line.startsWith(w.prefix))) {
                waiters.splice(waiters.indexOf(waiter), 1);
                waiter.resolve(line);
            }
        }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const waitFor = (prefix: string) =>
        new Promise<string>((resolve, reject) => {
            const found = lines.find((line) => line.startsWith(prefix));
            if (found) {
                return resolve(found);
            }
            waiters.push({ prefix, resolve });
            child.on('exit', (code, signal) =>
                reject(new Error(`${name} exited (${code ?? signal}) before printing '${prefix}': ${stderr}`)),
            );
        });
    let taken = 0;
    child.on('exit', () => lineWaiters.splice(0).forEach((wake) => wake()));
    const nextLine = async (): Promise<string> => {
        while (taken >= lines.length) {
            if (child.exitCode !== null || child.signalCode !== null) {
                throw new Error(`${name} exited before printing another line: ${stderr}`);
            }
            await new Promise<void>((resolve) => lineWaiters.push(resolve));
        }
        return lines[taken++];
    };
    const send = (line: string) => void child.stdin!.write(`${line}\n`);
    return { child, lines, exited, waitFor, nextLine, send };
}
