import type { RegisterCommand } from './index.js';
import * as path from 'node:path';
import { UsageError } from '../errors.js';

/**
 * `dprog lsp --stdio`: the dprog language server over stdin/stdout, for any LSP client (other
 * editors, tests). It is the same server the VS Code extension starts (language-server/src/main.ts).
 */
export const registerLsp: RegisterCommand = (program) => {
    program
        .command('lsp')
        .description('Run the dprog language server over stdio (Language Server Protocol).')
        .option('--stdio', 'speak LSP on stdin/stdout (the only transport)')
        .option('--json', 'accepted for uniformity; LSP messages are JSON-RPC anyway')
        .action(async (options: { stdio?: boolean }) => {
            if (!options.stdio) {
                throw new UsageError('dprog lsp needs a transport: run `dprog lsp --stdio`.');
            }
            // The server's own bundle beside this one (out/cli/main.cjs → out/language-server/main.cjs):
            // loading it starts the server, which reads `--stdio` from argv. bin/dprog.cjs goes there directly.
            require(path.join(__dirname, '../language-server/main.cjs'));
        });
};
