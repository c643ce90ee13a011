/**
 * The arithmetic behind every confidence dprog reports, against values worked by hand (or SciPy for
 * ψ and the Beta quantiles): the floor and its inverse, a calibrated row, the floor fitted from gold,
 * the accuracy estimate and its interval, and turning a posterior into labels.
 */
import { describe, expect, it } from 'vitest';
import { estimateAccuracy, targetReached } from '../../../engine/src/quality/accuracy-estimate.js';
import { encodedFromIds } from '../../../engine/src/quality/answers.js';
import {
    applyFloor,
    calibratedRow,
    confidenceCeiling,
    fitFloor,
    floorConfidence,
    noCalibration,
    priorCalibration,
    unfloorConfidence,
    type Calibration,
} from '../../../engine/src/quality/calibration.js';
import { digamma } from '../../../engine/src/quality/digamma.js';
import { accuracyAgainst, labelsFromPosterior } from '../../../engine/src/quality/posterior.js';

const calibration = (floor: number, floorRange: [number, number], temperature = 1): Calibration => ({
    temperature,
    floor,
    floorRange,
    gold: { questions: 7, misled: 0.5 },
});

describe('digamma (MACE’s variational update)', () => {
    it('matches SciPy below, at and above the switch to the asymptotic series', () => {
        const scipy: [number, number][] = [
            [0.5, -1.9635100260214235],
            [1, -0.5772156649015329],
            [2, 0.42278433509846713],
            [3.7, 1.1671535393615113],
            [6, 1.7061176684318005],
            [10, 2.251752589066721],
            [100, 4.600161852738088],
        ];
        for (const [x, psi] of scipy) {
            expect(digamma(x)).toBeCloseTo(psi, 10);
        }
    });
});

describe('the floor: with probability ε the crowd is misled', () => {
    it('mixes a class probability with the other classes’ share: (1 − ε)p + ε(1 − p)/(K − 1)', () => {
        expect(floorConfidence(1, 0.1, 2)).toBeCloseTo(0.9, 12);
        expect(floorConfidence(0.8, 0.1, 3)).toBeCloseTo(0.72 + 0.01, 12);
        expect(floorConfidence(0, 0.1, 5)).toBeCloseTo(0.025, 12);
        expect(floorConfidence(0.5, 0.2, 1)).toBeCloseTo(0.5, 12); // one class: the mixture is over itself
    });

    it('is undone by unfloorConfidence, which clamps what no floored probability can be to [0, 1]', () => {
        for (const K of [2, 3, 4]) {
            for (const p of [0, 0.3, 0.75, 1]) {
                expect(unfloorConfidence(floorConfidence(p, 0.05, K), 0.05, K)).toBeCloseTo(p, 12);
            }
        }
        expect(unfloorConfidence(0.999, 0.1, 2)).toBe(1);
        expect(unfloorConfidence(0.05, 0.1, 2)).toBe(0);
        expect(unfloorConfidence(0.6, 0, 2)).toBeCloseTo(0.6, 12);
    });

    it('applies to a whole row in place, and leaves a row alone with no floor or a single class', () => {
        const row = Float64Array.from([0.9, 0.1]);
        expect(applyFloor(row, 0.1)).toBe(row);
        expect([...row].map((p) => Number(p.toFixed(12)))).toEqual([0.82, 0.18]);
        expect([...applyFloor(Float64Array.from([0.7, 0.2, 0.1]), 0.2)].map((p) => Number(p.toFixed(12)))).toEqual([0.59, 0.24, 0.17]);
        expect([...applyFloor(Float64Array.from([0.9, 0.1]), 0)]).toEqual([0.9, 0.1]);
        expect([...applyFloor(Float64Array.from([1]), 0.1)]).toEqual([1]);
    });

    it('caps the confidence any item reaches at 1 − ε', () => {
        expect(confidenceCeiling(calibration(0.04, [0.01, 0.09]))).toBeCloseTo(0.96, 12);
        expect(confidenceCeiling(noCalibration)).toBe(1);
    });
});

