/**
 * The language server never exits because of a document. A failure no handler caught (an
 * exception thrown in a callback, a rejected promise nobody awaited) would end the Node process
 * and, with it, checking in the editor; here it is logged and the server goes on answering.
 * Only the client ends the server (shutdown and exit, or closing its input).
 */
import type { Connection } from 'vscode-languageserver';

export function keepServing(connection: Connection): void {
    const log = (what: string, error: unknown) => {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        try {
            connection.console.error(`dprog language server: ${what}, ignored so the server keeps running: ${detail}`);
        } catch {
            process.stderr.write(`dprog language server: ${what}: ${detail}\n`);
        }
    };
    process.on('uncaughtException', (error) => log('an uncaught error', error));
    process.on('unhandledRejection', (reason) => log('an unhandled promise rejection', reason));
}
