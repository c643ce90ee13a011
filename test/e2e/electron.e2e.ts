/**
 * The @vscode/test-electron suite, for machines that can download VS Code: it starts a real VS Code
 * with the extension under development and runs test/e2e/electron/suite.cjs inside it. Where VS Code
 * cannot be downloaded (no network, as on the project's build machines) it skips and says why;
 * code-server covers the same ground there (workbench.e2e.ts).
 */
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

describe('dprog in VS Code (Electron, @vscode/test-electron)', () => {
    test('activates, registers its commands and reports errors', async (context) => {
        let executable: string;
        try {
            executable = await Promise.race([
                downloadAndUnzipVSCode({ version: 'stable', cachePath: path.join(root, '.cache', 'vscode-test') }),
                new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 60 s')), 60_000)),
            ]);
        } catch (error) {
            console.warn(
                `[electron] SKIPPED: VS Code cannot be downloaded here (${(error as Error).message.split('\n')[0]}); run this ` +
                    `suite on a machine with internet access.`,
            );
            context.skip();
            return;
        }
        const code = await runTests({
            vscodeExecutablePath: executable,
            extensionDevelopmentPath: root,
            extensionTestsPath: path.join(root, 'test', 'e2e', 'electron', 'suite.cjs'),
            launchArgs: [path.join(root, 'samples'), '--disable-extensions', '--disable-workspace-trust', '--no-sandbox'],
        });
        expect(code).toBe(0);
    });
});
