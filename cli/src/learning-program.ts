/**
 * From a program (or a compiled plan .json) to the engine's LearnProgram for one task (see
 * learn-setup.ts), and the mapping of data and model errors to the CLI's exit codes.
 */
import * as path from 'node:path';
import { DataError } from '../../engine/src/data/errors.js';
import { ModelError } from '../../engine/src/learning/errors.js';
import type { LearnProgram } from '../../engine/src/learning/learn-program.js';
import { planOf, planOrErrors } from './compiled-program.js';
import { ProgramError } from './errors.js';
import { learnProgramOf } from './learn-setup.js';

export { learnProgramOf } from './learn-setup.js';

/**
 * Compiles FILE (or reads a plan .json), refuses a program with errors, and returns the set-up of `task` (default: the
 * only learned one).
 */
export async function loadLearnProgram(file: string, task: string | undefined): Promise<LearnProgram> {
    const plan = planOrErrors(file, await planOf(file));
    return learnProgramOf(plan, task, path.dirname(path.resolve(file)), file);
}

/** Runs a learning command body; bad data or model files (engine errors naming the file) exit 1, like program errors. */
export async function withDataErrors<T>(body: () => Promise<T>): Promise<T> {
    try {
        return await body();
    } catch (error) {
        if (error instanceof DataError || error instanceof ModelError) {
            throw new ProgramError(error.message);
        }
        throw error;
    }
}
