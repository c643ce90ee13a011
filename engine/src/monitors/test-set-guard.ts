/**
 * The test-set guard: every evaluation on the `test` bucket is recorded, and a second one for
 * the same program version and model is a warning — a test set is used once, for the most
 * reliable estimate of accuracy; peeking again turns it into a validation set.
 */
import type { LabelStore, Split } from '../store/index.js';

export interface EvaluationRecord {
    programVersion: string;
    model: string;
    split: Split;
    accuracy: number;
    at?: string;
}

/** Where evaluations are kept: the label store, or memory for runs without one. */
export interface EvaluationLog {
    record(evaluation: EvaluationRecord): Promise<void> | void;
    list(filter: { model?: string; split?: Split; programVersion?: string }): EvaluationRecord[];
}

export class InMemoryEvaluationLog implements EvaluationLog {
    private readonly entries: EvaluationRecord[] = [];
    record(evaluation: EvaluationRecord): void {
        this.entries.push({ ...evaluation, at: evaluation.at ?? new Date().toISOString() });
    }
    list(filter: { model?: string; split?: Split; programVersion?: string }): EvaluationRecord[] {
        return this.entries.filter(
            (e) => (!filter.model || e.model === filter.model) && (!filter.split || e.split === filter.split) && (!filter.programVersion || e.programVersion === filter.programVersion),
        );
    }
}

export class StoreEvaluationLog implements EvaluationLog {
    constructor(private readonly store: LabelStore) {}
    async record(evaluation: EvaluationRecord): Promise<void> {
        await this.store.recordEvaluation(evaluation);
    }
    list(filter: { model?: string; split?: Split; programVersion?: string }): EvaluationRecord[] {
        return this.store.evaluations(filter).map((e) => ({ programVersion: e.programVersion ?? '', model: e.model, split: e.split, accuracy: e.accuracy, at: e.at }));
    }
}

export interface GuardedEvaluation {
    recorded: EvaluationRecord;
    /** Set when the test bucket was already evaluated for this program version. */
    warning?: string;
    /** How many times `test` has now been evaluated for this program version (0 for other splits). */
    testEvaluations: number;
}

/** Records an evaluation; warns when it is a repeat on `test` for the same program version. */
export async function recordEvaluation(log: EvaluationLog, evaluation: EvaluationRecord): Promise<GuardedEvaluation> {
    const earlier = evaluation.split === 'test' ? log.list({ split: 'test', programVersion: evaluation.programVersion }) : [];
    await log.record(evaluation);
    const warning =
        earlier.length > 0
            ? `the test set was already evaluated ${earlier.length} time(s) for program version ${evaluation.programVersion} ` +
              `(first at ${earlier[0].at ?? 'an earlier run'}); repeated test evaluations make its accuracy an optimistic estimate — use validation while iterating`
            : undefined;
    return { recorded: evaluation, warning, testEvaluations: evaluation.split === 'test' ? earlier.length + 1 : 0 };
}
