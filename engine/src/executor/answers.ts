/** Combining the answers an item gets along its route into one answer with a confidence. */
import type { Label } from '../store/types.js';

/**
 * An answer along an item's route: a stored label's value and labeler, with a score that is always
 * there (a rule's or model's confidence, 1 for a person). Not the crowd `Answer` of quality/answers.ts,
 * which is one worker's categorical answer ready to be encoded for aggregation.
 */
export type ScoredAnswer = Pick<Label, 'value' | 'labeler'> & { score: number };

/**
 * The item's answer so far. For a choice among K classes, answers are combined as one-coin votes
 * (each right with its confidence, wrong answers spread evenly over the other classes), so a rule
 * and a model that agree are surer together than either alone; otherwise the surest answer stands.
 */
export function combine(given: readonly ScoredAnswer[], classes: number): ScoredAnswer {
    const surest = given.reduce((a, b) => (b.score > a.score ? b : a));
    if (given.length === 1 || classes < 2 || given.some((g) => typeof g.value !== 'string' && typeof g.value !== 'boolean')) {
        return surest;
    }
    const values = [...new Set(given.map((g) => String(g.value)))];
    const logLikelihood = (candidate: string) =>
        given.reduce((sum, g) => {
            const p = Math.min(Math.max(g.score, 1e-6), 1 - 1e-6);
            return sum + Math.log(String(g.value) === candidate ? p : (1 - p) / (classes - 1));
        }, 0);
    // Classes nobody answered share one likelihood; there are classes - values.length of them.
    const unseen = classes - values.length;
    const scores = values.map(logLikelihood);
    const unseenScore = given.reduce((sum, g) => sum + Math.log((1 - Math.min(Math.max(g.score, 1e-6), 1 - 1e-6)) / (classes - 1)), 0);
    // `top` only keeps exp() in range: any start near the maximum gives the same posterior.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, see above
    const top = scores.reduce((a, b) => Math.max(a, b), unseen > 0 ? unseenScore : -Infinity);
    const total = scores.reduce((s, x) => s + Math.exp(x - top), 0) + unseen * Math.exp(unseenScore - top);
    const best = scores.indexOf(scores.reduce((a, b) => Math.max(a, b), -Infinity));
    const winner = given.find((g) => String(g.value) === values[best])!;
    return {
        value: winner.value,
        score: Math.exp(scores[best] - top) / total,
        labeler: given.map((g) => g.labeler).join('+'),
    };
}

/** The most recent of some labels. */
export function latestHuman(labels: readonly Label[]): Label | undefined {
    return [...labels].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
}
