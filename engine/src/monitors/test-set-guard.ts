/**
 * The test-set guard: every evaluation on the `test` bucket is recorded, and a second one for the
 * same program version is refused unless a reason is given (and recorded with it) — a test set is
 * used once, for the most reliable estimate of accuracy; peeking again turns it into a validation set.
 */
import type { Split, Store } from '../store/index.js';

export interface EvaluationRecord {
    programVersion: string;
    model: string;
    split: Split;
    accuracy: number;
    at?: string;
    /** Why the test set was used again (required for a repeat on `test`). */
    reuseReason?: string;
}

/** A repeated use of the test set without a reason. */
export class TestSetReuseError extends Error {
    constructor(
        readonly earlier: EvaluationRecord[],
        programVersion: string,
    ) {
        super(
            `the test set was already evaluated ${earlier.length} time(s) for program version ${programVersion} (first at ` +
                `${earlier[0].at ?? 'an earlier run'}); ` +
                'a test set is used once: evaluate on validation while iterating, or pass --reuse-test "why" to record why it ' +
                'is used again',
        );
    }
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
            (e) =>
                (!filter.model || e.model === filter.model) &&
                (!filter.split || e.split === filter.split) &&
                (!filter.programVersion || e.programVersion === filter.programVersion),
        );
    }
}

/** The store keeps each reason for reusing the test set as a stage state of this run, keyed by the evaluation's id. */
export const REUSE_RUN = 'test-set-guard';

/** The store's evaluations, read once when opened (the store may be a server); `record` writes through. */
export class StoreEvaluationLog implements EvaluationLog {
    private readonly memory = new InMemoryEvaluationLog();

    private constructor(private readonly store: Store) {}

    static async open(store: Store): Promise<StoreEvaluationLog> {
        const log = new StoreEvaluationLog(store);
        const reasons = new Map(
            (await store.stageStates({ run: REUSE_RUN, stage: 'reuse' })).map((s) => [
                s.item,
                (s.detail as { reason?: string } | undefined)?.reason,
            ]),
        );
        for (const e of await store.evaluations()) {
            const reason = e.id !== undefined ? reasons.get(e.id) : undefined;
            log.memory.record({
                programVersion: e.programVersion ?? '',
                model: e.model,
                split: e.split,
                accuracy: e.accuracy,
                at: e.at,
                ...(reason !== undefined ? { reuseReason: reason } : {}),
            });
        }
        return log;
    }

    async record(evaluation: EvaluationRecord): Promise<void> {
        const { reuseReason, ...rest } = evaluation;
        const row = await this.store.recordEvaluation(rest);
        if (reuseReason !== undefined) {
            await this.store.setStageStates([
                {
                    run: REUSE_RUN,
                    stage: 'reuse',
                    item: String(row.id),
                    status: 'reused',
                    detail: { reason: reuseReason, model: row.model, programVersion: row.programVersion ?? null },
                },
            ]);
        }
        this.memory.record({ ...evaluation, at: row.at });
    }

    list(filter: { model?: string; split?: Split; programVersion?: string }): EvaluationRecord[] {
        return this.memory.list(filter);
    }
}

export interface GuardedEvaluation {
    recorded: EvaluationRecord;
    /** Set when the test bucket was used again (with the recorded reason). */
    warning?: string;
    /** How many times `test` has now been evaluated for this program version (0 for other splits). */
    testEvaluations: number;
}

/** Throws TestSetReuseError when `test` was evaluated before for this program version and no reason is given. */
export function checkTestUse(
    log: EvaluationLog,
    evaluation: Pick<EvaluationRecord, 'split' | 'programVersion' | 'reuseReason'>,
): EvaluationRecord[] {
    const earlier = evaluation.split === 'test' ? log.list({ split: 'test', programVersion: evaluation.programVersion }) : [];
    const reason = evaluation.reuseReason?.trim();
    if (earlier.length > 0 && !reason) {
        throw new TestSetReuseError(earlier, evaluation.programVersion);
    }
    return earlier;
}

/** Records an evaluation; a repeat on `test` for the same program version is refused without a reason, recorded with one. */
export async function recordEvaluation(log: EvaluationLog, evaluation: EvaluationRecord): Promise<GuardedEvaluation> {
    const earlier = checkTestUse(log, evaluation);
    const recorded: EvaluationRecord = { ...evaluation, reuseReason: earlier.length > 0 ? evaluation.reuseReason!.trim() : undefined };
    if (recorded.reuseReason === undefined) {
        delete recorded.reuseReason;
    }
    await log.record(recorded);
    const warning =
        earlier.length > 0
            ? `the test set was used again (evaluation ${earlier.length + 1} for program version ${evaluation.programVersion}), ` +
              `recorded with the reason "${recorded.reuseReason}"; ` +
              'its accuracy is now an optimistic estimate'
            : undefined;
    return { recorded, warning, testEvaluations: evaluation.split === 'test' ? earlier.length + 1 : 0 };
}
