/**
 * MACE against a plain reference written from the model (Hovy et al. 2013, variational Bayes as in
 * Crowd-Kit): a worker knows the truth with weight θ or guesses from their strategy ξ, so
 * P(answer l | truth k) ∝ θ·[l = k] + (1 − θ)·ξ[l]; Beta(α, β) on θ, Dirichlet(γ) on ξ; EM from the
 * soft majority vote; worker accuracy θ + (1 − θ)·Σ_k prior_k·ξ[k]. Tight agreement on a small crowd,
 * with the default priors and with others.
 */
import { describe, expect, it } from 'vitest';
import type { EncodedAnswers } from '../../../engine/src/quality/answers.js';
import { digamma } from '../../../engine/src/quality/digamma.js';
import { softMajority } from '../../../engine/src/quality/em.js';
import { mace, type MaceOptions } from '../../../engine/src/quality/mace.js';
import { syntheticCrowd } from './synthetic.js';

interface Worker {
    knows: number;
    guesses: number;
    strategy: number[];
}

function referenceMace(encoded: EncodedAnswers, options: Required<MaceOptions>) {
    const { alpha, beta, gamma, maxIterations, tolerance } = options;
    const K = encoded.classes.length;
    const answers = Array.from(encoded.itemOf, (i, a) => ({ i, w: encoded.workerOf[a], l: encoded.labelOf[a] }));
    const start = softMajority(encoded);
    let posterior = encoded.items.map((_, i) => Array.from(start.subarray(i * K, (i + 1) * K)));
    let workers: Worker[] = encoded.workers.map(() => ({ knows: 0.5, guesses: 0.5, strategy: new Array<number>(K).fill(1 / K) }));
    const update = () => {
        workers = workers.map((worker, w) => {
            const mine = answers.filter((a) => a.w === w);
            const know = mine.map(({ i, l }) => (posterior[i][l] * worker.knows) / (worker.knows + worker.guesses * worker.strategy[l]));
            const knew = know.reduce((s, x) => s + x, 0);
            const guessed = Array.from({ length: K }, (_, l) => mine.reduce((s, a, j) => s + (a.l === l ? 1 - know[j] : 0), 0));
            const total = digamma(mine.length + alpha + beta);
            const all = digamma(guessed.reduce((s, g) => s + g + gamma, 0));
            return {
                knows: Math.exp(digamma(knew + alpha) - total),
                guesses: Math.exp(digamma(mine.length - knew + beta) - total),
                strategy: guessed.map((g) => Math.exp(digamma(g + gamma) - all)),
            };
        });
    };
    update();
    let previous = -Infinity;
    let iterations = 0;
    while (iterations < maxIterations) {
        iterations++;
        let logLikelihood = 0;
        posterior = encoded.items.map((_, i) => {
            const likelihood = Array.from({ length: K }, (_, k) =>
                answers
                    .filter((a) => a.i === i)
                    .reduce((p, { w, l }) => p * ((l === k ? workers[w].knows : 0) + workers[w].guesses * workers[w].strategy[l]), 1),
            );
            const sum = likelihood.reduce((s, x) => s + x, 0);
            logLikelihood += Math.log(sum / K);
            const gold = encoded.gold[i];
            return gold >= 0 ? likelihood.map((_, k) => (k === gold ? 1 : 0)) : likelihood.map((x) => x / sum);
        });
        update();
        if (Number.isFinite(previous) && Math.abs(logLikelihood - previous) <= tolerance * Math.max(1, Math.abs(logLikelihood))) {
            break;
        }
        previous = logLikelihood;
    }
    const priors = Array.from({ length: K }, (_, k) => posterior.reduce((s, row) => s + row[k], 0) / posterior.length);
    const accuracy = workers.map(({ knows, guesses, strategy }) => {
        const theta = knows / (knows + guesses);
        const sum = strategy.reduce((s, x) => s + x, 0);
        return theta + (1 - theta) * strategy.reduce((s, x, k) => s + (priors[k] * x) / sum, 0);
    });
    return { posterior, priors, accuracy, iterations };
}

/** 60 items, 3 classes, 5 answers each from 8 workers, two of them spammers who always answer the first class. */
function crowd(): EncodedAnswers {
    const { encoded, truth } = syntheticCrowd({
        items: 60,
        workers: 8,
        classes: 3,
        perItem: 5,
        seed: 31,
        confusionOf: (w, k) => (w < 2 ? [1, 0, 0] : [0, 1, 2].map((l) => (l === k ? 0.75 : 0.125))),
    });
    return { ...encoded, gold: Int32Array.from(truth, (t, i) => (i % 12 === 0 ? t : -1)) };
}

const defaults: Required<MaceOptions> = { alpha: 0.5, beta: 0.5, gamma: 1, maxIterations: 50, tolerance: 1e-7 };

describe('MACE against the reference', () => {
    it.each([
        ['the default priors', {}],
        [
            'a prior that believes in competence, a peaked strategy prior, few iterations',
            { alpha: 4, beta: 1, gamma: 0.2, maxIterations: 3 },
        ],
        ['a loose tolerance', { tolerance: 1e-2 }],
    ])('agrees with %s on every posterior, worker accuracy and class frequency', (_, options: MaceOptions) => {
        const encoded = crowd();
        const expected = referenceMace(encoded, { ...defaults, ...options });
        const actual = mace(encoded, options);
        expect(actual.iterations).toBe(expected.iterations);
        expected.posterior.forEach((row, i) => row.forEach((p, k) => expect(actual.posterior[i * 3 + k]).toBeCloseTo(p, 9)));
        actual.workers.forEach((w, j) => expect(w.accuracy).toBeCloseTo(expected.accuracy[j], 9));
        actual.classPriors.forEach((p, k) => expect(p).toBeCloseTo(expected.priors[k], 9));
    });

    it('finds the spammers and stops when converged', () => {
        const result = mace(crowd());
        expect(result.converged).toBe(true);
        expect(result.iterations).toBeLessThan(50);
        expect(Math.max(result.workers[0].accuracy, result.workers[1].accuracy)).toBeLessThan(
            Math.min(...result.workers.slice(2).map((w) => w.accuracy)),
        );
        expect(result.items.filter((i) => i.gold)).toHaveLength(5);
    });
});
