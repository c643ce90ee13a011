/**
 * What we believe about each labeler (a person, a model, a rule set): a confusion matrix
 * P(answers l | true class k) held as Dirichlet counts, so it starts at the declared accuracy prior
 * and moves with evidence — gold answers (the true class is known) and agreement (the true class
 * is the item's posterior). Updates are incremental: one call per answer as labels arrive.
 */
import type { EncodedAnswers } from './answers.js';
import { calibratePosterior } from './calibrated-posterior.js';
import { calibratedRow, priorCalibration, type Calibration } from './calibration.js';

export interface LabelerPrior {
    /** Believed probability of a right answer before any evidence. */
    accuracy: number;
    /** How many answers' worth of evidence the prior is worth. Default 4. */
    strength?: number;
}

/** A labeler's estimate as stored: probabilities by class name, `n` answers of evidence. */
export interface EstimateRecord {
    labeler: string;
    accuracy: number;
    /** confusion[true class][answered class], rows sum to 1. */
    confusion?: Record<string, Record<string, number>>;
    n: number;
}

export class LabelerEstimates {
    /** Per labeler: K × K counts [true][answered], prior included. */
    private readonly counts = new Map<string, Float64Array>();
    private readonly observed = new Map<string, { gold: number; agreement: number }>();
    /** Per item in the last rebuild: its posterior row and who answered it (their counts include it). */
    private readonly contributions = new Map<string, { row: Float64Array; labelers: Set<string> }>();
    /** Class frequencies, used to weight per-class accuracies. */
    classPriors: Float64Array;
    /** How item posteriors are tempered and floored; refit by `rebuild`, the prior floor until then. */
    calibration: Calibration = priorCalibration;

    constructor(
        readonly classes: readonly string[],
        private readonly priorOf: (labeler: string) => LabelerPrior,
    ) {
        this.classPriors = new Float64Array(classes.length).fill(1 / classes.length);
    }

    private countsOf(labeler: string): Float64Array {
        let counts = this.counts.get(labeler);
        if (!counts) {
            counts = this.priorCounts(labeler);
            this.counts.set(labeler, counts);
            this.observed.set(labeler, { gold: 0, agreement: 0 });
        }
        return counts;
    }

    private priorCounts(labeler: string): Float64Array {
        const K = this.classes.length;
        const { accuracy, strength = 4 } = this.priorOf(labeler);
        const counts = new Float64Array(K * K);
        for (let k = 0; k < K; k++) {
            for (let l = 0; l < K; l++) {
                counts[k * K + l] = strength * (k === l ? accuracy : (1 - accuracy) / Math.max(1, K - 1));
            }
        }
        return counts;
    }

    /**
     * The prior's pseudo-counts of each of `labelers` (labelers × K × K, [true][answered]): what a MAP fit
     * over their answers starts from (`EmPrior.confusion`, em.ts), so that a fit over few answers stays near
     * what was declared.
     */
    priorFor(labelers: readonly string[]): Float64Array {
        const KK = this.classes.length ** 2;
        const prior = new Float64Array(labelers.length * KK);
        labelers.forEach((labeler, w) => prior.set(this.priorCounts(labeler), w * KK));
        return prior;
    }

    /** A gold answer: the labeler said `answered` where the truth is `truth` (class ids). */
    observeGold(labeler: string, truth: number, answered: number): void {
        this.countsOf(labeler)[truth * this.classes.length + answered] += 1;
        this.observed.get(labeler)!.gold++;
    }

    /** Agreement evidence: the labeler said `answered` on an item whose class posterior is `posterior`. */
    observeAgreement(labeler: string, posterior: ArrayLike<number>, answered: number, weight = 1): void {
        const K = this.classes.length;
        const counts = this.countsOf(labeler);
        for (let k = 0; k < K; k++) {
            counts[k * K + answered] += weight * posterior[k];
        }
        this.observed.get(labeler)!.agreement += weight;
    }

    /**
     * Replaces all agreement evidence by a batch estimate: prior + soft counts from the item
     * posteriors of an aggregation run (gold items are one-hot there, so they count as gold), and
     * refits the calibration: the temperature from held-out answers, the floor from the gold
     * questions (`encoded.gold`).
     */
    rebuild(encoded: EncodedAnswers, posterior: Float64Array, classPriors?: ArrayLike<number>): void {
        const K = this.classes.length;
        this.counts.clear();
        this.observed.clear();
        this.contributions.clear();
        const { itemOf, workerOf, labelOf, gold } = encoded;
        for (let a = 0; a < itemOf.length; a++) {
            const labeler = encoded.workers[workerOf[a]];
            const i = itemOf[a];
            const row = posterior.subarray(i * K, (i + 1) * K);
            if (gold[i] >= 0) {
                this.observeGold(labeler, gold[i], labelOf[a]);
            } else {
                this.observeAgreement(labeler, row, labelOf[a]);
            }
            const item = encoded.items[i];
            const own = this.contributions.get(item) ?? { row: Float64Array.from(row), labelers: new Set<string>() };
            own.labelers.add(labeler);
            this.contributions.set(item, own);
        }
        if (classPriors) {
            this.classPriors = Float64Array.from(classPriors);
        }
        // `posterior` is an EM fit: no refinement steps needed for the temperature and the floor.
        if (itemOf.length > 0) {
            this.calibration = calibratePosterior(encoded, posterior, { refinements: 0 }).calibration;
        }
    }

