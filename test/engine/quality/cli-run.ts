/** Runs the `dprog` CLI in-process (the real commands, real files) and captures what it prints. */
import { vi } from 'vitest';
import { runCli } from '../../../cli/src/main.js';

export async function dprog(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        stdout += String(chunk);
        return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        stderr += String(chunk);
        return true;
    });
    try {
        const code = await runCli(argv);
        return { code, stdout, stderr };
    } finally {
        out.mockRestore();
        err.mockRestore();
    }
}
