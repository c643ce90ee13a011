/**
 * Wawa, "worker agreement with aggregate" (as in Crowd-Kit): majority vote, then each worker's
 * skill is their share of answers that agree with it (a tie counts 1/k), then a vote weighted by
 * skill. The posterior is each class's share of the weighted vote; equal top shares stay a tie.
 */
import type { EncodedAnswers } from './answers.js';
import { fixGold } from './em.js';
import { majorityVote } from './majority.js';
import { labelsFromPosterior } from './posterior.js';
import type { AggregationResult } from './result.js';

export function wawa(encoded: EncodedAnswers): AggregationResult {
    const K = encoded.classes.length;
    const I = encoded.items.length;
    const majority = majorityVote(encoded);
    const skill = majority.workers.map((w) => (Number.isFinite(w.accuracy) ? w.accuracy : 0));
    const { itemOf, workerOf, labelOf } = encoded;
    const posterior = new Float64Array(I * K);
    for (let a = 0; a < itemOf.length; a++) {
        posterior[itemOf[a] * K + labelOf[a]] += skill[workerOf[a]];
    }
    for (let i = 0; i < I; i++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
            sum += posterior[i * K + k];
        }
        for (let k = 0; k < K; k++) {
            posterior[i * K + k] = sum > 0 ? posterior[i * K + k] / sum : 1 / K;
        }
    }
    fixGold(encoded, posterior);
    const classPriors = new Array<number>(K).fill(0);
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            classPriors[k] += posterior[i * K + k] / I;
        }
    }
    return {
        method: 'wawa',
        classes: encoded.classes,
        items: labelsFromPosterior(encoded, posterior),
        workers: majority.workers.map((w, j) => ({ worker: w.worker, accuracy: skill[j], answers: w.answers })),
        posterior,
        classPriors,
    };
}
