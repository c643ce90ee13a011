/**
 * A failed compile through the CLI (out/cli/main.cjs, as the extension runs it) comes back as each
 * error with its file (absolute), line, column and message — not "failed with exit code 1".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CliRunner } from '../../extension/src/engine-bridge/cli-runner.js';
import { diagnosticLine, ProgramDiagnosticsError } from '../../extension/src/engine-bridge/dprog-engine.js';

const cli = resolve(__dirname, '../../out/cli/main.cjs');
const dir = mkdtempSync(join(tmpdir(), 'dprog-cli-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI runner', () => {
    test('a program with errors gives each error with file, line and message', async () => {
        const file = join(dir, 'broken.dprog');
        writeFileSync(
            file,
            'program Broken\n\nlabels Verdict { spam, ham }\n\ntask classify(e: emails) -> choice<Verdict> {\n    route cascade ' +
                'nobody\n}\n',
        );
        const runner = new CliRunner(cli, () => undefined);
        const error = await runner.json('Compile', ['compile', file], dir).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ProgramDiagnosticsError);
        const { diagnostics, message } = error as ProgramDiagnosticsError;
        expect(diagnostics.map((d) => [d.file, d.line, d.severity, d.message])).toEqual([
            [file, 5, 'error', "Unknown dataset 'emails'."],
            [file, 6, 'error', "Unknown labeler 'nobody'."],
        ]);
        expect(message).toBe("Compile failed: 2 errors. broken.dprog:5: Unknown dataset 'emails'. (and 1 more)");
        expect(diagnosticLine(diagnostics[1])).toBe(`${file}:6:19: error names/unresolved: Unknown labeler 'nobody'.`);
    });

    test('other failures carry what the command said', async () => {
        const runner = new CliRunner(cli, () => undefined);
        const error = await runner.json('Sampling', ['sample', join(dir, 'missing.dprog'), '--task', 't'], dir).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/missing\.dprog/);
        expect((error as Error).message).not.toMatch(/exit code/);
    });
});
