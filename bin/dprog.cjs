#!/usr/bin/env node
// The `dprog` command: the bundled CLI (built by `npm run build`).
// `dprog lsp --stdio` starts the language server's own bundle directly: an editor waits for its
// `initialize` answer, and the server needs none of the CLI's commands.
const args = process.argv.slice(2);
if (args[0] === 'lsp' && args.includes('--stdio') && !args.includes('--help') && !args.includes('-h')) {
    require('../out/language-server/main.cjs');
} else {
    require('../out/cli/main.cjs').main();
}
