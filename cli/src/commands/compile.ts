import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RegisterCommand } from './index.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { serializePlan } from '../../../engine/src/plan/serialize.js';
import type { Migration } from '../../../engine/src/plan/migration.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { recordVersion } from '../../../language-server/src/workspace/recorded-versions.js';
import { ExitCode, UsageError } from '../errors.js';
import { compileProgramFile } from '../compiled-program.js';
import { printError, printJson, printLine } from '../output.js';
import { appliedSummary, migrationSummary, planSummary } from '../plan-summary.js';
import { migrationBase, openStore, savePlan } from '../plan-store.js';
import { applyMigration, type AppliedMigration } from '../../../engine/src/migration/apply-migration.js';
import { storeLocationFor } from '../store-option.js';
import { formatDiagnostic } from '../program.js';

interface CompileOptions {
    out?: string;
    store?: string;
    json?: boolean;
}

/**
 * `dprog compile FILE [--out PLAN] [--store DB] [--json]`: compile to a labeling plan. A program
 * with errors prints its diagnostics and exits 1 without writing anything. With --store, the plan is
 * recorded in the label store and the migration from the last recorded version is reported (with
 * --json, as a `migration` key beside the plan's own keys). Every successful compile also records
 * the version's label sets in .dprog/versions/ beside the program, for the checker's `from` rule.
 */
export const registerCompile: RegisterCommand = (program, setExitCode) => {
    program
        .command('compile')
        .description('Compile a data program to a labeling plan (tasks, stages, expected cost and accuracy).')
        .argument('<file>', 'the .dprog program')
        .option('--out <plan>', 'write the plan (dprog.plan/v1 JSON) to this file')
        .option('--store <db>', 'record the plan in this label store and report the migration from the last recorded version')
        .option('--json', 'print the plan as JSON')
        .action(async (file: string, options: CompileOptions) => {
            const { plan, diagnostics } = await compileProgramFile(file);
            if (!plan) {
                const errors = diagnostics.filter((d) => d.severity === 'error');
                if (options.json) {
                    printJson({
                        diagnostics: errors.map(({ file: f, line, column, severity, code, message }) => ({
                            file: f,
                            line,
                            column,
                            severity,
                            code,
                            message,
                        })),
                    });
                } else {
                    for (const d of errors) {
                        printLine(formatDiagnostic(d));
                    }
                    printLine(`${errors.length} error(s): no plan was written.`);
                }
                setExitCode(ExitCode.programError);
                return;
            }

            // The store is opened before anything is written, so a bad store leaves everything as it was.
            const store = options.store ? await openStore(storeLocationFor(undefined, options.store)) : undefined;
            let migration: Migration | undefined;
            let applied: AppliedMigration | undefined;
            const notes: string[] = [];
            try {
                if (store) {
                    const previous = await migrationBase(store, plan);
                    if (previous.problem) {
                        notes.push(previous.problem);
                    }
                    if (previous.plan) {
                        migration = diffPlans(previous.plan, plan);
                    }
                    if (previous.sameVersion && previous.sameVersion.hash !== plan.hash) {
                        notes.push(
                            `the program changed but its version is still ${plan.version}; the stored plan of version ` +
                                `${plan.version} is replaced (raise \`version\` to keep both).`,
                        );
                    }
                    if (migration && migration.problems.length > 0) {
                        // A `from` naming a member the previous version did not have: an error once that version is known.
                        if (options.json) {
                            printJson({
                                diagnostics: migration.problems.map((p) => ({
                                    file,
                                    line: 1,
                                    column: 1,
                                    severity: 'error',
                                    code: p.code,
                                    message: p.message,
                                })),
                            });
                        } else {
                            for (const p of migration.problems) {
                                printLine(`${file}: error ${p.code}: ${p.message}`);
                            }
                            printLine(
                                `${migration.problems.length} error(s) against the version in ${options.store}: no plan was written.`,
                            );
                        }
                        setExitCode(ExitCode.programError);
                        return;
                    }
                }
                if (options.out) {
                    writeAtomically(options.out, serializePlan(plan));
                }
                if (store) {
                    await savePlan(store, plan);
                    // The stored labels follow the migration, once (a recompile finds it applied).
                    if (migration) {
                        applied = await applyMigration(store, migration);
                    }
                }
                recordLabelSets(file, plan);
            } finally {
                await store?.close();
            }

            if (options.json) {
                printJson(migration ? { ...plan, migration: { ...migration, applied } } : plan);
            } else {
                // The checker's warnings (missing data, unused declarations) first, as `dprog check` prints them.
                for (const d of diagnostics.filter((d) => d.severity === 'warning')) {
                    printLine(formatDiagnostic(d));
                }
                for (const line of planSummary(plan)) {
                    printLine(line);
                }
                if (migration) {
                    for (const line of migrationSummary(migration)) {
                        printLine(line);
                    }
                }
                if (applied) {
                    for (const line of appliedSummary(applied)) {
                        printLine(line);
                    }
                }
                if (options.out) {
                    printLine(`wrote ${options.out}`);
                }
                if (options.store) {
                    printLine(`recorded ${plan.program} version ${plan.version} in ${options.store}`);
                }
            }
            for (const note of notes) {
                printError(note);
            }
            setExitCode(ExitCode.ok);
        });
};

/**
 * Records this version's label sets beside the program (.dprog/versions/), so the checker can hold
 * the next version's `from` clauses against it (language.md §10). Not being able to write it only
 * leaves those checks as warnings: the compile itself succeeded.
 */
function recordLabelSets(file: string, plan: LabelingPlan): void {
    try {
        recordVersion(path.resolve(file), {
            program: plan.program,
            version: plan.version,
            hash: plan.hash,
            labelSets: Object.fromEntries(plan.labelSets.map((set) => [set.name, set.members.map((member) => member.name)])),
        });
    } catch (error) {
        printError(
            `could not record version ${plan.version} beside ${file} (${(error as Error).message}); \`from\` clauses of the next ` +
                `version are checked as warnings only.`,
        );
    }
}

/** Writes through a temporary file and a rename, so a plan file is never half-written. */
function writeAtomically(file: string, text: string): void {
    try {
        mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, text);
        renameSync(temp, file);
    } catch (error) {
        throw new UsageError(`${file}: cannot write the plan: ${(error as Error).message}`);
    }
}
