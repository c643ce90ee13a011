/**
 * Can these labelers reach a quality target? The best any routing can do is to ask the most
 * accurate answers available, up to the label limit, and take the Bayes decision: this computes
 * that accuracy (labelers answer independently, a wrong answer is any other class alike), then
 * applies the floor (items on which everyone is misled). With declared accuracies and no floor it
 * is an upper bound — so "unreachable" is a safe thing to say at compile time.
 */
import { floorConfidence } from './calibration.js';
import { seededRng } from '../learning/random.js';

export interface ReachableLabeler {
    /** Probability of a right answer, in (0, 1]. */
    accuracy: number;
    /** Distinct answers it can give one item: a pool of people gives up to its size, a model or rule set 1. */
    answers: number;
}

export interface Reachability {
    /** Best expected accuracy with at most `maxLabels` answers per item. */
    best: number;
    reachable: boolean;
    /** The fewest answers per item whose best accuracy reaches the target (when reachable). */
    answersNeeded?: number;
}

/** Monte-Carlo draws per answer count: standard error ≤ 0.0035, and the same every run (seeded). */
const DRAWS = 20_000;

export function reachableAccuracy(
    labelers: readonly ReachableLabeler[],
    K: number,
    maxLabels: number,
    target: number,
    floor = 0,
): Reachability {
    if (K < 2) {
        throw new Error(`reachability needs at least two classes, got ${K}`);
    }
    const slots = labelers
        .flatMap((l) => Array.from({ length: Math.max(0, Math.floor(l.answers)) }, () => l.accuracy))
        .sort((a, b) => b - a)
        .slice(0, maxLabels);
    let best = 1 / K;
    let answersNeeded: number | undefined;
    for (let n = 1; n <= slots.length; n++) {
        const accuracy = floorConfidence(bayesAccuracy(slots.slice(0, n), K), floor, K);
        best = Math.max(best, accuracy);
        if (answersNeeded === undefined && accuracy >= target) {
            answersNeeded = n;
        }
    }
    return { best, reachable: answersNeeded !== undefined, ...(answersNeeded !== undefined ? { answersNeeded } : {}) };
}

/** Expected accuracy of the Bayes decision over independent one-coin answers (truth: class 0, by symmetry). */
export function bayesAccuracy(accuracies: readonly number[], K: number): number {
    const clamp = (p: number) => Math.min(Math.max(p, 1e-9), 1 - 1e-9);
    const right = accuracies.map((p) => Math.log(clamp(p)));
    const wrong = accuracies.map((p) => Math.log((1 - clamp(p)) / (K - 1)));
    const random = seededRng(20261130);
    const score = new Float64Array(K);
    let correct = 0;
    for (let d = 0; d < DRAWS; d++) {
        score.fill(0);
        accuracies.forEach((p, j) => {
            const answer = random() < p ? 0 : 1 + Math.floor(random() * (K - 1));
            for (let k = 0; k < K; k++) {
                score[k] += k === answer ? right[j] : wrong[j];
            }
        });
        let top = -Infinity;
        for (let k = 0; k < K; k++) {
            top = Math.max(top, score[k]);
        }
        let tied = 0;
        for (let k = 0; k < K; k++) {
            if (score[k] >= top - 1e-12) {
                tied++;
            }
        }
        if (score[0] >= top - 1e-12) {
            correct += 1 / tied;
        }
    }
    return correct / DRAWS;
}
