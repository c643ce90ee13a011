/**
 * Labeling a single choice by the routing policy: the route's models and rules give their answers
 * (each run once per item, kept in the store), then the task's PolicyRun asks whom it chooses until
 * the item is done — a person it asks means the item waits for people (or, replaying, the recorded
 * answer is taken). Every answer updates the item's aggregate at once.
 */
import type { JsonValue } from '../store/types.js';
import { askModel } from './model-step.js';
import { askRules } from './rules-step.js';
import { automaticLabelId, prepare, type Open, type Ready, type StageRun } from './stage-item.js';
import { replayedLabel, type TaskRouting } from './task-routing.js';

type Automatic = Map<string, { value: JsonValue; score: number }>;

export async function labelByPolicy(run: StageRun, ready: Ready[]): Promise<void> {
    const open = prepare(run, ready);
    const routing = await run.ctx.routing(run.task);
    const automatic = await automaticAnswers(run, open, routing);
    const failed = run.work.failedKeys(run.stage);
    for (const o of open) {
        if (!failed.has(o.instance.key)) {
            route(run, routing, o, automatic.get(o.instance.key) ?? new Map());
        }
    }
}

/** One stage item through the policy: the answers it buys become labels; its aggregate and state follow. */
function route(run: StageRun, routing: TaskRouting, o: Open, given: Automatic): void {
    const { ctx, task, work } = run;
    const key = o.instance.key;
    const outcome = routing.route(key, new Map([...given].map(([labeler, a]) => [labeler, String(a.value)])));
    for (const answer of outcome.newLabels) {
        if (answer.labeler.kind === 'human') {
            work.labels.push(replayedLabel(task, key, answer.member, routing.valueOf(answer.value), ctx.plan.hash));
        } else {
            const { value, score } = given.get(answer.member)!;
            const id = automaticLabelId(task, key, answer.member);
            const labelerKind = answer.labeler.kind;
            work.labels.push({
                id,
                task: task.name,
                item: key,
                labeler: answer.member,
                labelerKind,
                value,
                score,
                programVersion: ctx.plan.hash,
            });
        }
    }
    const aggregate = routing.aggregateOf(key);
    if (aggregate) {
        work.aggregates.push(aggregate);
    }
    const best = aggregate ? { value: aggregate.value, score: aggregate.confidence, labeler: routing.answeredBy(key) } : {};
    const among = routing.restrictedTo(key);
    const base = { contract: task.contractHash, input: o.inputHash, ...o.seen, ...best, ...(among ? { among: [...among] } : {}) };
    const closed = outcome.status !== 'waiting' ? routing.reaskClosed(key) : undefined;
    if (closed) {
        work.states.push(closed); // the re-ask is decided: later answers may be any member again
    }
    if (outcome.status === 'waiting') {
        work.record(run.stage, key, 'waiting', { ...base, waitingFor: outcome.waitingFor!.labeler.name });
    } else if (!aggregate) {
        work.record(run.stage, key, 'waiting', { ...base, reason: 'nobody on the route could answer' });
    } else {
        // How many people's labels the store holds with this decision: more at the next run reopen the item.
        const people = routing.peopleRead(key) + outcome.newLabels.filter((a) => a.labeler.kind === 'human').length;
        const below = outcome.status === 'exhausted' ? { reason: 'below the quality target; nobody left to ask' } : {};
        work.record(run.stage, key, 'done', { ...base, people, ...below });
    }
}

/** The answers of the route's models and rules that the stage items have not had yet, by item then labeler. */
async function automaticAnswers(run: StageRun, open: readonly Open[], routing: TaskRouting): Promise<Map<string, Automatic>> {
    const out = new Map<string, Automatic>();
    for (const routeStage of run.task.route.stages) {
        const labeler = run.ctx.plan.labelers.find((l) => l.name === routeStage.labeler);
        if (!labeler || labeler.kind === 'human') {
            continue;
        }
        const fresh = open.filter((o) => !routing.run.router.answers(o.instance.key).some(([m]) => m === labeler.name));
        const given = labeler.kind === 'rules' ? askRules(run, labeler, fresh) : await askModel(run, labeler, fresh);
        for (const { o, value, score } of given) {
            const byLabeler = out.get(o.instance.key) ?? new Map();
            out.set(o.instance.key, byLabeler.set(labeler.name, { value, score }));
        }
    }
    return out;
}
