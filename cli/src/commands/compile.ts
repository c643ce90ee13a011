import type { RegisterCommand } from './index.js';
import { ExitCode } from '../errors.js';
import { printError, printJson, printLine } from '../output.js';
import { appliedSummary, migrationSummary, planSummary } from '../plan-summary.js';
import { diagnosticsJson, formatDiagnostic } from '../program.js';
import { type CompileResult, compile } from '../actions/compile.js';

interface CompileFlags {
    out?: string;
    store?: string;
    json?: boolean;
}

/**
 * `dprog compile FILE [--out PLAN] [--store DB] [--json]`: the options and the printing; the compile,
 * the plan file and the store's migration are actions/compile.ts. A program with errors prints its
 * diagnostics and exits 1. With --store and --json, the migration is a `migration` key beside the plan's own keys.
 */
export const registerCompile: RegisterCommand = (program, setExitCode) => {
    program
        .command('compile')
        .description('Compile a data program to a labeling plan (tasks, stages, expected cost and accuracy).')
        .argument('<file>', 'the .dprog program')
        .option('--out <plan>', 'write the plan (dprog.plan/v1 JSON) to this file')
        .option('--store <db>', 'record the plan in this label store and report the migration from the last recorded version')
        .option('--json', 'print the plan as JSON')
        .action(async (file: string, flags: CompileFlags) => {
            const result = await compile(file, flags);
            if (result.outcome !== 'compiled') {
                printErrors(file, result, flags);
                setExitCode(ExitCode.programError);
                return;
            }
            const { plan, migration, applied } = result;
            if (flags.json) {
                printJson(migration ? { ...plan, migration: { ...migration, applied } } : plan);
            } else {
                printCompiled(result, flags);
            }
            for (const note of result.notes) {
                printError(note);
            }
            setExitCode(ExitCode.ok);
        });
};

function printErrors(file: string, result: Exclude<CompileResult, { outcome: 'compiled' }>, flags: CompileFlags): void {
    // A `from` naming a member the previous version did not have is an error once that version is known.
    const errors =
        result.outcome === 'errors'
            ? result.errors
            : result.problems.map((p) => ({ file, line: 1, column: 1, severity: 'error' as const, code: p.code, message: p.message }));
    if (flags.json) {
        printJson(diagnosticsJson(errors));
    } else if (result.outcome === 'errors') {
        for (const d of result.errors) {
            printLine(formatDiagnostic(d));
        }
        printLine(`${errors.length} error(s): no plan was written.`);
    } else {
        for (const p of result.problems) {
            printLine(`${file}: error ${p.code}: ${p.message}`);
        }
        printLine(`${errors.length} error(s) against the version in ${flags.store}: no plan was written.`);
    }
}

function printCompiled(result: Extract<CompileResult, { outcome: 'compiled' }>, flags: CompileFlags): void {
    const { plan, migration, applied } = result;
    // The checker's warnings (missing data, unused declarations) first, as `dprog check` prints them.
    const lines = [
        ...result.warnings.map(formatDiagnostic),
        ...planSummary(plan),
        ...(migration ? migrationSummary(migration) : []),
        ...(applied ? appliedSummary(applied) : []),
        ...(flags.out ? [`wrote ${flags.out}`] : []),
        ...(flags.store ? [`recorded ${plan.program} version ${plan.version} in ${flags.store}`] : []),
    ];
    for (const line of lines) {
        printLine(line);
    }
}