describe('a calibrated row: prior + τ·evidence, normalised, then floored', () => {
    const half = Math.log(0.5);

    it('normalises the evidence under the prior (worked: 1 : 3 evidence on an even prior is 0.25 : 0.75)', () => {
        const row = calibratedRow([half, half], [0, Math.log(3)], noCalibration);
        expect(row[0]).toBeCloseTo(0.25, 12);
        expect(row[1]).toBeCloseTo(0.75, 12);
        const skewed = calibratedRow([Math.log(0.75), Math.log(0.25)], [0, Math.log(3)], noCalibration);
        expect(skewed[0]).toBeCloseTo(0.5, 12);
    });

    it('tempers the evidence: at τ = ½ a 1 : 9 likelihood ratio counts as 1 : 3', () => {
        const row = calibratedRow([half, half], [Math.log(0.1), Math.log(0.9)], calibration(0, [0, 0], 0.5));
        expect(row[1]).toBeCloseTo(0.75, 12);
    });

    it('stays finite when the evidence is overwhelming, and floors the result (the floor argument wins)', () => {
        const sure = calibratedRow([half, half], [-2000, 0], calibration(0.05, [0.01, 0.1]));
        expect(sure[1]).toBeCloseTo(0.95, 12);
        expect(sure[0]).toBeCloseTo(0.05, 12);
        const unfloored = calibratedRow([half, half], [-2000, 0], calibration(0.05, [0.01, 0.1]), 0);
        expect(unfloored[1]).toBe(1);
    });
});

describe('the floor fitted from planted gold questions', () => {
    it('with no gold is the Beta(1, 39) prior: mean 2.5%, 90% of it between 0.13% and 7.4% (SciPy)', () => {
        const prior = fitFloor([], 3, 0.85);
        expect(prior.temperature).toBe(0.85);
        expect(prior.floor).toBeCloseTo(0.025, 3);
        expect(prior.floorRange[0] - 0.0013143).toBeLessThan(0.00125); // the first grid step (of 0.00125) past each quantile
        expect(prior.floorRange[0] - 0.0013143).toBeGreaterThanOrEqual(0);
        expect(prior.floorRange[1]).toBeCloseTo(0.0739376, 2);
        expect(prior.floorRange[1] - 0.0739376).toBeLessThan(0.00125);
        expect(prior.floorRange[1] - 0.0739376).toBeGreaterThanOrEqual(0);
        expect(prior.gold).toEqual({ questions: 0, misled: 0 });
        expect(priorCalibration.temperature).toBe(1);
    });

    it('counts a gold question’s wrong-class probability as misled, and the share of other classes over K − 1', () => {
        const cases = [
            { row: [0.2, 0.7, 0.1], truth: 1 },
            { row: [0.6, 0.3, 0.1], truth: 0 },
        ];
        expect(fitFloor(cases, 3, 1).gold).toEqual({ questions: 2, misled: expect.closeTo(0.3 + 0.4, 12) });
        // Gold questions the answers call at 90% for a wrong class are evidence for a floor, more so with K = 2
        // than with K = 3 (there the floor's mass spreads over two other classes: 0.1 + 0.8ε against 0.1 + 0.35ε).
        const wrong = (K: number) =>
            fitFloor(
                Array.from({ length: 20 }, () => ({ row: [0.1, 0.9, 0], truth: 0 })),
                K,
                1,
            ).floor;
        expect(wrong(2)).toBeGreaterThan(0.2);
        expect(wrong(3)).toBeGreaterThan(0.1);
        expect(wrong(2)).toBeGreaterThan(wrong(3));
    });
});

