/** Turning per-item class posteriors into labels, and scoring labels against gold. */
import type { EncodedAnswers } from './answers.js';
import type { ItemAggregate } from './result.js';

/** Classes whose posterior is within this of the best are tied. */
const TIE_TOLERANCE = 1e-9;

/** The label of every item from its posterior row; equal top classes are a tie (label null). */
export function labelsFromPosterior(encoded: EncodedAnswers, posterior: Float64Array): ItemAggregate[] {
    const K = encoded.classes.length;
    return encoded.items.map((item, i) => {
        const row = posterior.subarray(i * K, (i + 1) * K);
        let best = 0;
        for (let k = 1; k < K; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        const tied: number[] = [];
        for (let k = 0; k < K; k++) {
            if (row[best] - row[k] <= TIE_TOLERANCE) {
                tied.push(k);
            }
        }
        const gold = encoded.gold[i] >= 0 ? { gold: true } : {};
        if (tied.length > 1) {
            return { item, label: null, confidence: row[best], tie: tied.map((k) => encoded.classes[k]), ...gold };
        }
        return { item, label: encoded.classes[best], confidence: row[best], ...gold };
    });
}

/**
 * Accuracy of aggregated labels against known answers, over the items that have one.
 * A tie among k classes that includes the right one counts 1/k (a tie split at random, in expectation).
 */
export function accuracyAgainst(
    labels: readonly ItemAggregate[],
    truth: ReadonlyMap<string, string>,
): { accuracy: number; scored: number } {
    let correct = 0;
    let scored = 0;
    for (const { item, label, tie } of labels) {
        const right = truth.get(item);
        if (right === undefined) {
            continue;
        }
        scored++;
        if (tie) {
            correct += tie.includes(right) ? 1 / tie.length : 0;
        } else if (label === right) {
            correct++;
        }
    }
    return { accuracy: scored ? correct / scored : NaN, scored };
}