    /** Row-normalised confusion matrix (the Dirichlet mean). */
    confusion(labeler: string): Float64Array {
        const K = this.classes.length;
        const out = Float64Array.from(this.counts.get(labeler) ?? this.priorCounts(labeler));
        for (let k = 0; k < K; k++) {
            let sum = 0;
            for (let l = 0; l < K; l++) {
                sum += out[k * K + l];
            }
            for (let l = 0; l < K; l++) {
                out[k * K + l] /= sum;
            }
        }
        return out;
    }

    /** Expected probability of a right answer: Σ_k prior_k · confusion[k][k]. */
    accuracy(labeler: string): number {
        const K = this.classes.length;
        const confusion = this.confusion(labeler);
        let accuracy = 0;
        for (let k = 0; k < K; k++) {
            accuracy += this.classPriors[k] * confusion[k * K + k];
        }
        return accuracy;
    }

    /** How much evidence (gold answers, agreement weight) the estimate has beyond its prior. */
    evidence(labeler: string): { gold: number; agreement: number } {
        return { ...(this.observed.get(labeler) ?? { gold: 0, agreement: 0 }) };
    }

    labelers(): string[] {
        return [...this.counts.keys()];
    }

    /** Every estimate as plain records (the label store's shape): accuracy, confusion by class name, evidence. */
    toRecords(): EstimateRecord[] {
        return this.labelers().map((labeler) => {
            const K = this.classes.length;
            const matrix = this.confusion(labeler);
            const confusion: Record<string, Record<string, number>> = {};
            this.classes.forEach((truth, k) => {
                confusion[truth] = Object.fromEntries(this.classes.map((given, l) => [given, matrix[k * K + l]]));
            });
            const { gold, agreement } = this.evidence(labeler);
            return { labeler, accuracy: this.accuracy(labeler), confusion, n: gold + agreement };
        });
    }

    /**
     * Restores stored records, e.g. when labeling resumes: each confusion row becomes Dirichlet
     * counts worth its share of the record's evidence, on top of the prior.
     */
    restore(records: readonly EstimateRecord[]): void {
        const K = this.classes.length;
        for (const { labeler, confusion, n } of records) {
            const counts = this.priorCounts(labeler);
            if (confusion) {
                this.classes.forEach((truth, k) => {
                    let sum = 0;
                    for (let l = 0; l < K; l++) {
                        sum += counts[k * K + l];
                    }
                    const weight = sum + n / K;
                    this.classes.forEach((given, l) => (counts[k * K + l] = weight * (confusion[truth]?.[given] ?? 0)));
                });
            }
            this.counts.set(labeler, counts);
            this.observed.set(labeler, { gold: 0, agreement: n });
        }
    }

    /**
     * Calibrated class posterior of one item given answers [labeler, class id]: prior_k · Π
     * confusion[k][answer], the evidence tempered and the result floored (`calibration`). With
     * `item`, that item's own share of the last rebuild is left out of its answerers' matrices (its
     * answers must not vouch for themselves). With `oneCoin`, each labeler's single accuracy is used.
     */
    itemPosterior(answers: readonly (readonly [string, number])[], oneCoin = false, item?: string): Float64Array {
        const K = this.classes.length;
        const logPrior = new Float64Array(K);
        for (let k = 0; k < K; k++) {
            logPrior[k] = Math.log(this.classPriors[k]);
        }
        const evidence = new Float64Array(K);
        const own = item === undefined ? undefined : this.contributions.get(item);
        for (const [labeler, answered] of answers) {
            if (oneCoin) {
                const p = Math.min(Math.max(this.accuracy(labeler), 1e-6), 1 - 1e-6);
                for (let k = 0; k < K; k++) {
                    evidence[k] += Math.log(k === answered ? p : (1 - p) / Math.max(1, K - 1));
                }
                continue;
            }
            const counts = this.counts.get(labeler) ?? this.priorCounts(labeler);
            const self = own?.labelers.has(labeler) ? own.row : undefined;
            for (let k = 0; k < K; k++) {
                let total = 0;
                for (let l = 0; l < K; l++) {
                    total += counts[k * K + l];
                }
                const leftOut = self ? self[k] : 0;
                evidence[k] += Math.log(Math.max(counts[k * K + answered] - leftOut, 1e-9) / Math.max(total - leftOut, 1e-9));
            }
        }
        return calibratedRow(logPrior, evidence, this.calibration);
    }
}
