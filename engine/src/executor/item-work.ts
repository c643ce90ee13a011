/**
 * The work one item's run collects before the executor writes it: model and rules answers
 * (labels), final answers (aggregates) and stage states, plus each stage's final values, which
 * later stages of the same item read.
 */
import type { PlanStage, PlanTask } from '../plan/types.js';
import type { Aggregate, JsonValue, NewLabel, StageState } from '../store/types.js';
import type { RunContext } from './run-context.js';
import type { PendingWork, StageDetail, StageStatus } from './stage-state.js';

export class ItemWork implements PendingWork {
    readonly labels: NewLabel[] = [];
    readonly aggregates: Aggregate[] = [];
    readonly states: StageState[] = [];
    /** stage id -> stage item key -> final value (only stage items that are done). */
    private readonly results = new Map<string, Map<string, JsonValue>>();

    constructor(
        private readonly ctx: Pick<RunContext, 'fail'>,
        private readonly flow: string,
        private readonly runId: string,
    ) {}

    /** A stage starts: its results are known from here on (UNKNOWN before). */
    begin(stage: PlanStage): void {
        this.results.set(stage.id, new Map());
    }

    /** The stage's results so far, or undefined before the stage has begun. */
    resultsOf(stage: string): ReadonlyMap<string, JsonValue> | undefined {
        return this.results.get(stage);
    }

    record(stage: PlanStage, key: string, status: StageStatus | 'expanded', detail: StageDetail): void {
        this.states.push({ run: this.runId, stage: stage.id, item: key, status, detail: detail as unknown as JsonValue });
        if (status === 'done' && detail.value !== undefined) {
            this.results.get(stage.id)?.set(key, detail.value);
        }
    }

    /** A stage item failed: its state says why, and the run's failures list it. */
    failed(stage: PlanStage, task: PlanTask, key: string, inputHash: string, error: unknown): void {
        const message = error instanceof Error ? error.message : String(error);
        this.record(stage, key, 'failed', { contract: task.contractHash, input: inputHash, error: message });
        this.ctx.fail({ flow: this.flow, stage: stage.id, item: key, message });
    }

    /** The stage items that failed at `stage` so far. */
    failedKeys(stage: PlanStage): Set<string> {
        return new Set(this.states.filter((s) => s.stage === stage.id && s.status === 'failed').map((s) => s.item));
    }
}
