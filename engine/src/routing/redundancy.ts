/**
 * How many answers an item needs: an exact calculation, before any label is bought, from the
 * labelers' accuracies. Each answer is modelled one-coin (right with probability a, otherwise one
 * of the other classes uniformly); answers are added in ask order until the leading class's
 * posterior reaches the target or the label limit is hit. Pure: the compiler calls it for plan estimates.
 */

export interface Answerer {
    /** Probability of a right answer, in (0, 1). */
    accuracy: number;
    /** Money per answer (default 0). */
    cost?: number;
}

export interface RedundancyInput {
    /** Who answers, in ask order; the last one keeps answering (a pool) once the list runs out. */
    answerers: readonly Answerer[];
    /** Number of classes (≥ 2). */
    classes: number;
    /** The posterior an item must reach, in (0, 1). */
    target: number;
    /** At most this many answers per item (≥ 1). */
    maxLabels: number;
}

export interface RedundancyEstimate {
    /** Fewest answers that can reach the target (all agreeing); null when even that cannot within maxLabels. */
    minAnswers: number | null;
    /** Most answers any item can use (≤ maxLabels). */
    maxAnswers: number;
    /** Expected answers per item. */
    meanAnswers: number;
    /** Expected money per item. */
    meanCost: number;
    /** Probability that an item's posterior reaches the target. */
    reachProbability: number;
    /** Expected accuracy of the final label (ties split evenly). */
    accuracy: number;
}

/** Above this many distinct states the scores are merged on a coarser grid (an approximation). */
const EXACT_STATE_LIMIT = 50_000;

export function estimateRedundancy(input: RedundancyInput): RedundancyEstimate {
    const { answerers, classes: K, target, maxLabels } = input;
    if (!(K >= 2 && Number.isInteger(K))) throw new Error(`classes must be a whole number ≥ 2, got ${K}`);
    if (!(target > 0 && target < 1)) throw new Error(`target must be in (0, 1), got ${target}`);
    if (!(maxLabels >= 1 && Number.isInteger(maxLabels))) throw new Error(`maxLabels must be a whole number ≥ 1, got ${maxLabels}`);
    if (answerers.length === 0) throw new Error('at least one answerer is needed');
    for (const a of answerers) if (!(a.accuracy > 0 && a.accuracy < 1)) throw new Error(`accuracy must be in (0, 1), got ${a.accuracy}`);
    const at = (j: number) => answerers[Math.min(j, answerers.length - 1)];

    // A state: the true class's log-score, the others' (sorted, by symmetry) and its probability.
    type State = { truth: number; others: number[]; p: number };
    let states: State[] = [{ truth: 0, others: new Array(K - 1).fill(0), p: 1 }];
    let meanAnswers = 0;
    let meanCost = 0;
    let reach = 0;
    let accuracy = 0;
    let maxAnswers = 0;
    const finish = (s: State, reached: boolean) => {
        if (reached) reach += s.p;
        const top = s.others.reduce((a, b) => Math.max(a, b), s.truth);
        if (s.truth === top) accuracy += s.p / (1 + s.others.filter((o) => o === top).length);
    };
    for (let j = 0; j < maxLabels && states.length > 0; j++) {
        const { accuracy: a, cost = 0 } = at(j);
        const weight = Math.log((a * (K - 1)) / (1 - a));
        const alive = states.reduce((sum, s) => sum + s.p, 0);
        meanAnswers += alive;
        meanCost += alive * cost;
        maxAnswers = j + 1;
        const next = new Map<string, State>();
        const grid = states.length > EXACT_STATE_LIMIT ? 1e2 : 1e9;
        const add = (truth: number, others: number[], p: number) => {
            others.sort((x, y) => y - x);
            const key = [truth, ...others].map((v) => Math.round(v * grid)).join(',');
            const existing = next.get(key);
            if (existing) existing.p += p;
            else next.set(key, { truth, others, p });
        };
        for (const s of states) {
            add(s.truth + weight, [...s.others], s.p * a);
            for (let o = 0; o < K - 1; o++) {
                const others = [...s.others];
                others[o] += weight;
                add(s.truth, others, (s.p * (1 - a)) / (K - 1));
            }
        }
        states = [];
        for (const s of next.values()) {
            if (leadingPosterior(s.truth, s.others) >= target) finish(s, true);
            else if (j + 1 === maxLabels) finish(s, false);
            else states.push(s);
        }
    }
    return { minAnswers: minimumAnswers(input), maxAnswers, meanAnswers, meanCost, reachProbability: reach, accuracy };
}

/** The leading class's posterior given log-scores (uniform class prior). */
function leadingPosterior(truth: number, others: readonly number[]): number {
    const top = others.reduce((a, b) => Math.max(a, b), truth);
    let sum = Math.exp(truth - top);
    for (const o of others) sum += Math.exp(o - top);
    return 1 / sum;
}

/** Unanimous answers needed to reach the target. */
function minimumAnswers({ answerers, classes: K, target, maxLabels }: RedundancyInput): number | null {
    let score = 0;
    for (let j = 0; j < maxLabels; j++) {
        const { accuracy: a } = answerers[Math.min(j, answerers.length - 1)];
        score += Math.log((a * (K - 1)) / (1 - a));
        if (leadingPosterior(score, new Array(K - 1).fill(0)) >= target) return j + 1;
    }
    return null;
}
