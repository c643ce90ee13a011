/**
 * The calibrated posterior against a plain reference implementation of what calibrated-posterior.ts
 * says it computes: a Bayesian Dawid-Skene pass whose confusion priors are the crowd's pooled matrix,
 * each item judged by matrices that leave its own answers out (here with exact logarithms, no series),
 * the evidence tempered by the temperature that best predicts held-out answers, and floored by the
 * floor the planted gold questions give.
 */
import { describe, expect, it } from 'vitest';
import type { EncodedAnswers } from '../../../engine/src/quality/answers.js';
import { calibratePosterior } from '../../../engine/src/quality/calibrated-posterior.js';
import { applyFloor, fitFloor } from '../../../engine/src/quality/calibration.js';
import { softMajority } from '../../../engine/src/quality/em.js';
import { syntheticCrowd } from './synthetic.js';

interface Fit {
    logPrior: number[];
    evidence: number[][];
    /** [worker][true][answered] counts with the prior, and their row sums. */
    counts: number[][][];
    rows: number[][];
}

/** Leave-one-out evidence, written out: every log taken exactly. */
function referenceFit(encoded: EncodedAnswers, soft: Float64Array, priorAccuracy = 0.7, priorStrength = 4): Fit {
    const K = encoded.classes.length;
    const W = encoded.workers.length;
    const I = encoded.items.length;
    const { itemOf, workerOf, labelOf } = encoded;
    const counts = Array.from({ length: W }, () => Array.from({ length: K }, () => new Array<number>(K).fill(0)));
    for (let a = 0; a < itemOf.length; a++) {
        for (let k = 0; k < K; k++) {
            counts[workerOf[a]][k][labelOf[a]] += soft[itemOf[a] * K + k];
        }
    }
    const pooled = Array.from({ length: K }, (_, k) =>
        Array.from(
            { length: K },
            (_, l) => (k === l ? priorAccuracy : (1 - priorAccuracy) / (K - 1)) + counts.reduce((s, c) => s + c[k][l], 0),
        ),
    );
    const prior = pooled.map((row) => row.map((v) => (v * priorStrength) / row.reduce((s, x) => s + x, 0)));
    counts.forEach((c) => c.forEach((row, k) => row.forEach((_, l) => (row[l] += prior[k][l]))));
    const rows = counts.map((c) => c.map((row) => row.reduce((s, x) => s + x, 0)));
    const logPrior = Array.from({ length: K }, (_, k) => {
        let mass = 0;
        for (let i = 0; i < I; i++) {
            mass += soft[i * K + k];
        }
        return Math.log((mass + 1) / (I + K));
    });
    const evidence = Array.from({ length: I }, () => new Array<number>(K).fill(0));
    for (let a = 0; a < itemOf.length; a++) {
        const [i, w, l] = [itemOf[a], workerOf[a], labelOf[a]];
        for (let k = 0; k < K; k++) {
            const s = soft[i * K + k];
            evidence[i][k] += Math.log((counts[w][k][l] - s) / (rows[w][k] - s));
        }
    }
    return { logPrior, evidence, counts, rows };
}

function softmax(logits: number[]): number[] {
    const max = Math.max(...logits);
    const e = logits.map((x) => Math.exp(x - max));
    const sum = e.reduce((s, x) => s + x, 0);
    return e.map((x) => x / sum);
}

const rowOf = (fit: Fit, i: number, t: number) => softmax(fit.logPrior.map((p, k) => p + t * fit.evidence[i][k]));

/** The grid temperature (1, 0.95, …, 0.05; the first best) that best predicts every answer from the rest of its item. */
function referenceTemperature(encoded: EncodedAnswers, soft: Float64Array, fit: Fit): number {
    const K = encoded.classes.length;
    const grid = Array.from({ length: 20 }, (_, g) => 1 - g * 0.05);
    const score = grid.map(() => 0);
    for (let a = 0; a < encoded.itemOf.length; a++) {
        const [i, w, l] = [encoded.itemOf[a], encoded.workerOf[a], encoded.labelOf[a]];
        const theta = fit.counts[w].map((row, k) => (row[l] - soft[i * K + k]) / (fit.rows[w][k] - soft[i * K + k]));
        const cavity = fit.evidence[i].map((e, k) => e - Math.log(theta[k]));
        grid.forEach((t, g) => {
            const p = softmax(fit.logPrior.map((lp, k) => lp + t * cavity[k]));
            score[g] += Math.log(p.reduce((s, x, k) => s + x * theta[k], 0));
        });
    }
    return grid[score.indexOf(Math.max(...score))];
}