describe('the accuracy estimate: mean confidence and a 90% interval', () => {
    it('is the mean, ± 1.645 Poisson-binomial standard deviations with no floor uncertainty (worked: 100 items at 0.9)', () => {
        const estimate = estimateAccuracy(new Array(100).fill(0.9), calibration(0, [0, 0]), 2);
        expect(estimate.estimatedAccuracy).toBeCloseTo(0.9, 12);
        expect(estimate.accuracyInterval[0]).toBeCloseTo(0.8506543911914559, 12);
        expect(estimate.accuracyInterval[1]).toBeCloseTo(0.9493456088085441, 12);
        expect(estimate.items).toBe(100);
        expect(estimate.goldQuestions).toBe(7);
    });

    it('widens by the floor’s range: the mean recomputed at its 5% and 95% quantiles (worked: floor 5% in [1%, 10%])', () => {
        const estimate = estimateAccuracy(new Array(100).fill(0.9), calibration(0.05, [0.01, 0.1]), 2);
        expect(estimate.estimatedAccuracy).toBeCloseTo(0.9, 12);
        expect(estimate.accuracyInterval[0]).toBeCloseTo(0.8062099467470115, 12);
        expect(estimate.accuracyInterval[1]).toBeCloseTo(0.9849011643640997, 12);
    });

    it('never leaves [0, 1], and with no labelled item says nothing (NaN, the whole range)', () => {
        const sure = estimateAccuracy([0.999, 0.999], calibration(0.001, [0, 0.05]), 2);
        expect(sure.accuracyInterval[1]).toBe(1);
        const poor = estimateAccuracy([0.01, 0.02], calibration(0.001, [0, 0.05]), 2);
        expect(poor.accuracyInterval[0]).toBe(0);
        const none = estimateAccuracy([], calibration(0.05, [0.01, 0.1]), 2);
        expect(none).toEqual({ estimatedAccuracy: NaN, accuracyInterval: [0, 1], items: 0, goldQuestions: 7 });
        expect(targetReached(none, 0)).toBe(false);
    });

    it('says the target is reached only when the interval’s lower end reaches it (equal counts)', () => {
        const estimate = { estimatedAccuracy: 0.9, accuracyInterval: [0.85, 0.95] as [number, number], items: 10, goldQuestions: 0 };
        expect(targetReached(estimate, 0.85)).toBe(true);
        expect(targetReached(estimate, 0.8500001)).toBe(false);
        expect(targetReached(estimate, 0.9)).toBe(false);
    });
});

describe('labels from a posterior', () => {
    const encoded = (rows: number, gold: number[] = []) => {
        const e = encodedFromIds({ items: rows, workers: 1, classes: 3 }, new Int32Array(0), new Int32Array(0), new Int32Array(0));
        gold.forEach((g, i) => (e.gold[i] = g));
        return e;
    };

    it('labels each item with its most probable class and that probability as confidence', () => {
        const posterior = Float64Array.from([0.2, 0.5, 0.3, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1]);
        expect(labelsFromPosterior(encoded(3), posterior)).toEqual([
            { item: '0', label: '1', confidence: 0.5 },
            { item: '1', label: '2', confidence: 0.8 },
            { item: '2', label: '0', confidence: 0.6 },
        ]);
    });

    it('calls classes within 1e-9 of the best a tie (label null, the tied classes listed), and marks gold items', () => {
        const posterior = Float64Array.from([0.4, 0.2, 0.4, 0.5, 0.5 - 1e-10, 0, 0.5, 0.5 - 1e-8, 0]);
        const labels = labelsFromPosterior(encoded(3, [-1, -1, 0]), posterior);
        expect(labels[0]).toEqual({ item: '0', label: null, confidence: 0.4, tie: ['0', '2'] });
        expect(labels[1]).toMatchObject({ label: null, tie: ['0', '1'] });
        expect(labels[2]).toEqual({ item: '2', label: '0', confidence: 0.5, gold: true });
    });

    it('scores labels against the truth it has, a tie that holds the truth as 1/k', () => {
        const labels = [
            { item: 'a', label: 'x', confidence: 1 },
            { item: 'b', label: 'y', confidence: 1 },
            { item: 'c', label: null, confidence: 0.5, tie: ['x', 'y'] },
            { item: 'd', label: null, confidence: 0.5, tie: ['y', 'z'] },
            { item: 'e', label: 'x', confidence: 1 },
        ];
        const truth = new Map([
            ['a', 'x'],
            ['b', 'x'],
            ['c', 'x'],
            ['d', 'x'],
        ]);
        expect(accuracyAgainst(labels, truth)).toEqual({ accuracy: 1.5 / 4, scored: 4 });
        expect(accuracyAgainst(labels, new Map())).toEqual({ accuracy: NaN, scored: 0 });
    });
});
