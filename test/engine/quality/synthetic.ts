/**
 * Synthetic crowds with known truth: items with true classes, workers with known confusion
 * matrices, each item answered by `perItem` distinct workers. Seeded, so every run is the same.
 * Emits integer ids directly (no strings), so the million-answer benchmark measures aggregation.
 */
import { encodedFromIds, type Answer, type EncodedAnswers } from '../../../engine/src/quality/answers.js';

export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
}

export interface SyntheticCrowd {
    encoded: EncodedAnswers;
    truth: Int32Array;
    /** workers × K × K true confusion matrices. */
    confusion: Float64Array;
    classPriors: Float64Array;
}

export interface CrowdSpec {
    items: number;
    workers: number;
    classes: number;
    perItem: number;
    seed: number;
    /** Worker w's accuracy; errors spread uniformly over the other classes unless `confusionOf` is given. */
    accuracyOf?: (w: number, random: () => number) => number;
    /** Full confusion row for true class k of worker w (overrides accuracyOf). */
    confusionOf?: (w: number, k: number) => number[];
}

export function syntheticCrowd(spec: CrowdSpec): SyntheticCrowd {
    const { items: I, workers: W, classes: K, perItem, seed } = spec;
    const random = seededRandom(seed);
    const confusion = new Float64Array(W * K * K);
    for (let w = 0; w < W; w++) {
        const p = spec.accuracyOf ? spec.accuracyOf(w, random) : 0.5 + 0.45 * random();
        for (let k = 0; k < K; k++) {
            const row = spec.confusionOf ? spec.confusionOf(w, k) : Array.from({ length: K }, (_, l) => (l === k ? p : (1 - p) / (K - 1)));
            row.forEach((v, l) => (confusion[(w * K + k) * K + l] = v));
        }
    }
    const classPriors = new Float64Array(K).fill(1 / K);
    const truth = new Int32Array(I);
    const n = I * perItem;
    const itemOf = new Int32Array(n);
    const workerOf = new Int32Array(n);
    const labelOf = new Int32Array(n);
    const chosen = new Int32Array(perItem);
    let a = 0;
    for (let i = 0; i < I; i++) {
        truth[i] = Math.floor(random() * K);
        // perItem distinct workers, by rejection (perItem ≪ W).
        for (let j = 0; j < perItem; j++) {
            let w: number;
            do {
                w = Math.floor(random() * W);
            } while (chosen.subarray(0, j).includes(w));
            chosen[j] = w;
            const row = (w * K + truth[i]) * K;
            let u = random();
            let l = 0;
            while (l < K - 1 && u >= confusion[row + l]) {
                u -= confusion[row + l++];
            }
            itemOf[a] = i;
            workerOf[a] = w;
            labelOf[a] = l;
            a++;
        }
    }
    return { encoded: encodedFromIds({ items: I, workers: W, classes: K }, itemOf, workerOf, labelOf), truth, confusion, classPriors };
}

/** The best any aggregator can do: the Bayes decision with the true confusions and priors. */
export function bayesOptimalAccuracy(crowd: SyntheticCrowd): number {
    const { encoded, truth, confusion, classPriors } = crowd;
    const K = encoded.classes.length;
    const I = encoded.items.length;
    const log = new Float64Array(I * K);
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            log[i * K + k] = Math.log(classPriors[k]);
        }
    }
    for (let a = 0; a < encoded.itemOf.length; a++) {
        const base = encoded.workerOf[a] * K * K + encoded.labelOf[a];
        for (let k = 0; k < K; k++) {
            log[encoded.itemOf[a] * K + k] += Math.log(confusion[base + k * K]);
        }
    }
    return accuracyOfScores(log, truth, K);
}

/** Share of items whose highest score is the true class (ties count 1/k). */
export function accuracyOfScores(scores: Float64Array, truth: Int32Array, K: number): number {
    let right = 0;
    for (let i = 0; i < truth.length; i++) {
        let best = -Infinity;
        for (let k = 0; k < K; k++) {
            best = Math.max(best, scores[i * K + k]);
        }
        let tied = 0;
        for (let k = 0; k < K; k++) {
            if (scores[i * K + k] === best) {
                tied++;
            }
        }
        if (scores[i * K + truth[i]] === best) {
            right += 1 / tied;
        }
    }
    return right / truth.length;
}

/** `per` answers of each item, chosen at random (what routing sees: a few answers per item). */
export function subsampleAnswers(answers: readonly Answer[], per: number, seed: number): Answer[] {
    const random = seededRandom(seed);
    const byItem = new Map<string, Answer[]>();
    for (const a of answers) {
        byItem.set(a.item, [...(byItem.get(a.item) ?? []), a]);
    }
    return [...byItem.values()].flatMap((list) =>
        list
            .map((a) => ({ a, r: random() }))
            .sort((x, y) => x.r - y.r)
            .slice(0, per)
            .map(({ a }) => a),
    );
}
