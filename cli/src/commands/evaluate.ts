import * as path from 'node:path';
import type { RegisterCommand } from './index.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import { printError, printJson, printLine } from '../output.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore } from '../store-option.js';
import type { Store } from '../../../engine/src/store/index.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { scoreModel } from '../../../engine/src/learning/scoring.js';
import { accuracyOf } from '../../../engine/src/learning/active-learning.js';
import { checkTestUse, recordEvaluation, StoreEvaluationLog, TestSetReuseError } from '../../../engine/src/monitors/test-set-guard.js';
import { SPLITS, type Split } from '../../../engine/src/store/index.js';

interface EvaluateOptions {
    task?: string;
    split: string;
    gold?: string;
    store?: string;
    json?: boolean;
    reuseTest?: string;
}

/**
 * `dprog evaluate FILE --task T [--split validation|test] [--gold FIELD] [--store DB] [--json]`:
 * accuracy of the task's current model on a split, against the labels in the store (or a gold field
 * of the data). Every evaluation is recorded; a second one on `test` for the same program version warns.
 */
export const registerEvaluate: RegisterCommand = (program, setExitCode) => {
    program
        .command('evaluate')
        .description('Measure the current model of a `learn` block on a split; evaluations on test are recorded and guarded.')
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--split <split>', 'validation or test (train is what the model learned from)', 'validation')
        .option('--gold <field>', 'compare with this data field instead of the labels in the store')
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--reuse-test <reason>', 'evaluate on test again (for this program version), recording why')
        .option('--json', 'print {"task","model","split","items","accuracy","warning"?} as JSON')
        .action(async (file: string, options: EvaluateOptions) => {
            await withDataErrors(async () => {
                if (!SPLITS.includes(options.split as Split)) {
                    throw new UsageError(`--split must be one of ${SPLITS.join(', ')}, got '${options.split}'.`);
                }
                const split = options.split as Split;
                if (options.reuseTest !== undefined && options.reuseTest.trim() === '') {
                    throw new UsageError('--reuse-test needs a reason, e.g. --reuse-test "final report after fixing the labels"');
                }
                const learnProgram = await loadLearnProgram(file, options.task);
                const reader = await openStore(file, options.store, true);
                // Refused before any work: the test set was used for this program version and no reason is given.
                if (reader) {
                    await guardTestUse(reader, learnProgram.programVersion, split, options.reuseTest);
                }
                const sessions = new SessionCache();
                let store: Store | undefined;
                try {
                    const ws = await openLearningWorkspace(learnProgram, sessions, localStorePath(file, options.store), reader);
                    await reader?.close();
                    if (!ws.modelPath) {
                        throw new ProgramError(
                            `${learnProgram.model.path}: no model to evaluate yet (the declared file does not exist and nothing ` +
                                `was retrained).`,
                        );
                    }
                    const truth = new Map<number, number>();
                    ws.splits.forEach((s, position) => {
                        if (s !== split) {
                            return;
                        }
                        if (options.gold) {
                            const value = ws.items[position].record[options.gold];
                            const label = learnProgram.labels.indexOf(String(value));
                            if (label < 0) {
                                throw new ProgramError(
                                    `${learnProgram.dataset.path}:${ws.items[position].line}: field '${options.gold}' is ` +
                                        `${JSON.stringify(value)}, not one of ${learnProgram.labels.join(', ')}`,
                                );
                            }
                            truth.set(position, label);
                        } else {
                            const label = split === 'train' ? ws.known.get(position) : ws.heldOut.get(position);
                            if (label !== undefined) {
                                truth.set(position, label);
                            }
                        }
                    });
                    if (truth.size === 0) {
                        throw new ProgramError(
                            `no labeled ${split} items for task ` +
                                `${learnProgram.task}${options.gold ? '' : ' in the store (label some, or pass --gold FIELD)'}.`,
                        );
                    }
                    const rows = [...truth.keys()];
                    const scores = await scoreModel(sessions, ws.modelPath, ws.features.select(rows));
                    const accuracy = accuracyOf(
                        scores.values,
                        scores.classes,
                        rows.map((r) => truth.get(r)!),
                    );
                    const model = path.basename(ws.modelPath);
                    // Only a finished measurement is written: the store is opened for writing at the end.
                    store = (await openStore(file, options.store, false))!;
                    const log = await guardTestUse(store, learnProgram.programVersion, split, options.reuseTest);
                    const guarded = await recordEvaluation(log, {
                        programVersion: learnProgram.programVersion,
                        model,
                        split,
                        accuracy,
                        reuseReason: options.reuseTest,
                    });
                    if (options.json) {
                        printJson({
                            task: learnProgram.task,
                            model,
                            split,
                            items: rows.length,
                            accuracy,
                            testEvaluations: guarded.testEvaluations,
                            ...(guarded.recorded.reuseReason ? { reuseReason: guarded.recorded.reuseReason } : {}),
                            ...(guarded.warning ? { warning: guarded.warning } : {}),
                        });
                    } else {
                        printLine(
                            `${model} on ${split}: accuracy ${(accuracy * 100).toFixed(1)}% over ${rows.length} labeled items (recorded).`,
                        );
                    }
                    if (guarded.warning && !options.json) {
                        printError(`warning: ${guarded.warning}`);
                    }
                    setExitCode(ExitCode.ok);
                } finally {
                    await sessions.releaseAll();
                    await reader?.close();
                    await store?.close();
                }
            });
        });
};

/** A second use of the test set without `--reuse-test "reason"` is a usage error (exit 2). */
async function guardTestUse(
    store: Store,
    programVersion: string,
    split: Split,
    reuseReason: string | undefined,
): Promise<StoreEvaluationLog> {
    const log = await StoreEvaluationLog.open(store);
    try {
        checkTestUse(log, { split, programVersion, reuseReason });
        return log;
    } catch (error) {
        if (error instanceof TestSetReuseError) {
            throw new UsageError(error.message);
        }
        throw error;
    }
}
