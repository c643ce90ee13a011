import type { RegisterCommand } from './index.js';
import { ExitCode } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { diagnosticsJson, formatDiagnostic, hasErrors, loadProgram } from '../program.js';

/** `dprog check FILE… [--json]`: parse, link and type-check. */
export const registerCheck: RegisterCommand = (program, setExitCode) => {
    program
        .command('check')
        .description('Parse, link and type-check data programs.')
        .argument('<files...>', '.dprog files to check (their imports are checked too)')
        .option('--json', 'print {"diagnostics":[…]} as JSON')
        .action(async (files: string[], options: { json?: boolean }) => {
            const { diagnostics } = await loadProgram(files);
            if (options.json) {
                printJson(diagnosticsJson(diagnostics));
            } else {
                for (const d of diagnostics) {
                    printLine(formatDiagnostic(d));
                }
                const errors = diagnostics.filter((d) => d.severity === 'error').length;
                const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
                printLine(
                    errors + warnings === 0
                        ? `${files.length} file(s) checked: no problems.`
                        : `${errors} error(s), ${warnings} warning(s).`,
                );
            }
            setExitCode(hasErrors(diagnostics) ? ExitCode.programError : ExitCode.ok);
        });
};
