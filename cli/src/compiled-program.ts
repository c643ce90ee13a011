/** A program file compiled to a plan, for commands that need plans (compile, diff). */
import { readRegularFile } from '../../engine/src/data/regular-file.js';
import { PlanFormatError, parsePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { compileDocument } from '../../language-server/src/compiler/compile-document.js';
import { ProgramError, UsageError } from './errors.js';
import { formatDiagnostic, hasErrors, loadProgram, type CliDiagnostic } from './program.js';

export type CompileOutcome = { plan: LabelingPlan; diagnostics: CliDiagnostic[] } | { plan?: undefined; diagnostics: CliDiagnostic[] };

/** Loads, checks and compiles a .dprog file; no plan when the program has errors. */
export async function compileProgramFile(file: string): Promise<CompileOutcome> {
    const { services, documents, diagnostics } = await loadProgram([file]);
    if (hasErrors(diagnostics)) {
        return { diagnostics };
    }
    return { plan: compileDocument(services, documents[0]), diagnostics };
}

/** A plan from a .dprog file (compiled) or a plan .json file (as written by `dprog compile --out`). */
export async function planOf(file: string): Promise<CompileOutcome> {
    if (!file.endsWith('.json')) {
        return compileProgramFile(file);
    }
    let text: string;
    try {
        text = readRegularFile(file, 'plan').toString('utf8');
    } catch (error) {
        throw new UsageError(`${file}: cannot read the plan: ${(error as Error).message}`);
    }
    try {
        return { plan: parsePlan(text), diagnostics: [] };
    } catch (error) {
        if (error instanceof PlanFormatError) {
            throw new UsageError(`${file}: not a dprog.plan/v1 plan: ${error.message}`);
        }
        throw error;
    }
}

/** The plan of a compile outcome; a program with errors is refused with its error messages (exit 1). */
export function planOrErrors(file: string, outcome: CompileOutcome): LabelingPlan {
    if (outcome.plan) {
        return outcome.plan;
    }
    const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
    throw new ProgramError(`${file} has errors; fix them first:\n${errors.map(formatDiagnostic).join('\n')}`);
}
