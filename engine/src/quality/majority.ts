/**
 * Majority vote. Ties are reported as ties (label null, the tied classes listed), never broken
 * silently; the confidence is the winning share of the votes.
 * Worker accuracy is agreement with the majority (a tie counts 1/k for each tied class).
 */
import type { EncodedAnswers } from './answers.js';
import { labelsFromPosterior } from './posterior.js';
import type { AggregationResult } from './result.js';

export function majorityVote(encoded: EncodedAnswers): AggregationResult {
    const I = encoded.items.length;
    const K = encoded.classes.length;
    const { itemOf, labelOf, workerOf, gold } = encoded;
    const votes = new Float64Array(I * K);
    const answersPerItem = new Float64Array(I);
    for (let a = 0; a < itemOf.length; a++) {
        votes[itemOf[a] * K + labelOf[a]]++;
        answersPerItem[itemOf[a]]++;
    }
    const posterior = new Float64Array(I * K);
    for (let i = 0; i < I; i++) {
        if (gold[i] >= 0) {
            posterior[i * K + gold[i]] = 1;
            continue;
        }
        const n = answersPerItem[i];
        for (let k = 0; k < K; k++) {
            posterior[i * K + k] = n > 0 ? votes[i * K + k] / n : 1 / K;
        }
    }
    // Each item's "winning" mass per class: 1/k for each of k tied top classes.
    const winShare = new Float64Array(I * K);
    for (let i = 0; i < I; i++) {
        let best = 0;
        for (let k = 0; k < K; k++) {
            best = Math.max(best, posterior[i * K + k]);
        }
        let tied = 0;
        for (let k = 0; k < K; k++) {
            if (posterior[i * K + k] === best) {
                tied++;
            }
        }
        for (let k = 0; k < K; k++) {
            if (posterior[i * K + k] === best) {
                winShare[i * K + k] = 1 / tied;
            }
        }
    }
    const agree = new Float64Array(encoded.workers.length);
    const count = new Float64Array(encoded.workers.length);
    for (let a = 0; a < itemOf.length; a++) {
        agree[workerOf[a]] += winShare[itemOf[a] * K + labelOf[a]];
        count[workerOf[a]]++;
    }
    const classPriors = new Array<number>(K).fill(0);
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            classPriors[k] += winShare[i * K + k] / I;
        }
    }
    return {
        method: 'majority',
        classes: encoded.classes,
        items: labelsFromPosterior(encoded, posterior),
        workers: encoded.workers.map((worker, w) => ({ worker, accuracy: count[w] ? agree[w] / count[w] : NaN, answers: count[w] })),
        posterior,
        classPriors,
    };
}
