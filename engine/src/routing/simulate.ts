/**
 * Simulation by replay: run a routing policy against answers people (and models) really gave.
 * For each item only the answerers who really answered it can be asked, in the order the policy
 * chooses; the item stops as soon as the policy says it is done (or nobody is left). The same
 * PolicyRun drives `dprog run --replay` and the live executor, so what this measures is what runs.
 */
import type { Answer } from '../quality/answers.js';
import { accuracyAgainst } from '../quality/posterior.js';
import type { ItemAggregate } from '../quality/result.js';
import { arrivalOrder } from './arrival-order.js';
import { PolicyRun, REESTIMATE_EVERY, reportOf } from './policy-run.js';
import type { RoutingPolicy } from './policy.js';

export interface ReplayOptions {
    /** The true label of items (for accuracy, and to answer gold questions). */
    truth?: ReadonlyMap<string, string>;
    /** The label set; default: the sorted distinct recorded labels. */
    classes?: readonly string[];
    /** Re-estimate every labeler from all answers so far after this many items. Default 25. */
    reestimateEvery?: number;
    /** Shuffle the order items arrive in with this seed; default: the recorded order. */
    seed?: number;
}

export interface SimulationResult {
    /** Items labeled (not counting gold questions). */
    items: number;
    goldItems: number;
    /** Share of the human answers that went to gold questions. */
    goldShare: number;
    labelsUsed: number;
    labelsAvailable: number;
    /** Against `truth`, over the non-gold items that have a true label (ties count 1/k). */
    accuracy?: number;
    cost: number;
    /** Items whose posterior reached the target. */
    reachedTarget: number;
    /** Items (not gold questions) that got no answer at all. */
    unasked: number;
    byLabeler: Record<string, { answers: number; cost: number }>;
    labels: ItemAggregate[];
    /** Believed accuracy of `labels` and its 90% interval, from the answers and planted gold questions only. */
    estimatedAccuracy: number;
    accuracyInterval: [number, number];
    targetReached: boolean;
    /** The interval's upper end is below the target: these labelers are not reaching it. */
    targetOutOfReach: boolean;
}

export function simulateReplay(policy: RoutingPolicy, answers: readonly Answer[], options: ReplayOptions = {}): SimulationResult {
    const { truth, reestimateEvery = REESTIMATE_EVERY } = options;
    const classes = options.classes ? [...options.classes] : [...new Set(answers.map((a) => a.label))].sort();
    if (classes.length < 2) {
        throw new Error(`the answers use ${classes.length} label(s); give the task's label set (at least two classes)`);
    }
    const recorded = recordedAnswers(answers, classes);
    const run = new PolicyRun(policy, classes, reestimateEvery);
    const items = arrivalOrder([...recorded.keys()], options.seed);
    const ask = (item: string, c: { member: string }) => recorded.get(item)!.get(c.member) ?? null;
    for (const item of items) {
        run.route(item, [...recorded.get(item)!.keys()], ask, truth?.get(item));
    }
    const report = reportOf(run);
    const { labels } = report;
    const router = run.router;
    const scored = items.filter((item) => !router.isGold(item));
    const result: SimulationResult = {
        items: scored.length,
        goldItems: report.goldItems,
        goldShare: run.goldShare,
        labelsUsed: run.totals.answers,
        labelsAvailable: answers.length,
        cost: run.totals.cost,
        reachedTarget: scored.filter(
            (item) => router.answers(item).length > 0 && router.posterior(item).reduce((a, b) => Math.max(a, b), 0) >= policy.target,
        ).length,
        unasked: report.unasked,
        byLabeler: run.totals.byLabeler,
        labels,
        estimatedAccuracy: report.estimatedAccuracy,
        accuracyInterval: report.accuracyInterval,
        targetReached: report.targetReached,
        targetOutOfReach: report.targetOutOfReach,
    };
    if (truth) {
        const { accuracy, scored: n } = accuracyAgainst(labels, truth);
        if (n > 0) {
            result.accuracy = accuracy;
        }
    }
    return result;
}

/** What each answerer really said about each item (a person answers an item once: the first answer counts). */
export function recordedAnswers(answers: readonly Answer[], classes: readonly string[]): Map<string, Map<string, string>> {
    const recorded = new Map<string, Map<string, string>>();
    for (const a of answers) {
        if (!classes.includes(a.label)) {
            throw new Error(`item '${a.item}', worker '${a.worker}': label '${a.label}' is not one of ${classes.join(', ')}`);
        }
        let said = recorded.get(a.item);
        if (!said) {
            recorded.set(a.item, (said = new Map()));
        }
        if (!said.has(a.worker)) {
            said.set(a.worker, a.label);
        }
    }
    return recorded;
}
