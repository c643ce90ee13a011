import type { RegisterCommand } from './index.js';
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
            // Imported lazily: loading the module starts the server (it reads `--stdio` from argv).
            await import('../../../language-server/src/main.js');
        });
};
