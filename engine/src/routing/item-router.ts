/**
 * Live routing of one task: which answerer to ask next for an item, when the item is done, and
 * what we have learned about every answerer. The executor calls `next` with who is available,
 * `record` with each answer as it arrives, and `finish` when an item is done; `reestimate` between
 * batches refits every estimate by EM over all answers (gold fixed). Replay simulation drives this
 * same class with recorded answers, so what it measures is what runs.
 */
import { encodeAnswers, type EncodedAnswers } from '../quality/answers.js';
import { aggregate } from '../quality/aggregate.js';
import { LabelerEstimates } from '../quality/labeler-estimates.js';
import type { AggregationResult } from '../quality/result.js';
import type { EmPrior } from '../quality/em.js';
import { confidenceCeiling } from '../quality/calibration.js';
import type { EstimateRecord } from '../quality/labeler-estimates.js';
import { GOLD_ANSWER_CAP, MAX_PRIOR_ACCURACY, policyProblems, type RoutedLabeler, type RoutingPolicy } from './policy.js';
import { chooseNext, type Candidate } from './router.js';

/** How far under the confidence ceiling an item counts as having reached it. */
const CEILING_MARGIN = 0.005;

interface ItemAnswers {
    /** [member, class id] in the order given. */
    asked: [string, number][];
    labelers: Set<string>;
    /** Known class of a gold question, or -1. */
    gold: number;
}

export class ItemRouter {
    readonly estimates: LabelerEstimates;
    private readonly items = new Map<string, ItemAnswers>();
    /** Items whose answer is known to be among some classes only (a split member re-asked), by class id. */
    private readonly allowed = new Map<string, Set<number>>();
    private readonly classId: Map<string, number>;
    private readonly labelerOf: (member: string) => RoutedLabeler;
    private readonly oneCoin: boolean;

    constructor(
        readonly policy: RoutingPolicy,
        readonly classes: readonly string[],
    ) {
        const problems = policyProblems(policy);
        if (problems.length) {
            throw new Error(`routing policy: ${problems.join('; ')}`);
        }
        if (classes.length < 2) {
            throw new Error(`routing needs the task's label set (at least two classes), got ${classes.length}`);
        }
        this.classId = new Map(classes.map((c, i) => [c, i]));
        this.labelerOf = answererMapping(policy);
        this.oneCoin = policy.method !== 'dawid_skene';
        this.estimates = new LabelerEstimates(classes, (member) => ({
            accuracy: Math.min(this.labelerOf(member).accuracy, MAX_PRIOR_ACCURACY),
        }));
    }

    /** The labeler of the route an answerer belongs to (a model or rule set by name, else a person of the human pool). */
    labeler(member: string): RoutedLabeler {
        return this.labelerOf(member);
    }

    private stateOf(item: string): ItemAnswers {
        let state = this.items.get(item);
        if (!state) {
            this.items.set(item, (state = { asked: [], labelers: new Set(), gold: -1 }));
        }
        return state;
    }

    classOf(label: string): number {
        const c = this.classId.get(label);
        if (c === undefined) {
            throw new Error(`label '${label}' is not one of ${this.classes.join(', ')}`);
        }
        return c;
    }

    /** Makes an item a gold question: its answers are scored against `label`. */
    markGold(item: string, label: string): void {
        this.stateOf(item).gold = this.classOf(label);
    }

    isGold(item: string): boolean {
        return (this.items.get(item)?.gold ?? -1) >= 0;
    }

    /** The known label of a gold question. */
    goldOf(item: string): string | undefined {
        const gold = this.items.get(item)?.gold ?? -1;
        return gold >= 0 ? this.classes[gold] : undefined;
    }

