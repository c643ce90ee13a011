/**
 * What a policy will cost and reach, before any label is bought: the PolicyRun that runs the task
 * labels simulated items, each labeler answering right with its declared accuracy (a wrong answer
 * is any other class, evenly). Seeded, so a plan's estimates are the same on every compile. The
 * compiler calls this for plan estimates, so the estimate is of the policy that runs.
 */
import { seededRng, type Rng } from '../learning/random.js';
import { PolicyRun } from './policy-run.js';
import { policyMembers, type RoutingPolicy } from './policy.js';

export interface PolicyEstimate {
    /** Fewest answers that finish an item when all agree; null when even that cannot reach the target. */
    minAnswers: number | null;
    /** Most answers an item used. */
    maxAnswers: number;
    meanAnswers: number;
    /** Money per item (people's answers at their cost). */
    meanCost: number;
    /** Share of items whose posterior reached the target. */
    reachProbability: number;
    /** Share of items whose label was right. */
    accuracy: number;
}

export interface EstimateOptions {
    /** Simulated items. Default 300 (a compile estimates every distinct policy of a program). */
    items?: number;
    seed?: number;
}

export function estimatePolicy(policy: RoutingPolicy, classes: readonly string[], options: EstimateOptions = {}): PolicyEstimate {
    const { items = 300, seed = 1 } = options;
    const K = classes.length;
    const rng = seededRng(seed);
    const people = policyMembers(policy);
    const accuracy = new Map(people.map((p) => [p.member, p.accuracy]));
    const run = new PolicyRun({ ...policy, goldShare: 0 }, classes, Number.POSITIVE_INFINITY);
    let right = 0;
    let reached = 0;
    let maxAnswers = 0;
    for (let i = 0; i < items; i++) {
        const item = `item${i}`;
        const truth = Math.floor(rng() * K);
        const ask = (_: string, c: { member: string }) => classes[answer(rng, truth, accuracy.get(c.member)!, K)];
        run.route(
            item,
            people.map((p) => p.member),
            ask,
        );
        const current = run.router.current(item);
        const n = run.router.answers(item).length;
        maxAnswers = Math.max(maxAnswers, n);
        if (current?.label === classes[truth]) {
            right++;
        }
        if (current && current.confidence >= run.router.reachableTarget()) {
            reached++;
        }
    }
    return {
        minAnswers: unanimousAnswers(policy, classes, people),
        maxAnswers,
        meanAnswers: run.totals.answers / items,
        meanCost: run.totals.cost / items,
        reachProbability: reached / items,
        accuracy: right / items,
    };
}

/** Right with probability `accuracy`, otherwise one of the other classes evenly. */
function answer(rng: Rng, truth: number, accuracy: number, K: number): number {
    return rng() < accuracy ? truth : (truth + 1 + Math.floor(rng() * (K - 1))) % K;
}

/** How many answers the policy takes for an item on which everyone agrees; null when it never reaches the target. */
function unanimousAnswers(policy: RoutingPolicy, classes: readonly string[], people: Array<{ member: string }>): number | null {
    const run = new PolicyRun({ ...policy, goldShare: 0 }, classes, Number.POSITIVE_INFINITY);
    run.route(
        'x',
        people.map((p) => p.member),
        () => classes[0],
    );
    const posterior = run.router.posterior('x').reduce((a, b) => Math.max(a, b), 0);
    return posterior >= run.router.reachableTarget() ? run.router.answers('x').length : null;
}
