/**
 * The README stays true: every command its table lists exists with the options it shows, shows
 * every option the command requires, and the block of examples beneath the table runs as written
 * (exit 0) on the bundled samples — from a copy of samples/, so the checkout's own stores stay untouched.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { commands } from '../cli/src/commands/index.js';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The command signatures of the README's `| command | does |` table, e.g. `dprog label export --task T …`. */
function tableSignatures(text: string): string[] {
    const start = text.indexOf('| command | does |');
    const rows = text.slice(start).split('\n\n')[0].split('\n').slice(2);
    return rows.flatMap((row) => [...row.split('|')[1].matchAll(/`(dprog [^`]+)`/g)].map((m) => m[1]));
}

/** The lines of the ```sh block that follows the table: the examples that run as written. */
function examples(text: string): string[] {
    const afterTable = text.slice(text.indexOf('| command | does |'));
    const block = /```sh\n([\s\S]*?)```/.exec(afterTable)![1];
    return block.split('\n').filter((line) => line.startsWith('dprog '));
}

function cliProgram(): Command {
    const program = new Command('dprog');
    for (const register of commands) {
        register(program, () => undefined);
    }
    return program;
}

/** The command a signature names (`dprog store copy FROM TO` → `store copy`), and the words after it. */
function commandOf(program: Command, signature: string): { command?: Command; rest: string[] } {
    const words = signature.split(/\s+/).slice(1);
    let command = program;
    for (let sub = command.commands.find((c) => c.name() === words[0]); sub; sub = command.commands.find((c) => c.name() === words[0])) {
        command = sub;
        words.shift();
    }
    return { command: command === program ? undefined : command, rest: words };
}

/** What is wrong with one table signature: unknown command, options it does not have, required options left out or in brackets. */
function signatureProblems(program: Command, signature: string): string[] {
    const { command, rest } = commandOf(program, signature);
    if (!command) {
        return [`${signature}: no such command`];
    }
    const text = rest.join(' ');
    const shown = [...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
    const unknown = shown.filter((option) => !command.options.some((o) => o.long === option)).map((o) => `${signature}: no option ${o}`);
    const unbracketed = text.replace(/\[[^\]]*\]/g, '');
    const missing = command.options
        .filter((o) => o.mandatory && !unbracketed.includes(o.long!))
        .map((o) => `${signature}: ${o.long} is required but not shown (or shown as optional)`);
    return [...unknown, ...missing];
}

describe("the README's commands", () => {
    const program = cliProgram();

    test('the table shows each command with options it has, and every option it requires', () => {
        const signatures = tableSignatures(readme);
        expect(signatures.length).toBeGreaterThan(12);
        expect(signatures.flatMap((s) => signatureProblems(program, s))).toEqual([]);
        // Every command the CLI has is in the table.
        const listed = new Set(signatures.map((s) => commandOf(program, s).command));
        const leaves = program.commands.flatMap((c) => (c.commands.length > 0 ? c.commands : [c]));
        expect(leaves.filter((c) => !listed.has(c)).map((c) => c.name())).toEqual([]);
    });

    test('the check finds a required option left out, one shown as optional, and an option that does not exist', () => {
        expect(signatureProblems(program, 'dprog label export [--task T] --format F')).toEqual([
            'dprog label export [--task T] --format F: --task is required but not shown (or shown as optional)',
        ]);
        expect(signatureProblems(program, 'dprog retrain FILE --tasks T')).toEqual(['dprog retrain FILE --tasks T: no option --tasks']);
        expect(signatureProblems(program, 'dprog teach FILE')).toEqual(['dprog teach FILE: no such command']);
    });

    describe('the examples run as written on the bundled samples', () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'dprog-readme-'));
        // The samples with their prepared data (the tests' global set-up prepares it), without any store of the checkout's.
        cpSync(path.join(root, 'samples'), path.join(dir, 'samples'), {
            recursive: true,
            filter: (source) => path.basename(source) !== '.dprog',
        });
        afterAll(() => rmSync(dir, { recursive: true, force: true }));

        // In order: later examples use what earlier ones wrote (the plan file, the stores).
        for (const line of examples(readme)) {
            test(line, async () => {
                expect(line, 'an example is one command without shell syntax').not.toMatch(/["'|&;<>$`\\]/);
                const args = line.split(/\s+/).slice(1);
                const run = await promisify(execFile)(process.execPath, [path.join(root, 'bin/dprog.cjs'), ...args], {
                    cwd: dir,
                    maxBuffer: 64 * 1024 * 1024,
                }).catch((error: { code: number; stderr: string }) => error);
                expect('code' in run ? `exit ${run.code}: ${run.stderr}` : 'exit 0').toBe('exit 0');
            }, 300_000);
        }
    });
});
