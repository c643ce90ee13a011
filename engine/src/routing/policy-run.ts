/**
 * One task's routing run, item by item: plants gold questions at the planned share, asks whom the
 * ItemRouter chooses until it says the item is done (or nobody is left, or a person must be waited
 * for), updates the item's aggregate with every answer as it arrives, refits every labeler's
 * estimate between batches, and at the end aggregates every item with the declared method.
 *
 * `dprog simulate` (recorded answers), `dprog run` (models, rules, and people live or replayed)
 * and the editor's queue all drive this class, so the policy measured is the policy that runs.
 */
import { estimateAccuracy, targetReached } from '../quality/accuracy-estimate.js';
import type { ItemAggregate } from '../quality/result.js';
import { GoldMixer } from './gold-mixer.js';
import { ItemRouter } from './item-router.js';
import type { RoutingPolicy } from './policy.js';
import type { Candidate } from './router.js';

/**
 * Refit every labeler from all answers so far once this many items have passed since the last refit
 * and the answers since then are at least REFIT_SHARE of all answers: often at first, when each new
 * answer changes much, then on a geometric schedule (a refit is over all answers, so refitting every
 * few items would make a run quadratic in its size).
 */
export const REESTIMATE_EVERY = 25;
export const REFIT_SHARE = 0.1;

/**
 * The answer of `candidate` for `item`: a class name; null when it abstains or cannot answer (a
 * rule that does not fire, a model that failed); 'wait' when the answer must come from a person
 * who is not here yet.
 */
export type Ask = (item: string, candidate: Candidate) => string | null | 'wait';

export interface ItemOutcome {
    status: 'done' | 'waiting' | 'exhausted';
    /** The labeler a waiting item waits for. */
    waitingFor?: Candidate;
    /** Answers this call bought (not counting answers recorded before). */
    bought: Candidate[];
}

export interface RunTotals {
    cost: number;
    answers: number;
    byLabeler: Record<string, { answers: number; cost: number }>;
}

export class PolicyRun {
    readonly router: ItemRouter;
    private readonly mixer: GoldMixer;
    private finished = 0;
    /** Items finished and answers bought at the last refit. */
    private refitAt = { items: 0, answers: 0 };
    readonly totals: RunTotals = { cost: 0, answers: 0, byLabeler: {} };
    /** Items routed in this run, in order. */
    readonly routed = new Set<string>();

    constructor(
        readonly policy: RoutingPolicy,
        readonly classes: readonly string[],
        private readonly reestimateEvery = REESTIMATE_EVERY,
    ) {
        this.router = new ItemRouter(policy, classes);
        this.mixer = new GoldMixer(policy.goldShare);
    }

    /**
     * Routes one item: `available` are the answerers who could answer it (a person of a pool, a
     * model or rules labeler by name), `known` its true label when one is known (it may become a
     * gold question). Asks until done, exhausted, or a person must be waited for.
     */
    route(item: string, available: readonly string[], ask: Ask, known?: string): ItemOutcome {
        this.routed.add(item);
        const plantable = known !== undefined && this.classes.includes(known) && this.router.answers(item).length === 0;
        if (plantable && this.mixer.wantsGold()) {
            this.router.markGold(item, known);
        }
        const left = [...available];
        const bought: Candidate[] = [];
        for (let next = this.router.next(item, left); next; next = this.router.next(item, left)) {
            const answer = ask(item, next);
            if (answer === 'wait') {
                return { status: 'waiting', waitingFor: next, bought };
            }
            left.splice(left.indexOf(next.member), 1);
            if (answer === null) {
                continue;
            }
            this.router.record(item, next.member, answer);
            this.charge(next);
            bought.push(next);
        }
        const humans = bought.filter((c) => c.labeler.kind === 'human').length;
        this.mixer.record(this.router.isGold(item), humans);
        // Whether the item stopped at its target, decided before `finish` teaches its answerers from it (which moves
        // the posterior a little and could turn an item that reached the target into one reported exhausted).
        const done = this.router.isDone(item);
        this.router.finish(item);
        if (
            ++this.finished - this.refitAt.items >= this.reestimateEvery &&
            this.totals.answers - this.refitAt.answers >= REFIT_SHARE * this.totals.answers
        ) {
            this.router.reestimate();
            this.refitAt = { items: this.finished, answers: this.totals.answers };
        }
        return { status: done ? 'done' : 'exhausted', bought };
    }

    private charge(candidate: Candidate): void {
        const { name, cost } = candidate.labeler;
        const spent = (this.totals.byLabeler[name] ??= { answers: 0, cost: 0 });
        spent.answers++;
        spent.cost = round(spent.cost + cost);
        this.totals.answers++;
        this.totals.cost = round(this.totals.cost + cost);
    }

    /** Share of people's answers that went to gold questions. */
    get goldShare(): number {
        return this.mixer.actualShare;
    }

    /** Final labels of the non-gold items with answers, by the declared method over all answers (estimates refit first). */
    finalLabels(): ItemAggregate[] {
        const final = this.router.aggregateAll();
        this.router.reestimate();
        return final.items.filter((l) => !this.router.isGold(l.item));
    }
}

/** What a run produced: final labels, items nobody answered, and how good the labels are believed to be (no gold column read). */
export interface RunReport {
    labels: ItemAggregate[];
    /** Items (not gold questions) routed in this run that got no answer at all. */
    unasked: number;
    goldItems: number;
    estimatedAccuracy: number;
    /** 90% interval of the share of right labels. */
    accuracyInterval: [number, number];
    /** Whether the interval's lower end reaches the target. */
    targetReached: boolean;
    /** Whether the evidence says the target cannot be reached: the interval's upper end is below it. */
    targetOutOfReach: boolean;
}

/** The final labels of a run and the accuracy they are believed to have. */
export function reportOf(run: PolicyRun): RunReport {
    const labels = run.finalLabels();
    const router = run.router;
    const routed = [...run.routed];
    const estimate = estimateAccuracy(
        labels.map((l) => l.confidence),
        router.estimates.calibration,
        run.classes.length,
    );
    return {
        labels,
        unasked: routed.filter((item) => !router.isGold(item) && router.answers(item).length === 0).length,
        goldItems: routed.filter((item) => router.isGold(item)).length,
        estimatedAccuracy: estimate.estimatedAccuracy,
        accuracyInterval: estimate.accuracyInterval,
        targetReached: targetReached(estimate, run.policy.target),
        targetOutOfReach: estimate.accuracyInterval[1] < run.policy.target,
    };
}

function round(money: number): number {
    return Math.round(money * 1e6) / 1e6;
}
