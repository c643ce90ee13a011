/**
 * The model step of a route: a model answers the stage items in one batch; when the batch fails,
 * item by item, so only the items it cannot answer fail.
 */
import type { PlanModelLabeler } from '../plan/types.js';
import type { ModelAnswer, ModelInputValue } from './model-runner.js';
import type { Given, Open, StageRun } from './stage-item.js';

/** The model's answers to the stage items (an item whose input cannot be read, or that the model fails on, fails). */
export async function askModel(run: StageRun, labeler: PlanModelLabeler, open: readonly Open[]): Promise<Given[]> {
    const batch: Array<{ o: Open; input: ModelInputValue }> = [];
    for (const o of open) {
        try {
            batch.push({ o, input: run.images.modelInput(labeler, run.task, o.input[0]) });
        } catch (error) {
            run.work.failed(run.stage, run.task, o.instance.key, o.inputHash, error);
        }
    }
    const answered = await runBatch(run, labeler, batch);
    return answered.map(({ o, answer }) => ({ o, value: answer.value, score: answer.score }));
}

async function runBatch(
    run: StageRun,
    labeler: PlanModelLabeler,
    batch: Array<{ o: Open; input: ModelInputValue }>,
): Promise<Array<{ o: Open; answer: ModelAnswer }>> {
    if (batch.length === 0) {
        return [];
    }
    try {
        const answers = await run.ctx.runModel(
            labeler,
            batch.map((b) => b.input),
        );
        return batch.map((b, i) => ({ o: b.o, answer: answers[i] }));
    } catch (error) {
        if (batch.length === 1) {
            run.work.failed(run.stage, run.task, batch[0].o.instance.key, batch[0].o.inputHash, error);
            return [];
        }
    }
    const out: Array<{ o: Open; answer: ModelAnswer }> = [];
    for (const b of batch) {
        try {
            out.push({ o: b.o, answer: (await run.ctx.runModel(labeler, [b.input]))[0] });
        } catch (error) {
            run.work.failed(run.stage, run.task, b.o.instance.key, b.o.inputHash, error);
        }
    }
    return out;
}
