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
 * `best`: the candidate with the highest expected accuracy above chance per unit cost (above chance,
 * because a coin flip that costs little is still worth nothing).
 * `cascade`: the first labeler in route order not yet asked for this item; when every labeler has
 * answered once, the last labeler in the route that still has someone left (so a trailing human
 * pool keeps answering until the target or the label limit). Within a labeler, its most reliable member.
 */
export function chooseNext(
    policy: RoutingPolicy,
    candidates: readonly Candidate[],
    askedLabelers: ReadonlySet<string>,
    estimates: LabelerEstimates,
): Candidate | undefined {
    if (candidates.length === 0) return undefined;
    const chance = 1 / Math.max(2, estimates.classes.length);
    const accuracy = new Map(candidates.map((c) => [c.member, estimates.accuracy(c.member)]));
    const byReliability = (a: Candidate, b: Candidate) => accuracy.get(b.member)! - accuracy.get(a.member)! || (a.member < b.member ? -1 : 1);
    if (policy.strategy === 'best') {
        const value = (c: Candidate) => (accuracy.get(c.member)! - chance) / Math.max(c.labeler.cost, FREE);
        return [...candidates].sort((a, b) => value(b) - value(a) || byReliability(a, b))[0];
    }
    const route = policy.labelers.map((l) => l.name);
    const fresh = route.find((name) => !askedLabelers.has(name) && candidates.some((c) => c.labeler.name === name));
    const chosen = fresh ?? [...route].reverse().find((name) => candidates.some((c) => c.labeler.name === name));
    return candidates.filter((c) => c.labeler.name === chosen).sort(byReliability)[0];
}
