/**
 * `dprog retrain`: train a new version of a task's model on the human and aggregated labels of
 * train items in the store, export it to ONNX, measure it on the labeled validation items, and
 * record it as the next model version.
 */
import { openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { versionNumber } from '../../../engine/src/learning/model-versions.js';
import { StoreModelVersions } from '../../../engine/src/learning/store-model-versions.js';
import type { Store } from '../../../engine/src/store/index.js';
import { ProgramError } from '../errors.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore } from '../store-option.js';
import { learnerFor } from './learner.js';

export interface RetrainOptions {
    task?: string;
    store?: string;
}

/** The new model version (the `--json` document of `dprog retrain`). */
export interface RetrainResult {
    task: string;
    model: string;
    version: number;
    path: string;
    trainingLabels: number;
    split: string;
    validationItems: number;
    /** Accuracy on the labeled items of `split`; null when none is labeled. */
    accuracy: number | null;
}

export async function retrain(file: string, options: RetrainOptions): Promise<RetrainResult> {
    return withDataErrors(async () => {
        const program = await loadLearnProgram(file, options.task);
        const reader = await openStore(file, options.store, true);
        if (!reader) {
            throw new ProgramError(
                `${file}: no label store yet, so no labels to train on; label some items first (or run \`dprog learn --simulate\`).`,
            );
        }
        const sessions = new SessionCache();
        let writer: Store | undefined;
        try {
            // Read everything first: bad data or a bad model fails before the store is opened for writing.
            const ws = await openLearningWorkspace(program, sessions, localStorePath(file, options.store), reader);
            await reader.close();
            if (ws.known.size === 0) {
                throw new ProgramError(
                    `${reader.location}: no human or aggregated labels for task ${program.task} on train items; nothing to train on.`,
                );
            }
            writer = (await openStore(file, options.store, false))!;
            ws.versions = await StoreModelVersions.open(writer, [program.model.name]);
            const split = program.learn.stopSplit;
            const validationLabels = new Map([...ws.heldOut].filter(([p]) => ws.splits[p] === split));
            const learner = learnerFor(program, ws, sessions, validationLabels, () => {
                throw new Error('retrain asks no one');
            });
            const version = await learner.retrain();
            return {
                task: program.task,
                model: program.model.name,
                version: versionNumber(version),
                path: version.onnxPath,
                trainingLabels: version.labelsUsed,
                split,
                validationItems: validationLabels.size,
                accuracy: version.validationAccuracy ?? null,
            };
        } finally {
            await sessions.releaseAll();
            await reader.close();
            await writer?.close();
        }
    });
}
