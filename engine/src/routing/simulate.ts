/**
 * Simulation by replay: run a routing policy against answers people (and models) really gave.
 * For each item only the answerers who really answered it can be asked, in the order the policy
 * chooses; the item stops as soon as its posterior reaches the target (or the label limit, or
 * nobody is left). Labeler estimates are learned online — from gold questions mixed in at the
 * planned share and from agreement — exactly as they would be while labeling for real.
 */
import { encodeAnswers, type Answer } from '../quality/answers.js';
import { aggregate } from '../quality/aggregate.js';
import { LabelerEstimates } from '../quality/labeler-estimates.js';
import { accuracyAgainst } from '../quality/posterior.js';
import type { ItemAggregate } from '../quality/result.js';
import { policyProblems, type RoutedLabeler, type RoutingPolicy } from './policy.js';
import { GoldMixer } from './gold-mixer.js';
import { chooseNext, type Candidate } from './router.js';

export interface ReplayOptions {
    /** The true label of items (for accuracy, and to answer gold questions). */
    truth?: ReadonlyMap<string, string>;
    /** The label set; default: the sorted distinct recorded labels. */
    classes?: readonly string[];
    /** Re-estimate every labeler from all answers so far after this many items. Default 25. */
    reestimateEvery?: number;
    /** Passes over items still below target after the last re-estimate. Default 2. */
    topUpPasses?: number;
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
    byLabeler: Record<string, { answers: number; cost: number }>;
    labels: ItemAggregate[];
}

interface ItemState {
    item: string;
    recorded: Map<string, number>; // member → class id
    asked: [string, number][];
    askedLabelers: Set<string>;
    gold: number; // class id of a gold question, or -1
    done: boolean;
}

