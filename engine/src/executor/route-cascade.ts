/**
 * Labeling along the route, for a task the routing policy does not route (anything but a single
 * choice): labelers are asked in route order; rules and models answer at once (each answer stored
 * under a deterministic id, so a resumed run does not ask twice) and a stage item whose combined
 * answer reaches the quality target, or `at most N labels`, is final; a person on the route means
 * the rest wait for people.
 */
import type { PlanModelLabeler, PlanRulesLabeler } from '../plan/types.js';
import { combine } from './answers.js';
import { askModel } from './model-step.js';
import { askPeople } from './people-step.js';
import { askRules } from './rules-step.js';
import { automaticLabelId, prepare, type Given, type Open, type Ready, type StageRun } from './stage-item.js';
import type { StageDetail } from './stage-state.js';

export async function labelAlongRoute(run: StageRun, ready: Ready[]): Promise<void> {
    const { ctx, task } = run;
    const heard = await answeredByPeople(run, ready);
    let open = prepare(run, ready);
    const finish = (o: Open, extra: Partial<StageDetail> = {}) => finishItem(run, o, extra);
    for (const routeStage of task.route.stages) {
        const labeler = ctx.plan.labelers.find((l) => l.name === routeStage.labeler);
        // With no open items the later steps have nothing to ask: stopping early only saves the loop.
        // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, see above
        if (open.length === 0) {
            break;
        }
        if (!labeler) {
            continue;
        }
        if (labeler.kind === 'human') {
            await askPeople(run, routeStage, open, finish);
            return;
        }
        const given = await askAutomatic(run, labeler, open);
        open = settle(run, open, given, labeler.name, heard, finish);
    }
    // Route exhausted without a person: the best answer stands, marked as below the target.
    for (const o of open) {
        if (o.best) {
            finish(o, { reason: 'below the quality target; no person on the route' });
        } else {
            run.work.record(run.stage, o.instance.key, 'waiting', {
                contract: task.contractHash,
                input: o.inputHash,
                reason: 'no labeler on the route could answer',
                ...o.seen,
            });
        }
    }
}

/** The stage items people have answered already (their answers are always heard before an item is final). */
async function answeredByPeople(run: StageRun, ready: readonly Ready[]): Promise<Set<string>> {
    const heard = new Set<string>();
    for (const r of ready) {
        if ((await run.ctx.store.countLabels({ task: run.task.name, item: r.instance.key, labelerKind: 'human' })) > 0) {
            heard.add(r.instance.key);
        }
    }
    return heard;
}

/** A model's or rules' answers: the stored one when this labeler answered before, else asked now (and kept as a label). */
async function askAutomatic(run: StageRun, labeler: PlanModelLabeler | PlanRulesLabeler, open: readonly Open[]): Promise<Given[]> {
    const { ctx, task } = run;
    const id = (o: Open) => automaticLabelId(task, o.instance.key, labeler.name);
    const stored: Given[] = [];
    const fresh: Open[] = [];
    for (const o of open) {
        const label = await ctx.store.getLabel(id(o));
        if (label && label.supersededBy === undefined) {
            stored.push({ o, value: label.value, score: label.score ?? 0 });
        } else {
            fresh.push(o);
        }
    }
    const asked = labeler.kind === 'rules' ? askRules(run, labeler, fresh) : await askModel(run, labeler, fresh);
    for (const { o, value, score } of asked) {
        run.work.labels.push({
            id: id(o),
            task: task.name,
            item: o.instance.key,
            labeler: labeler.name,
            labelerKind: labeler.kind,
            value,
            score,
            programVersion: ctx.plan.hash,
        });
    }
    return [...stored, ...asked];
}

/** Folds one labeler's answers in; returns the stage items still open (not final, not failed). */
function settle(
    run: StageRun,
    open: readonly Open[],
    given: readonly Given[],
    labeler: string,
    heard: ReadonlySet<string>,
    finish: (o: Open) => void,
): Open[] {
    const { task } = run;
    const failed = run.work.failedKeys(run.stage);
    for (const g of given) {
        g.o.answers++;
        g.o.given.push({ value: g.value, score: g.score, labeler });
        g.o.best = combine(g.o.given, task.classes.length);
    }
    const next: Open[] = [];
    for (const o of open) {
        if (failed.has(o.instance.key)) {
            continue;
        }
        const reached = o.best && (o.best.score >= task.quality.target - 1e-9 || o.answers >= task.quality.maxLabels);
        if (reached && !heard.has(o.instance.key)) {
            finish(o);
        } else {
            next.push(o);
        }
    }
    return next;
}

/** A stage item is final: its answer (when it has one) and its `done` state. */
function finishItem(run: StageRun, o: Open, extra: Partial<StageDetail>): void {
    const { task } = run;
    // Every caller finishes an item only once it has an answer (settle, the end of the route, afterPeople); the checks stay for safety.
    // Stryker disable next-line ConditionalExpression: equivalent, see above
    if (o.best) {
        run.work.aggregates.push({
            task: task.name,
            item: o.instance.key,
            value: o.best.value,
            confidence: o.best.score,
            method: `route ${task.route.strategy}`,
            answers: Math.max(1, o.answers),
        });
    }
    run.work.record(run.stage, o.instance.key, 'done', {
        contract: task.contractHash,
        input: o.inputHash,
        // Stryker disable OptionalChaining: equivalent, an item is finished only with an answer (above)
        value: o.best?.value,
        labeler: o.best?.labeler,
        score: o.best?.score,
        // Stryker restore OptionalChaining
        ...o.seen,
        ...extra,
    });
}
