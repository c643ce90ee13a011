/**
 * Which labeler answers an item next. A candidate is one concrete answerer: a member of a human
 * pool (a person) or a model/rules labeler itself. Estimates are per answerer.
 */
import type { LabelerEstimates } from '../quality/labeler-estimates.js';
import type { RoutedLabeler, RoutingPolicy } from './policy.js';

export interface Candidate {
    labeler: RoutedLabeler;
    /** Who answers: a person of the labeler's pool, or the labeler's own name. */
    member: string;
}

/** Free labelers get this cost so "accuracy per cost" stays finite and ranks them first. */
const FREE = 1e-9;

/**
 * Which labeler is asked:
 * `best`: the labeler with the highest expected accuracy above chance per unit cost (above chance,
 * because a coin flip that costs little is still worth nothing).
 * `cascade`: the first labeler in route order not yet asked for this item; when every labeler has
 * answered once, the last labeler in the route that still has someone left (so a trailing human
 * pool keeps answering until the target or the label limit).
 *
 * Which person of a pool: the first available one, in the order they came (live: whoever is
 * there; replay: the recorded order), skipping people estimated at or below chance. The router
 * does not pick the person with the best estimate: estimates from a few answers are inflated by
 * luck, and concentrating work on a few people makes their errors the item's errors.
 */
export function chooseNext(
    policy: RoutingPolicy,
    candidates: readonly Candidate[],
    askedLabelers: ReadonlySet<string>,
    estimates: LabelerEstimates,
): Candidate | undefined {
    const chance = 1 / Math.max(2, estimates.classes.length);
    const useful = candidates.filter((c) => c.labeler.kind !== 'human' || estimates.accuracy(c.member) > chance);
    if (useful.length === 0) {
        return undefined;
    }
    const labelers = policy.labelers.filter((l) => useful.some((c) => c.labeler.name === l.name));
    const firstOf = (name: string) => useful.find((c) => c.labeler.name === name)!;
    if (policy.strategy === 'best') {
        const value = (l: RoutedLabeler) => (estimates.accuracy(firstOf(l.name).member) - chance) / Math.max(l.cost, FREE);
        const ranked = labelers.map((l) => ({ l, v: value(l) })).sort((a, b) => b.v - a.v);
        return firstOf(ranked[0].l.name);
    }
    const fresh = labelers.find((l) => !askedLabelers.has(l.name));
    return firstOf((fresh ?? labelers[labelers.length - 1]).name);
}
