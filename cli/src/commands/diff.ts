import type { RegisterCommand } from './index.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { migrationToJson } from '../../../engine/src/plan/migration.js';
import { ExitCode } from '../errors.js';
import { planOf } from '../compiled-program.js';
import type { MigrationJson } from '../json-contracts.js';
import { printError, printJson, printLine } from '../output.js';
import { migrationSummary } from '../plan-summary.js';
import { diagnosticsJson, formatDiagnostic } from '../program.js';

/**
 * `dprog diff OLD NEW [--json]`: the migration between two versions of a program (each a .dprog
 * file or a plan .json). Exit 1 when either has errors, or when NEW's `from` names a member OLD
 * did not have.
 */
export const registerDiff: RegisterCommand = (program, setExitCode) => {
    program
        .command('diff')
        .description('Show which labels survive a program change: keep, map, re-ask, review or invalidate.')
        .argument('<old>', 'the previous version (.dprog, or a plan .json from `dprog compile --out`)')
        .argument('<new>', 'the new version (.dprog or plan .json)')
        .option('--json', 'print {"tasks":[{"task","action","members":[{"old","new","action"}]}]}')
        .action(async (oldFile: string, newFile: string, options: { json?: boolean }) => {
            const previous = await planOf(oldFile);
            const next = await planOf(newFile);
            if (!previous.plan || !next.plan) {
                const errors = [...previous.diagnostics, ...next.diagnostics].filter((d) => d.severity === 'error');
                if (options.json) {
                    printJson(diagnosticsJson(errors));
                } else {
                    for (const d of errors) {
                        printLine(formatDiagnostic(d));
                    }
                    printLine(`${errors.length} error(s): no migration.`);
                }
                setExitCode(ExitCode.programError);
                return;
            }
            const migration = diffPlans(previous.plan, next.plan);
            if (options.json) {
                printJson(migrationToJson(migration) satisfies MigrationJson);
                for (const p of migration.problems) {
                    printError(`${newFile}: ${p.code}: ${p.message}`);
                }
            } else {
                for (const line of migrationSummary(migration)) {
                    printLine(line);
                }
            }
            setExitCode(migration.problems.length > 0 ? ExitCode.programError : ExitCode.ok);
        });
};
