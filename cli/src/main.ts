/**
 * The `dprog` command line: one file per command under commands/, each registering itself
 * on the commander program. Errors become exit codes (0 ok, 1 program/data errors, 2 usage or I/O).
 */
import { Command, CommanderError } from 'commander';
import { ExitCode } from './errors.js';
import { printError, printJson } from './output.js';
import { commands } from './commands/index.js';

export async function runCli(argv: string[]): Promise<number> {
    const wantsJson = argv.includes('--json');
    const program = new Command('dprog')
        .description('Data programs: check, compile and run labeling plans.')
        .version('0.1.0')
        .exitOverride()
        // With --json, commander's own messages (unknown option, missing argument) become the one JSON error document.
        .configureOutput({ writeErr: (s) => (wantsJson ? undefined : process.stderr.write(s)), outputError: (s, write) => write(s) });
    let exitCode: number = ExitCode.ok;
    for (const register of commands) {
        register(program, (code) => {
            exitCode = Math.max(exitCode, code);
        });
    }
    forEachCommand(program, (command) => command.exitOverride().configureOutput(program.configureOutput()));
    try {
        await program.parseAsync(argv, { from: 'user' });
        return exitCode;
    } catch (error) {
        if (error instanceof CommanderError) {
            // --help and --version end through here too, with exit code 0.
            if (error.exitCode === 0) {
                return ExitCode.ok;
            }
            if (wantsJson) {
                printJson({ error: { message: error.message.replace(/^error: /, ''), code: error.code, exitCode: ExitCode.usage } });
            }
            return ExitCode.usage;
        }
        // Errors the CLI raised on purpose carry their exit code; anything else is an unexpected failure.
        const declared = (error as { exitCode?: unknown } | null | undefined)?.exitCode;
        const code = typeof declared === 'number' ? declared : ExitCode.usage;
        const message = error instanceof Error ? error.message : String(error);
        if (wantsJson) {
            printJson({ error: { message, exitCode: code } });
        } else {
            printError(message);
        }
        if (typeof declared !== 'number' && process.env.DPROG_DEBUG) {
            process.stderr.write(`${String((error as Error).stack)}\n`);
        }
        return code;
    }
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
    for (const sub of command.commands) {
        visit(sub);
        forEachCommand(sub, visit);
    }
}

/** Runs the command line of this process and sets its exit code. */
export function main(): void {
    // `dprog … | head` closes the pipe early: that ends the output, not the program with a crash.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') {
            process.exit(process.exitCode ?? 0);
        }
        throw error;
    });
    runCli(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            printError(String(error));
            process.exitCode = ExitCode.usage;
        },
    );
}

if (require.main === module) {
    main();
}
