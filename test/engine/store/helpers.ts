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

/** Starts a TypeScript fixture in a child Node process (tsx as loader), collecting complete stdout lines. */
export function startFixture(name: string, args: string[]): { child: ChildProcess; lines: string[]; exited: Promise<void>; waitFor: (prefix: string) => Promise<string> } {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop()!;
        for (const line of parts) {
            lines.push(line);
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
            if (found) return resolve(found);
            waiters.push({ prefix, resolve });
            child.on('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before printing '${prefix}': ${stderr}`)));
        });
    return { child, lines, exited, waitFor };
}