    /** Records an answer; on a gold question it updates the answerer's estimate at once. */
    record(item: string, member: string, label: string): void {
        const state = this.stateOf(item);
        if (state.asked.some(([m]) => m === member)) {
            throw new Error(`item '${item}': '${member}' has already answered`);
        }
        const c = this.classOf(label);
        if (!this.allows(item, label)) {
            throw new Error(`item '${item}' is asked only among ${[...this.allowed.get(item)!].map((k) => this.classes[k]).join(', ')}`);
        }
        state.asked.push([member, c]);
        state.labelers.add(this.labelerOf(member).name);
        if (state.gold >= 0) {
            this.estimates.observeGold(member, state.gold, c);
        }
    }

    answers(item: string): readonly (readonly [string, number])[] {
        return this.items.get(item)?.asked ?? [];
    }

    /**
     * Restricts an item to some of the classes: its answer is known to be one of them (language.md
     * §10: a split member's items are re-asked only among the members that come from it), so its
     * posterior is renormalised over them and answers outside them are not taken.
     */
    restrict(item: string, classes: readonly string[]): void {
        this.allowed.set(item, new Set(classes.map((c) => this.classOf(c))));
    }

    /** Whether `label` is a possible answer for the item (every class, unless it is restricted). */
    allows(item: string, label: string): boolean {
        const allowed = this.allowed.get(item);
        return !allowed || allowed.has(this.classOf(label));
    }

    /** The item's class posterior under the current estimates (zero outside its classes when restricted). */
    posterior(item: string): Float64Array {
        const row = this.estimates.itemPosterior(this.answers(item), this.oneCoin, item);
        const allowed = this.allowed.get(item);
        if (!allowed) {
            return row;
        }
        let total = 0;
        for (let k = 0; k < row.length; k++) {
            total += allowed.has(k) ? row[k] : 0;
        }
        return row.map((p, k) => (allowed.has(k) && total > 0 ? p / total : 0));
    }

