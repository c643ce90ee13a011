/**
 * MACE, Multi-Annotator Competence Estimation (Hovy et al. 2013; as in Crowd-Kit, variational
 * Bayes): on each item a worker either knows (with probability θ_j, and answers the truth) or
 * guesses from their own strategy ξ_j over the classes. So P(answer l | truth k) =
 * θ_j·[l = k] + (1 − θ_j)·ξ_j[l]. θ_j has a Beta(α, β) prior and ξ_j a symmetric Dirichlet(γ);
 * EM starts from the soft majority vote (deterministic: no random restarts).
 */
import type { EncodedAnswers } from './answers.js';
import { digamma } from './digamma.js';
import { fixGold, hasConverged, softMajority } from './em.js';
import { labelsFromPosterior } from './posterior.js';
import type { AggregationResult } from './result.js';

export interface MaceOptions {
    /** Default 50 (Crowd-Kit's n_iter). */
    maxIterations?: number;
    tolerance?: number;
    /** Beta prior on competence θ. Default 0.5, 0.5 (Crowd-Kit's alpha, beta). */
    alpha?: number;
    beta?: number;
    /** Dirichlet prior on the guessing strategy. Default 1. */
    gamma?: number;
}

interface MaceModel {
    /** Per worker: weight of "knows" and of "guesses" (sub-normalised under variational Bayes). */
    knows: Float64Array;
    guesses: Float64Array;
    /** workers × classes: guessing strategy weights. */
    strategy: Float64Array;
}

export function mace(encoded: EncodedAnswers, options: MaceOptions = {}): AggregationResult {
    const { maxIterations = 50, tolerance = 1e-7 } = options;
    const posterior = softMajority(encoded);
    let model = maximisation(encoded, posterior, initialModel(encoded), options);
    let previous = -Infinity;
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
        iterations++;
        const logLikelihood = expectation(encoded, model, posterior);
        model = maximisation(encoded, posterior, model, options);
        if (hasConverged(previous, logLikelihood, tolerance)) {
            converged = true;
            break;
        }
        previous = logLikelihood;
    }
    return result(encoded, posterior, model, iterations, converged);
}

function initialModel(encoded: EncodedAnswers): MaceModel {
    const W = encoded.workers.length;
    const K = encoded.classes.length;
    return { knows: new Float64Array(W).fill(0.5), guesses: new Float64Array(W).fill(0.5), strategy: new Float64Array(W * K).fill(1 / K) };
}

/** Posterior of every item's class (uniform class prior, as in MACE); returns the log-likelihood. */
function expectation(encoded: EncodedAnswers, model: MaceModel, posterior: Float64Array): number {
    const K = encoded.classes.length;
    const I = encoded.items.length;
    const { itemOf, workerOf, labelOf } = encoded;
    posterior.fill(0);
    // log P(l | k) is log(guess·ξ[l]) for every k, plus a bonus on k = l: O(1) per answer.
    const base = new Float64Array(I);
    for (let a = 0; a < itemOf.length; a++) {
        const w = workerOf[a];
        const l = labelOf[a];
        const guess = model.guesses[w] * model.strategy[w * K + l];
        base[itemOf[a]] += Math.log(guess);
        posterior[itemOf[a] * K + l] += Math.log((model.knows[w] + guess) / guess);
    }
    let logLikelihood = 0;
    for (let i = 0; i < I; i++) {
        const row = i * K;
        let max = -Infinity;
        for (let k = 0; k < K; k++) {
            max = Math.max(max, posterior[row + k]);
        }
        let sum = 0;
        for (let k = 0; k < K; k++) {
            sum += posterior[row + k] = Math.exp(posterior[row + k] - max);
        }
        for (let k = 0; k < K; k++) {
            posterior[row + k] /= sum;
        }
        logLikelihood += base[i] + max + Math.log(sum / K);
    }
    fixGold(encoded, posterior);
    return logLikelihood;
}

/** Expected "knew" and "guessed" counts per worker, then the variational-Bayes update. */
function maximisation(encoded: EncodedAnswers, posterior: Float64Array, model: MaceModel, options: MaceOptions): MaceModel {
    const { alpha = 0.5, beta = 0.5, gamma = 1 } = options;
    const K = encoded.classes.length;
    const W = encoded.workers.length;
    const knew = new Float64Array(W);
    const answered = new Float64Array(W);
    const guessed = new Float64Array(W * K);
    const { itemOf, workerOf, labelOf } = encoded;
    for (let a = 0; a < itemOf.length; a++) {
        const w = workerOf[a];
        const l = labelOf[a];
        const guess = model.guesses[w] * model.strategy[w * K + l];
        const know = (posterior[itemOf[a] * K + l] * model.knows[w]) / (model.knows[w] + guess);
        knew[w] += know;
        answered[w]++;
        guessed[w * K + l] += 1 - know;
    }
    const next: MaceModel = { knows: new Float64Array(W), guesses: new Float64Array(W), strategy: new Float64Array(W * K) };
    for (let w = 0; w < W; w++) {
        const total = digamma(answered[w] + alpha + beta);
        next.knows[w] = Math.exp(digamma(knew[w] + alpha) - total);
        next.guesses[w] = Math.exp(digamma(answered[w] - knew[w] + beta) - total);
        let sum = 0;
        for (let k = 0; k < K; k++) {
            sum += guessed[w * K + k] + gamma;
        }
        for (let k = 0; k < K; k++) {
            next.strategy[w * K + k] = Math.exp(digamma(guessed[w * K + k] + gamma) - digamma(sum));
        }
    }
    return next;
}

/** Worker accuracy: P(knows) + P(guesses) · Σ_k prior_k · ξ[k], with the weights normalised. */
function result(
    encoded: EncodedAnswers,
    posterior: Float64Array,
    model: MaceModel,
    iterations: number,
    converged: boolean,
): AggregationResult {
    const K = encoded.classes.length;
    const I = encoded.items.length;
    const classPriors = new Array<number>(K).fill(0);
    for (let i = 0; i < I; i++) {
        for (let k = 0; k < K; k++) {
            classPriors[k] += posterior[i * K + k] / I;
        }
    }
    const answers = new Float64Array(encoded.workers.length);
    for (let a = 0; a < encoded.workerOf.length; a++) {
        answers[encoded.workerOf[a]]++;
    }
    return {
        method: 'mace',
        classes: encoded.classes,
        items: labelsFromPosterior(encoded, posterior),
        workers: encoded.workers.map((worker, w) => {
            const theta = model.knows[w] / (model.knows[w] + model.guesses[w]);
            let strategySum = 0;
            let luck = 0;
            for (let k = 0; k < K; k++) {
                strategySum += model.strategy[w * K + k];
            }
            for (let k = 0; k < K; k++) {
                luck += (classPriors[k] * model.strategy[w * K + k]) / strategySum;
            }
            return { worker, accuracy: theta + (1 - theta) * luck, answers: answers[w] };
        }),
        posterior,
        classPriors,
        iterations,
        converged,
    };
}
