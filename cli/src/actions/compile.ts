/**
 * `dprog compile`: a program to a labeling plan. A program with errors writes nothing. With a
 * store, the plan is recorded there and the migration from the last recorded version is applied to
 * the stored labels. Every successful compile records the version's label sets in .dprog/versions/
 * beside the program, for the checker's `from` rule.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type AppliedMigration, applyMigration } from '../../../engine/src/migration/apply-migration.js';
import type { Migration } from '../../../engine/src/plan/migration.js';
import { serializePlan } from '../../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { recordVersion } from '../../../language-server/src/workspace/recorded-versions.js';
import { compileProgramFile } from '../compiled-program.js';
import { UsageError } from '../errors.js';
import type { Store } from '../../../engine/src/store/index.js';
import { migrationBase, savePlan } from '../plan-store.js';
import type { CliDiagnostic } from '../program.js';
import { openAnyStoreAt, storeLocationFor } from '../store-option.js';

export interface CompileOptions {
    /** Write the plan (dprog.plan/v2 JSON) to this file. */
    out?: string;
    /** Record the plan in this label store and apply the migration from its last recorded version. */
    store?: string;
}

export type CompileResult =
    /** The program has errors: nothing was written. */
    | { outcome: 'errors'; errors: CliDiagnostic[] }
    /** The program's `from` clauses name members the version in the store did not have: nothing was written. */
    | { outcome: 'migration-errors'; problems: Migration['problems'] }
    | {
          outcome: 'compiled';
          plan: LabelingPlan;
          warnings: CliDiagnostic[];
          migration?: Migration;
          applied?: AppliedMigration;
          /** Things the user should know that did not stop the compile. */
          notes: string[];
      };

export async function compile(file: string, options: CompileOptions): Promise<CompileResult> {
    const { plan, diagnostics } = await compileProgramFile(file);
    if (!plan) {
        return { outcome: 'errors', errors: diagnostics.filter((d) => d.severity === 'error') };
    }
    // The store is opened before anything is written, so a bad store leaves everything as it was.
    const store = options.store ? await openAnyStoreAt(storeLocationFor(undefined, options.store), false) : undefined;
    const notes: string[] = [];
    try {
        const migration = store ? await migrationFromStore(store, plan, notes) : undefined;
        if (migration && migration.problems.length > 0) {
            return { outcome: 'migration-errors', problems: migration.problems };
        }
        if (options.out) {
            writeAtomically(options.out, serializePlan(plan));
        }
        let applied: AppliedMigration | undefined;
        if (store) {
            await savePlan(store, plan);
            // The stored labels follow the migration, once (a recompile finds it applied).
            if (migration) {
                applied = await applyMigration(store, migration);
            }
        }
        const unrecorded = recordLabelSets(file, plan);
        if (unrecorded) {
            notes.push(unrecorded);
        }
        const warnings = diagnostics.filter((d) => d.severity === 'warning');
        return { outcome: 'compiled', plan, warnings, migration, applied, notes };
    } finally {
        await store?.close();
    }
}

/** The migration from the plan last recorded in the store, if there is one; what the user should know goes to `notes`. */
async function migrationFromStore(store: Store, plan: LabelingPlan, notes: string[]): Promise<Migration | undefined> {
    const previous = await migrationBase(store, plan);
    if (previous.problem) {
        notes.push(previous.problem);
    }
    if (previous.sameVersion && previous.sameVersion.hash !== plan.hash) {
        notes.push(
            `the program changed but its version is still ${plan.version}; the stored plan of version ` +
                `${plan.version} is replaced (raise \`version\` to keep both).`,
        );
    }
    return previous.plan ? diffPlans(previous.plan, plan) : undefined;
}

/**
 * Records this version's label sets beside the program (.dprog/versions/), so the checker can hold
 * the next version's `from` clauses against it (docs/language.md). Not being able to write it only
 * leaves those checks as warnings: the compile itself succeeded. Returns the note saying so, if any.
 */
function recordLabelSets(file: string, plan: LabelingPlan): string | undefined {
    try {
        recordVersion(path.resolve(file), {
            program: plan.program,
            version: plan.version,
            hash: plan.hash,
            labelSets: Object.fromEntries(plan.labelSets.map((set) => [set.name, set.members.map((member) => member.name)])),
        });
        return undefined;
    } catch (error) {
        return (
            `could not record version ${plan.version} beside ${file} (${(error as Error).message}); \`from\` clauses of the next ` +
            `version are checked as warnings only.`
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
