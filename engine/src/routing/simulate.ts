/**
 * Simulation by replay: run a routing policy against answers people (and models) really gave.
 * For each item only the answerers who really answered it can be asked, in the order the policy
 * chooses; the item stops as soon as its posterior reaches the target (or the label limit, or
 * nobody is left). Labeler estimates are learned online — from gold questions mixed in at the
 * planned share and from agreement — by the same ItemRouter the engine runs live.
 */
import type { Answer } from '../quality/answers.js';
import { accuracyAgainst } from '../quality/posterior.js';
import type { ItemAggregate } from '../quality/result.js';
import { GoldMixer } from './gold-mixer.js';
import { ItemRouter } from './item-router.js';
import type { RoutingPolicy } from './policy.js';

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

export function simulateReplay(policy: RoutingPolicy, answers: readonly Answer[], options: ReplayOptions = {}): SimulationResult {
    const { truth, reestimateEvery = 25, topUpPasses = 2 } = options;
    const classes = options.classes ? [...options.classes] : [...new Set(answers.map((a) => a.label))].sort();
    if (classes.length < 2) throw new Error(`the answers use ${classes.length} label(s); give the task's label set (at least two classes)`);
    const router = new ItemRouter(policy, classes);

    // What each answerer really said about each item (a person answers an item once).
    const recorded = new Map<string, Map<string, string>>();
    for (const a of answers) {
        if (!classes.includes(a.label)) throw new Error(`item '${a.item}', worker '${a.worker}': label '${a.label}' is not one of ${classes.join(', ')}`);
        let said = recorded.get(a.item);
        if (!said) recorded.set(a.item, (said = new Map()));
        if (!said.has(a.worker)) said.set(a.worker, a.label);
    }
    const items = options.seed === undefined ? [...recorded.keys()] : shuffled([...recorded.keys()], options.seed);

    const byLabeler: SimulationResult['byLabeler'] = {};
    let cost = 0;
    /** Ask until the router says the item is done or nobody who answered it is left. */
    const work = (item: string) => {
        const said = recorded.get(item)!;
        const available = [...said.keys()];
        let asked = 0;
        for (let next = router.next(item, available); next; next = router.next(item, available)) {
            router.record(item, next.member, said.get(next.member)!);
            const spent = (byLabeler[next.labeler.name] ??= { answers: 0, cost: 0 });
            spent.answers++;
            spent.cost += next.labeler.cost;
            cost += next.labeler.cost;
            if (next.labeler.kind === 'human') asked++;
        }
        router.finish(item);
        return asked;
    };

    const mixer = new GoldMixer(policy.goldShare);
    items.forEach((item, n) => {
        const known = truth?.get(item);
        if (known !== undefined && classes.includes(known) && mixer.wantsGold()) router.markGold(item, known);
        mixer.record(router.isGold(item), work(item));
        if ((n + 1) % reestimateEvery === 0) router.reestimate();
    });
    for (let pass = 0; pass < topUpPasses; pass++) {
        router.reestimate();
        const open = items.filter((item) => !router.isGold(item) && !router.isDone(item) && router.answers(item).length < recorded.get(item)!.size);
        if (open.length === 0) break;
        open.forEach(work);
    }

    const final = router.aggregateAll();
    const labels = final.items.filter((l) => !router.isGold(l.item));
    router.reestimate();
    const labelsUsed = items.reduce((sum, item) => sum + router.answers(item).length, 0);
    const result: SimulationResult = {
        items: labels.length,
        goldItems: items.filter((item) => router.isGold(item)).length,
        goldShare: mixer.actualShare,
        labelsUsed,
        labelsAvailable: answers.length,
        cost: Math.round(cost * 1e6) / 1e6,
        reachedTarget: items.filter((item) => !router.isGold(item) && router.posterior(item).reduce((a, b) => Math.max(a, b), -Infinity) >= policy.target).length,
        byLabeler: Object.fromEntries(Object.entries(byLabeler).map(([name, { answers: n, cost: c }]) => [name, { answers: n, cost: Math.round(c * 1e6) / 1e6 }])),
        labels,
    };
    if (truth) {
        const { accuracy, scored } = accuracyAgainst(labels, truth);
        if (scored > 0) result.accuracy = accuracy;
    }
    return result;
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
