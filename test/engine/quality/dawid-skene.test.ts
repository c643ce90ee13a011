import { describe, expect, it } from 'vitest';
import { encodedFromIds } from '../../../engine/src/quality/answers.js';
import { dawidSkene } from '../../../engine/src/quality/dawid-skene.js';
import { majorityVote } from '../../../engine/src/quality/majority.js';
import { oneCoin } from '../../../engine/src/quality/one-coin.js';
import { accuracyOfScores, bayesOptimalAccuracy, syntheticCrowd } from './synthetic.js';

describe('Dawid-Skene', () => {
    it('comes within a hair of the Bayes-optimal accuracy and beats majority vote', () => {
        const crowd = syntheticCrowd({ items: 2000, workers: 50, classes: 3, perItem: 5, seed: 7 });
        const ds = dawidSkene(crowd.encoded);
        const best = bayesOptimalAccuracy(crowd);
        const accuracy = accuracyOfScores(ds.posterior, crowd.truth, 3);
        expect(accuracy).toBeGreaterThan(best - 0.01);
        expect(accuracy).toBeGreaterThan(accuracyOfScores(majorityVote(crowd.encoded).posterior, crowd.truth, 3) + 0.01);
        expect(ds.converged).toBe(true);
    });

    it('recovers full confusion matrices, including a worker who systematically swaps two classes', () => {
        // Worker 0 answers class 1 for class 0 and class 0 for class 1; everyone else is 85% right.
        const swap = [
            [0.05, 0.9, 0.05],
            [0.9, 0.05, 0.05],
            [0.05, 0.05, 0.9],
        ];
        const crowd = syntheticCrowd({
            items: 3000,
            workers: 20,
            classes: 3,
            perItem: 6,
            seed: 3,
            confusionOf: (w, k) => (w === 0 ? swap[k] : [0, 1, 2].map((l) => (l === k ? 0.85 : 0.075))),
        });
        const ds = dawidSkene(crowd.encoded);
        const swapper = ds.workers[0].confusion!;
        for (let k = 0; k < 3; k++) {
            for (let l = 0; l < 3; l++) {
                expect(swapper[k][l]).toBeCloseTo(swap[k][l], 1);
            }
        }
        expect(ds.workers[0].accuracy).toBeCloseTo((0.05 + 0.05 + 0.9) / 3, 1);
        // Its answers still inform (a swap is as informative as a right answer), unlike for one-coin.
        expect(accuracyOfScores(ds.posterior, crowd.truth, 3)).toBeGreaterThan(
            accuracyOfScores(oneCoin(crowd.encoded).posterior, crowd.truth, 3),
        );
    });

    it('keeps gold items fixed, and gold anchors the estimates when most workers are adversarial', () => {
        // 7 of 10 workers answer the wrong class 80% of the time: the majority is wrong, EM from
        // majority starts in the mirrored solution — unless gold says which way round it is.
        const crowd = syntheticCrowd({
            items: 1000,
            workers: 10,
            classes: 2,
            perItem: 5,
            seed: 11,
            accuracyOf: (w) => (w < 7 ? 0.2 : 0.9),
        });
        const withoutGold = dawidSkene(crowd.encoded);
        const gold = new Int32Array(1000).fill(-1);
        for (let i = 0; i < 50; i++) {
            gold[i] = crowd.truth[i];
        }
        const { itemOf, workerOf, labelOf } = crowd.encoded;
        const withGold = dawidSkene(encodedFromIds({ items: 1000, workers: 10, classes: 2 }, itemOf, workerOf, labelOf, gold));
        for (let i = 0; i < 50; i++) {
            expect(withGold.posterior[i * 2 + crowd.truth[i]]).toBe(1);
            expect(withGold.items[i]).toMatchObject({ gold: true, confidence: 1 });
        }
        const rest = (posterior: Float64Array) => accuracyOfScores(posterior.subarray(100), crowd.truth.subarray(50), 2);
        expect(rest(withoutGold.posterior)).toBeLessThan(0.3);
        expect(rest(withGold.posterior)).toBeGreaterThan(0.9);
    });

    it('stops at the tolerance: a looser tolerance runs fewer iterations', () => {
        const crowd = syntheticCrowd({ items: 500, workers: 30, classes: 4, perItem: 4, seed: 5 });
        const tight = dawidSkene(crowd.encoded, { tolerance: 1e-10 });
        const loose = dawidSkene(crowd.encoded, { tolerance: 1e-3 });
        expect(loose.iterations!).toBeLessThan(tight.iterations!);
        expect(dawidSkene(crowd.encoded, { maxIterations: 2 })).toMatchObject({ iterations: 2, converged: false });
    });

    it('continues from a previous posterior as answers arrive (warm start) to the same answer', () => {
        const crowd = syntheticCrowd({ items: 800, workers: 40, classes: 2, perItem: 5, seed: 9 });
        const cold = dawidSkene(crowd.encoded, { tolerance: 1e-9 });
        const warm = dawidSkene(crowd.encoded, { initialPosterior: cold.posterior, tolerance: 1e-9 });
        expect(warm.iterations!).toBeLessThan(cold.iterations!);
        expect(warm.items.map((i) => i.label)).toEqual(cold.items.map((i) => i.label));
    });
});

describe('one-coin', () => {
    it('does not flip to the mirrored solution when a few gold items anchor the start (2% gold)', () => {
        const crowd = syntheticCrowd({ items: 1000, workers: 40, classes: 2, perItem: 3, seed: 21, accuracyOf: () => 0.8 });
        const gold = Int32Array.from(crowd.truth, (t, i) => (i % 50 === 0 ? t : -1));
        const encoded = { ...crowd.encoded, gold };
        const result = oneCoin(encoded);
        expect(accuracyOfScores(result.posterior, crowd.truth, 2)).toBeGreaterThan(0.85);
        for (const w of result.workers) {
            expect(w.accuracy).toBeGreaterThan(0.5);
        }
    });
});
