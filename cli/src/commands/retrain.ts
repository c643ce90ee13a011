import * as path from 'node:path';
import type { RegisterCommand } from './index.js';
import { ExitCode, ProgramError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore } from '../store-option.js';
import { versionNumber } from '../../../engine/src/learning/model-versions.js';
import { StoreModelVersions } from '../../../engine/src/learning/store-model-versions.js';
import type { Store } from '../../../engine/src/store/index.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { ActiveLearner } from '../../../engine/src/learning/active-learning.js';

/**
 * `dprog retrain FILE --task T [--store DB] [--json]`: train a new version of the task's model on
 * the human and aggregated labels of train items in the store, export it to ONNX, measure it on the
 * labeled validation items, and record it as the next model version.
 */
export const registerRetrain: RegisterCommand = (program, setExitCode) => {
    program
        .command('retrain')
        .description(
            'Retrain the model of a `learn` block on the labels people gave (train bucket), export it to ONNX and record the version.',
        )
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--json', 'print the new version as JSON')
        .action(async (file: string, options: { task?: string; store?: string; json?: boolean }) => {
            await withDataErrors(async () => {
                const learnProgram = await loadLearnProgram(file, options.task);
                const reader = await openStore(file, options.store, true);
                if (!reader) {
                    throw new ProgramError(
                        `${file}: no label store yet, so no labels to train on; label some items first (or run \`dprog learn ` +
                            `--simulate\`).`,
                    );
                }
                const sessions = new SessionCache();
                let writer: Store | undefined;
                try {
                    // Read everything first: bad data or a bad model fails before the store is opened for writing.
                    const ws = await openLearningWorkspace(learnProgram, sessions, localStorePath(file, options.store), reader);
                    await reader.close();
                    if (ws.known.size === 0) {
                        throw new ProgramError(
                            `${reader.location}: no human or aggregated labels for task ${learnProgram.task} on train items; nothing ` +
                                `to train on.`,
                        );
                    }
                    writer = (await openStore(file, options.store, false))!;
                    ws.versions = await StoreModelVersions.open(writer, [learnProgram.model.name]);
                    const validationLabels = new Map([...ws.heldOut].filter(([p]) => ws.splits[p] === learnProgram.learn.stopSplit));
                    const learner = new ActiveLearner(
                        {
                            keys: ws.items.map((i) => i.key),
                            features: ws.features,
                            splits: ws.splits,
                            labels: learnProgram.labels,
                            validationLabels,
                        },
                        { ...learnProgram.learn },
                        {
                            task: learnProgram.task,
                            labeler: learnProgram.model.name,
                            sessions,
                            versions: ws.versions,
                            modelDir: ws.modelDir,
                            initialModel: ws.modelPath,
                            known: ws.known,
                            label: () => {
                                throw new Error('retrain asks no one');
                            },
                        },
                    );
                    const version = await learner.retrain();
                    const result = {
                        task: learnProgram.task,
                        model: learnProgram.model.name,
                        version: versionNumber(version),
                        path: version.onnxPath,
                        trainingLabels: version.labelsUsed,
                        split: learnProgram.learn.stopSplit,
                        validationItems: validationLabels.size,
                        accuracy: version.validationAccuracy ?? null,
                    };
                    if (options.json) {
                        printJson(result);
                    } else {
                        printLine(
                            `${learnProgram.model.name} v${version.version} trained on ${version.labelsUsed} labels → ` +
                                `${path.relative(process.cwd(), version.onnxPath)}; ` +
                                (version.validationAccuracy === undefined
                                    ? `no labeled ${result.split} items to measure it on.`
                                    : `${result.split} accuracy ${(version.validationAccuracy * 100).toFixed(1)}% on ` +
                                      `${validationLabels.size} labeled items.`),
                        );
                    }
                    setExitCode(ExitCode.ok);
                } finally {
                    await sessions.releaseAll();
                    await reader.close();
                    await writer?.close();
                }
            });
        });
};