export function simulateReplay(policy: RoutingPolicy, answers: readonly Answer[], options: ReplayOptions = {}): SimulationResult {
    const problems = policyProblems(policy);
    if (problems.length) throw new Error(`routing policy: ${problems.join('; ')}`);
    const { truth, reestimateEvery = 25, topUpPasses = 2 } = options;
    const classes = options.classes ? [...options.classes] : [...new Set(answers.map((a) => a.label))].sort();
    if (classes.length < 2) throw new Error(`the answers use ${classes.length} label(s); give the task's label set (at least two classes)`);
    const classId = new Map(classes.map((c, i) => [c, i]));
    const labelerOf = answererMapping(policy);
    const oneCoin = policy.method !== 'dawid_skene';

    const states = new Map<string, ItemState>();
    for (const a of answers) {
        let s = states.get(a.item);
        if (!s) states.set(a.item, (s = { item: a.item, recorded: new Map(), asked: [], askedLabelers: new Set(), gold: -1, done: false }));
        const c = classId.get(a.label);
        if (c === undefined) throw new Error(`item '${a.item}', worker '${a.worker}': label '${a.label}' is not one of ${classes.join(', ')}`);
        if (!s.recorded.has(a.worker)) s.recorded.set(a.worker, c); // a person answers an item once
    }
    const items = options.seed === undefined ? [...states.values()] : shuffled([...states.values()], options.seed);
    const mixer = new GoldMixer(policy.goldShare);

    const estimates = new LabelerEstimates(classes, (member) => ({ accuracy: labelerOf(member).accuracy }));
    const byLabeler: SimulationResult['byLabeler'] = {};
    let cost = 0;
    const ask = (s: ItemState, c: Candidate) => {
        s.asked.push([c.member, s.recorded.get(c.member)!]);
        s.askedLabelers.add(c.labeler.name);
        const spent = (byLabeler[c.labeler.name] ??= { answers: 0, cost: 0 });
        spent.answers++;
        spent.cost += c.labeler.cost;
        cost += c.labeler.cost;
    };
    const candidatesOf = (s: ItemState): Candidate[] =>
        [...s.recorded.keys()].filter((m) => !s.asked.some(([a]) => a === m)).map((member) => ({ member, labeler: labelerOf(member) }));
    const posteriorOf = (s: ItemState) => estimates.itemPosterior(s.asked, oneCoin);
    const reached = (s: ItemState) => s.gold >= 0 || Math.max(...posteriorOf(s)) >= policy.target;

    /** Ask until the item is done by the quality rule. */
    const work = (s: ItemState) => {
        if (s.gold >= 0) {
            // A gold question: ask those we know least about; every answer is checked against the truth.
            const order = candidatesOf(s).sort((a, b) => evidenceOf(a) - evidenceOf(b) || (a.member < b.member ? -1 : 1));
            for (const c of order.slice(0, Math.max(0, policy.maxLabels - s.asked.length))) {
                ask(s, c);
                estimates.observeGold(c.member, s.gold, s.recorded.get(c.member)!);
            }
            return;
        }
        while (s.asked.length < policy.maxLabels && !reached(s)) {
            const next = chooseNext(policy, candidatesOf(s), s.askedLabelers, estimates);
            if (!next) break;
            ask(s, next);
        }
        const posterior = posteriorOf(s);
        for (const [member, answered] of s.asked) estimates.observeAgreement(member, posterior, answered);
    };
    const evidenceOf = (c: Candidate) => {
        const e = estimates.evidence(c.member);
        return e.gold + e.agreement;
    };

    /** All answers so far, encoded, with gold fixed; EM starts from the current online posteriors (so it cannot flip). */
    const collectedSoFar = () => {
        const collected = items.flatMap((s) => s.asked.map(([worker, c]) => ({ item: s.item, worker, label: classes[c] })));
        const gold = new Map(items.filter((s) => s.gold >= 0).map((s) => [s.item, classes[s.gold]]));
        const encoded = encodeAnswers(collected, { classes, gold });
        const start = new Float64Array(encoded.items.length * classes.length);
        encoded.items.forEach((item, i) => start.set(posteriorOf(states.get(item)!), i * classes.length));
        return { collected, gold, encoded, start };
    };
    /** Re-estimates everyone from all answers so far (EM, gold fixed), as the engine does between batches. */
    const reestimate = () => {
        const { collected, encoded, start } = collectedSoFar();
        if (collected.length === 0) return;
        const result = aggregate(oneCoin ? 'one_coin' : 'dawid_skene', encoded, { initialPosterior: start });
        estimates.rebuild(encoded, result.posterior, result.classPriors);
    };

    items.forEach((s, n) => {
        const known = truth?.get(s.item);
        if (known !== undefined && classId.has(known) && mixer.wantsGold()) s.gold = classId.get(known)!;
        work(s);
        mixer.record(s.gold >= 0, s.asked.filter(([member]) => labelerOf(member).kind === 'human').length);
        s.done = true;
        if ((n + 1) % reestimateEvery === 0) reestimate();
    });
    for (let pass = 0; pass < topUpPasses; pass++) {
        reestimate();
        const open = items.filter((s) => !reached(s) && s.asked.length < policy.maxLabels && candidatesOf(s).length > 0);
        if (open.length === 0) break;
        open.forEach(work);
    }

    const { collected, gold, encoded, start } = collectedSoFar();
    const final = aggregate(policy.method, encoded, { initialPosterior: start });
    const labels = final.items.filter((l) => !gold.has(l.item));
    reestimate();
    const result: SimulationResult = {
        items: labels.length,
        goldItems: gold.size,
        goldShare: mixer.actualShare,
        labelsUsed: collected.length,
        labelsAvailable: answers.length,
        cost: Math.round(cost * 1e6) / 1e6,
        reachedTarget: items.filter((s) => s.gold < 0 && reached(s)).length,
        byLabeler: Object.fromEntries(Object.entries(byLabeler).map(([name, { answers: n, cost: c }]) => [name, { answers: n, cost: Math.round(c * 1e6) / 1e6 }])),
        labels,
    };
    if (truth) {
        const { accuracy, scored } = accuracyAgainst(labels, truth);
        if (scored > 0) result.accuracy = accuracy;
    }
    return result;
}

/**
 * Who is a recorded answerer? A worker named like a labeler of the route is that labeler (a model,
 * a rule set, or a single person); anyone else is a person of the route's human pool — the human
 * labeler with the largest declared pool, else the first human labeler.
 */
function answererMapping(policy: RoutingPolicy): (member: string) => RoutedLabeler {
    const byName = new Map(policy.labelers.map((l) => [l.name, l]));
    const humans = policy.labelers.filter((l) => l.kind === 'human');
    const pool = [...humans].sort((a, b) => (b.pool ?? 0) - (a.pool ?? 0))[0];
    return (member) => {
        const labeler = byName.get(member) ?? pool;
        if (!labeler) {
            throw new Error(`recorded answerer '${member}' is not a labeler of the route (${[...byName.keys()].join(', ')}) and the route has no human labeler to count them in`);
        }
        return labeler;
    };
}

/** A deterministic number in [0, 1) from a string (FNV-1a), so the same items are gold on every run. */
export function stableFraction(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) / 2 ** 32;
}

/** Fisher-Yates with a small seeded generator (mulberry32), so a seed always gives the same order. */
function shuffled<T>(values: T[], seed: number): T[] {
    let state = seed >>> 0;
    const random = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    for (let i = values.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [values[i], values[j]] = [values[j], values[i]];
    }
    return values;
}