    /** The item's aggregate so far: the leading class and its posterior (what a person's or model's answer updates at once). */
    current(item: string): { label: string; confidence: number; answers: number } | undefined {
        const answers = this.answers(item).length;
        if (answers === 0) {
            return undefined;
        }
        const row = this.posterior(item);
        let best = 0;
        for (let k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return { label: this.classes[best], confidence: row[best], answers };
    }

    /**
     * Done when the label limit is hit, or the posterior reaches the target. An item nobody has
     * answered is never done: the class prior alone labels nothing. A gold question is done at
     * `GOLD_ANSWER_CAP` answers (it is there to score people, not to be labeled).
     */
    isDone(item: string): boolean {
        const state = this.items.get(item);
        const asked = state?.asked.length ?? 0;
        if (asked >= this.policy.maxLabels) {
            return true;
        }
        if (asked === 0) {
            return false;
        }
        if (state!.gold >= 0) {
            return asked >= GOLD_ANSWER_CAP;
        }
        return this.posterior(item).reduce((a, b) => Math.max(a, b), 0) >= this.reachableTarget();
    }

    /**
     * The target, or just under the highest confidence any item can reach when the target is above
     * it (the share of items the whole crowd gets wrong caps every posterior; more answers cannot pass it).
     */
    reachableTarget(): number {
        return Math.min(this.policy.target, confidenceCeiling(this.estimates.calibration) - CEILING_MARGIN);
    }

    /**
     * Whom to ask next among `available` answerers (who have not answered this item yet), or undefined
     * when the item is done or nobody is left. Gold questions go to those we know least about.
     */
    next(item: string, available: readonly string[]): Candidate | undefined {
        if (this.isDone(item)) {
            return undefined;
        }
        const asked = new Set(this.answers(item).map(([m]) => m));
        const candidates = available.filter((m) => !asked.has(m)).map((member) => ({ member, labeler: this.labelerOf(member) }));
        if (this.isGold(item)) {
            const evidence = (c: Candidate) => {
                const e = this.estimates.evidence(c.member);
                return e.gold + e.agreement;
            };
            return candidates.sort((a, b) => evidence(a) - evidence(b) || (a.member < b.member ? -1 : 1))[0];
        }
        return chooseNext(this.policy, candidates, this.stateOf(item).labelers, this.estimates);
    }

    /** An item is done: its answerers learn from agreement with its posterior (gold questions already taught). */
    finish(item: string): void {
        if (this.isGold(item)) {
            return;
        }
        const posterior = this.posterior(item);
        for (const [member, answered] of this.answers(item)) {
            this.estimates.observeAgreement(member, posterior, answered);
        }
    }

    /**
     * Every answer so far, encoded with gold fixed; the current posteriors as EM's start (so EM cannot flip);
     * and a prior that makes EM's fit a MAP fit: each answerer's declared accuracy (so one with a single answer
     * keeps about that instead of being explained away) and one pseudo-count per class (so a few items do not
     * set the class frequencies alone).
     */
    private encodedSoFar(): { encoded: EncodedAnswers; start: Float64Array; prior: EmPrior } {
        const answers = [...this.items].flatMap(([item, s]) => s.asked.map(([worker, c]) => ({ item, worker, label: this.classes[c] })));
        const gold = new Map([...this.items].filter(([, s]) => s.gold >= 0).map(([item, s]) => [item, this.classes[s.gold]]));
        const encoded = encodeAnswers(answers, { classes: this.classes, gold });
        const K = this.classes.length;
        const start = new Float64Array(encoded.items.length * K);
        encoded.items.forEach((item, i) => start.set(this.posterior(item), i * K));
        return { encoded, start, prior: { confusion: this.estimates.priorFor(encoded.workers), classCount: 1 } };
    }

    /** Refits every answerer's estimate by EM over all answers so far, as the engine does between batches. */
    reestimate(): void {
        const { encoded, start, prior } = this.encodedSoFar();
        if (encoded.itemOf.length === 0) {
            return;
        }
        // The fit only (rebuild calibrates once from it): calibrated, floored posteriors would attenuate every estimate.
        const method = this.oneCoin ? 'one_coin' : 'dawid_skene';
        const result = aggregate(method, encoded, { initialPosterior: start, prior, uncalibrated: true });
        this.estimates.rebuild(encoded, result.posterior, result.classPriors);
    }

    /** Restores stored estimates (labeling resumes where it stopped). */
    restore(records: readonly EstimateRecord[]): void {
        this.estimates.restore(records);
    }

    /** The items that have answers, in the order they were first answered. */
    itemsAnswered(): string[] {
        return [...this.items].filter(([, s]) => s.asked.length > 0).map(([item]) => item);
    }

    /** The final labels of every item by the policy's aggregation method. */
    aggregateAll(): AggregationResult {
        const { encoded, start, prior } = this.encodedSoFar();
        return aggregate(this.policy.method, encoded, { initialPosterior: start, prior });
    }
}

/**
 * Who is an answerer? One named like a labeler of the route is that labeler (a model, a rule set,
 * or a single person; `crowd#2` is the second answer given under the labeler's name); `crowd/ann` is
 * the person ann of the human labeler crowd; anyone else is a person of the route's human pool — the human labeler with
 * the largest declared pool, else the first human labeler.
 */
function answererMapping(policy: RoutingPolicy): (member: string) => RoutedLabeler {
    const byName = new Map(policy.labelers.map((l) => [l.name, l]));
    const humans = policy.labelers.filter((l) => l.kind === 'human');
    const pool = [...humans].sort((a, b) => (b.pool ?? 0) - (a.pool ?? 0))[0];
    // `crowd/ann`: the person ann of the human labeler crowd.
    const personOf = (member: string) => {
        const slash = member.indexOf('/');
        const labeler = slash > 0 ? byName.get(member.slice(0, slash)) : undefined;
        return labeler?.kind === 'human' ? labeler : undefined;
    };
    return (member) => {
        const labeler = byName.get(member) ?? byName.get(member.replace(/#\d+$/, '')) ?? personOf(member) ?? pool;
        if (!labeler) {
            throw new Error(
                `answerer '${member}' is not a labeler of the route (${[...byName.keys()].join(', ')}) and the route has no human ` +
                    `labeler to count them in`,
            );
        }
        return labeler;
    };
}
