/**
 * `choices<L>` (multi-label): each member of L is its own yes/no question. A worker who answered
 * an item said "yes" to the members in their set and "no" to every other member; each member is
 * aggregated with the chosen method, and the item's set is the members whose posterior of "yes"
 * wins. Worker accuracy is averaged over the members.
 */
import { encodeAnswers } from './answers.js';
import { aggregate } from './aggregate.js';
import type { EmOptions } from './em.js';
import type { AggregationMethod } from './result.js';

export interface SetAnswer {
    item: string;
    worker: string;
    /** The members the worker chose (possibly none). */
    labels: readonly string[];
}

export interface MemberVerdict {
    member: string;
    /** null when majority vote ties on this member. */
    present: boolean | null;
    /** Posterior probability of the verdict (of "present" for a tie). */
    confidence: number;
}

export interface SetAggregate {
    item: string;
    /** The members aggregated as present (ties left out and listed in `tied`). */
    labels: string[];
    /** Probability the whole set is right (members taken as independent). */
    confidence: number;
    members: MemberVerdict[];
    tied?: string[];
}

export interface ChoicesResult {
    method: AggregationMethod;
    members: string[];
    items: SetAggregate[];
    workers: { worker: string; accuracy: number; answers: number }[];
}

export function aggregateChoices(
    answers: readonly SetAnswer[],
    method: AggregationMethod,
    options: EmOptions & { members?: readonly string[]; gold?: ReadonlyMap<string, readonly string[]> } = {},
): ChoicesResult {
    const members = options.members ? [...options.members] : [...new Set(answers.flatMap((a) => a.labels))].sort();
    const known = new Set(members);
    for (const a of answers) {
        for (const l of a.labels) {
            if (!known.has(l)) {
                throw new Error(`item '${a.item}', worker '${a.worker}': '${l}' is not one of ${members.join(', ')}`);
            }
        }
    }
    const items = new Map<string, SetAggregate>();
    const workers = new Map<string, { sum: number; answers: number }>();
    for (const member of members) {
        const binary = answers.map((a) => ({ item: a.item, worker: a.worker, label: a.labels.includes(member) ? 'yes' : 'no' }));
        const gold = options.gold && new Map([...options.gold].map(([item, set]) => [item, set.includes(member) ? 'yes' : 'no']));
        const result = aggregate(method, encodeAnswers(binary, { classes: ['no', 'yes'], gold }), options);
        for (const r of result.items) {
            let agg = items.get(r.item);
            if (!agg) {
                items.set(r.item, (agg = { item: r.item, labels: [], confidence: 1, members: [] }));
            }
            const present = r.label === null ? null : r.label === 'yes';
            agg.members.push({ member, present, confidence: r.confidence });
            agg.confidence *= r.confidence;
            if (present) {
                agg.labels.push(member);
            }
            if (present === null) {
                (agg.tied ??= []).push(member);
            }
        }
        for (const w of result.workers) {
            const acc = workers.get(w.worker) ?? { sum: 0, answers: w.answers };
            acc.sum += w.accuracy;
            workers.set(w.worker, acc);
        }
    }
    return {
        method,
        members,
        items: [...items.values()],
        workers: [...workers].map(([worker, { sum, answers: n }]) => ({ worker, accuracy: sum / members.length, answers: n })),
    };
}
