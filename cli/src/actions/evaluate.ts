/**
 * `dprog evaluate`: accuracy of a task's current model on a split, against the labels in the store
 * (or a gold field of the data). Every evaluation is recorded; a second one on `test` for the same
 * program version is refused unless a reason is given.
 */
import * as path from 'node:path';
import { accuracyOf } from '../../../engine/src/learning/active-learning.js';
import type { LearnProgram } from '../../../engine/src/learning/learn-program.js';
import { type LearningWorkspace, openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { scoreModel } from '../../../engine/src/learning/scoring.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { checkTestUse, recordEvaluation, StoreEvaluationLog, TestSetReuseError } from '../../../engine/src/monitors/test-set-guard.js';
import type { Split, Store } from '../../../engine/src/store/index.js';
import { ProgramError, UsageError } from '../errors.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore } from '../store-option.js';

export interface EvaluateOptions {
    task?: string;
    split: Split;
    /** Compare with this data field instead of the labels in the store. */
    gold?: string;
    store?: string;
    /** Why the test set is used again for this program version. */
    reuseTest?: string;
}

/** The recorded evaluation (the `--json` document of `dprog evaluate`). */
export interface EvaluateResult {
    task: string;
    model: string;
    split: Split;
    items: number;
    accuracy: number;
    testEvaluations: number;
    reuseReason?: string;
    warning?: string;
}

export async function evaluate(file: string, options: EvaluateOptions): Promise<EvaluateResult> {
    return withDataErrors(async () => {
        const program = await loadLearnProgram(file, options.task);
        const reader = await openStore(file, options.store, true);
        // Refused before any work: the test set was used for this program version and no reason is given.
        if (reader) {
            await guardTestUse(reader, program.programVersion, options);
        }
        const sessions = new SessionCache();
        let store: Store | undefined;
        try {
            const ws = await openLearningWorkspace(program, sessions, localStorePath(file, options.store), reader);
            await reader?.close();
            const { model, items, accuracy } = await measure(program, ws, sessions, options);
            // Only a finished measurement is written: the store is opened for writing at the end.
            store = (await openStore(file, options.store, false))!;
            const log = await guardTestUse(store, program.programVersion, options);
            const { split, reuseTest: reuseReason } = options;
            const guarded = await recordEvaluation(log, {
                programVersion: program.programVersion,
                model,
                split,
                accuracy,
                reuseReason,
            });
            return {
                task: program.task,
                model,
                split,
                items,
                accuracy,
                testEvaluations: guarded.testEvaluations,
                ...(guarded.recorded.reuseReason ? { reuseReason: guarded.recorded.reuseReason } : {}),
                ...(guarded.warning ? { warning: guarded.warning } : {}),
            };
        } finally {
            await sessions.releaseAll();
            await reader?.close();
            await store?.close();
        }
    });
}

/** Scores the current model on the labeled items of the split. */
async function measure(program: LearnProgram, ws: LearningWorkspace, sessions: SessionCache, options: EvaluateOptions) {
    if (!ws.modelPath) {
        throw new ProgramError(
            `${program.model.path}: no model to evaluate yet (the declared file does not exist and nothing was retrained).`,
        );
    }
    const truth = options.gold ? goldOf(program, ws, options.split, options.gold) : storedLabelsOf(ws, options.split);
    if (truth.size === 0) {
        throw new ProgramError(
            `no labeled ${options.split} items for task ` +
                `${program.task}${options.gold ? '' : ' in the store (label some, or pass --gold FIELD)'}.`,
        );
    }
    const rows = [...truth.keys()];
    const scores = await scoreModel(sessions, ws.modelPath, ws.features.select(rows));
    const accuracy = accuracyOf(
        scores.values,
        scores.classes,
        rows.map((r) => truth.get(r)!),
    );
    return { model: path.basename(ws.modelPath), items: rows.length, accuracy };
}

/** The label index of every item of `split` in the data field `field`. */
function goldOf(program: LearnProgram, ws: LearningWorkspace, split: Split, field: string): Map<number, number> {
    const truth = new Map<number, number>();
    ws.splits.forEach((s, position) => {
        if (s !== split) {
            return;
        }
        const value = ws.items[position].record[field];
        const label = program.labels.indexOf(String(value));
        if (label < 0) {
            throw new ProgramError(
                `${program.dataset.path}:${ws.items[position].line}: field '${field}' is ` +
                    `${JSON.stringify(value)}, not one of ${program.labels.join(', ')}`,
            );
        }
        truth.set(position, label);
    });
    return truth;
}

/** The stored label index of every labeled item of `split`. */
function storedLabelsOf(ws: LearningWorkspace, split: Split): Map<number, number> {
    const labels = split === 'train' ? ws.known : ws.heldOut;
    return new Map([...labels].filter(([position]) => ws.splits[position] === split));
}

/** A second use of the test set without `--reuse-test "reason"` is a usage error (exit 2). */
async function guardTestUse(store: Store, programVersion: string, options: EvaluateOptions): Promise<StoreEvaluationLog> {
    const log = await StoreEvaluationLog.open(store);
    try {
        checkTestUse(log, { split: options.split, programVersion, reuseReason: options.reuseTest });
        return log;
    } catch (error) {
        if (error instanceof TestSetReuseError) {
            throw new UsageError(error.message);
        }
        throw error;
    }
}