function reference(encoded: EncodedAnswers, start: Float64Array, refinements: number) {
    const K = encoded.classes.length;
    const { gold } = encoded;
    let soft = start;
    for (let step = 0; step < refinements; step++) {
        const fit = referenceFit(encoded, soft);
        soft = Float64Array.from(encoded.items.flatMap((_, i) => (gold[i] >= 0 ? oneHot(gold[i], K) : rowOf(fit, i, 1))));
    }
    const fit = referenceFit(encoded, soft);
    const temperature = referenceTemperature(encoded, soft, fit);
    const cases = encoded.items.flatMap((_, i) => (gold[i] >= 0 ? [{ row: rowOf(fit, i, temperature), truth: gold[i] }] : []));
    const calibration = fitFloor(cases, K, temperature);
    const posterior = encoded.items.map((_, i) =>
        gold[i] >= 0 ? oneHot(gold[i], K) : [...applyFloor(Float64Array.from(rowOf(fit, i, temperature)), calibration.floor)],
    );
    return { posterior, calibration };
}

const oneHot = (k: number, K: number) => Array.from({ length: K }, (_, l) => (l === k ? 1 : 0));

/** 200 items, 3 classes, 4 answers each from 30 workers (so some cells are small and some large), every 10th item gold. */
function crowd(): EncodedAnswers {
    const { encoded, truth } = syntheticCrowd({ items: 200, workers: 30, classes: 3, perItem: 4, seed: 12 });
    const gold = Int32Array.from(truth, (t, i) => (i % 10 === 0 ? t : -1));
    return { ...encoded, gold };
}

describe('the calibrated posterior', () => {
    it.each([0, 2])('matches the reference with %i refinement steps (temperature, floor and every item’s row)', (refinements) => {
        const encoded = crowd();
        const start = softMajority(encoded);
        const expected = reference(encoded, start, refinements);
        const actual = calibratePosterior(encoded, start, { refinements });
        expect(actual.calibration.temperature).toBe(expected.calibration.temperature);
        expect(actual.calibration.floor).toBeCloseTo(expected.calibration.floor, 3);
        expect(actual.calibration.gold.questions).toBe(20);
        let worst = 0;
        expected.posterior.forEach((row, i) => row.forEach((p, k) => (worst = Math.max(worst, Math.abs(actual.posterior[i * 3 + k] - p)))));
        expect(worst).toBeLessThan(2e-4); // the series for large counts is within 4e-5 here
    });

    it('gives gold items their known class and every other item a distribution', () => {
        const encoded = crowd();
        const { posterior } = calibratePosterior(encoded, softMajority(encoded));
        for (let i = 0; i < encoded.items.length; i++) {
            const row = [...posterior.subarray(i * 3, i * 3 + 3)];
            expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
            if (encoded.gold[i] >= 0) {
                expect(row).toEqual(oneHot(encoded.gold[i], 3));
            }
        }
    });

    it('trusts a stronger labeler prior more: a higher prior accuracy makes lone answers surer', () => {
        const encoded = crowd();
        const start = softMajority(encoded);
        const mean = (o: Parameters<typeof calibratePosterior>[2]) => {
            const { posterior } = calibratePosterior(encoded, start, { refinements: 0, ...o });
            return encoded.items.reduce((s, _, i) => s + Math.max(...posterior.subarray(i * 3, i * 3 + 3)), 0) / encoded.items.length;
        };
        expect(mean({ priorAccuracy: 0.9, priorStrength: 50 })).toBeGreaterThan(mean({ priorAccuracy: 0.5, priorStrength: 50 }));
    });
});
