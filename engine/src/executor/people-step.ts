/**
 * The people step of a route (for a task the routing policy does not route): people's answers,
 * read from the store, settle a stage item or it waits for the next person. People answer outside
 * the run; the next run reads their answers.
 */
import type { LabelingPlan, PlanTask } from '../plan/types.js';
import type { Label } from '../store/types.js';
import { combine, latestHuman, type ScoredAnswer } from './answers.js';
import type { Open, StageRun } from './stage-item.js';

type RouteStage = PlanTask['route']['stages'][number];

/** Each stage item is finished with people's answers, or waits for the person to ask next. */
export async function askPeople(run: StageRun, from: RouteStage, open: readonly Open[], finish: (o: Open) => void): Promise<void> {
    const { task, stage, ctx } = run;
    const people = task.route.stages.slice(task.route.stages.indexOf(from)).filter((r) => r.kind === 'human');
    for (const o of open) {
        const answers = await ctx.store.labels({ task: task.name, item: o.instance.key, labelerKind: 'human' });
        const next = afterPeople(ctx.plan, task, o, answers, people);
        if (next === null) {
            finish(o);
        } else {
            run.work.record(stage, o.instance.key, 'waiting', {
                contract: task.contractHash,
                input: o.inputHash,
                waitingFor: next,
                ...o.seen,
                value: o.best?.value,
                score: o.best?.score,
                labeler: o.best?.labeler,
            });
        }
    }
}

/**
 * Folds people's answers into the stage item's answer (`o.best`). Several choices are combined with
 * the automatic answers (the surest stands) until the target or `at most N labels`, asking the same
 * labeler while its pool lasts, then the next person on the route. Any other answer (text, boxes)
 * is a person's review of the proposal: the latest stands. Returns who to wait for, or null when final.
 */
export function afterPeople(
    plan: LabelingPlan,
    task: PlanTask,
    o: Pick<Open, 'given' | 'best'>,
    answers: readonly Label[],
    people: readonly RouteStage[],
): string | null {
    if (answers.length === 0) {
        return people[0].labeler;
    }
    const accuracyOf = (name: string) => {
        const declared = plan.labelers.find((l) => l.name === name);
        return declared ? declared.accuracy : people[0].accuracy; // a person's own id: the route's prior
    };
    if (task.classes.length < 2) {
        const latest = latestHuman(answers)!;
        o.best = { value: latest.value, score: accuracyOf(latest.labeler), labeler: latest.labeler };
        return null;
    }
    const given: ScoredAnswer[] = [
        ...o.given,
        ...answers.map((a) => ({ value: a.value, score: accuracyOf(a.labeler), labeler: a.labeler })),
    ];
    o.best = combine(given, task.classes.length);
    if (o.best.score >= task.quality.target - 1e-9 || given.length >= task.quality.maxLabels) {
        return null;
    }
    // Ask the first person on the route whose pool is not used up.
    const undeclared = (a: Label) => !plan.labelers.some((l) => l.name === a.labeler);
    const next = people.find((person) => answers.filter((a) => a.labeler === person.labeler || undeclared(a)).length < person.answers);
    return next?.labeler ?? null; // every person has answered: the best answer stands below the target
}
