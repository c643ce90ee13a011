import { describe, expect, it } from 'vitest';
import { floorConfidence, noCalibration, priorCalibration } from '../../../engine/src/quality/calibration.js';
import { LabelerEstimates } from '../../../engine/src/quality/labeler-estimates.js';

describe('labeler estimates', () => {
    const classes = ['no', 'yes'];

    it('starts at the declared prior and moves with gold answers, incrementally', () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.7, strength: 4 }));
        expect(estimates.accuracy('ann')).toBeCloseTo(0.7, 12);
        for (let n = 0; n < 20; n++) {
            estimates.observeGold('ann', n % 2, n % 2);
        }
        // Dirichlet mean per class: the prior is 4 answers per row (2.8 right, 1.2 wrong), plus 10 right.
        expect(estimates.accuracy('ann')).toBeCloseTo((2.8 + 10) / 14, 12);
        for (let n = 0; n < 20; n++) {
            estimates.observeGold('bob', n % 2, 1 - (n % 2));
        }
        expect(estimates.accuracy('bob')).toBeLessThan(0.2);
        expect(estimates.evidence('ann')).toEqual({ gold: 20, agreement: 0 });
    });

    it('keeps a full confusion matrix: a labeler who says "yes" to everything is right on yes and wrong on no', () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.7 }));
        for (let n = 0; n < 50; n++) {
            estimates.observeGold('yea', n % 2, 1);
        }
        const confusion = estimates.confusion('yea');
        expect(confusion[0 * 2 + 1]).toBeGreaterThan(0.9); // true no → answered yes
        expect(confusion[1 * 2 + 1]).toBeGreaterThan(0.9); // true yes → answered yes
        // Its "yes" carries no information, so an item it calls yes stays near the prior.
        expect(estimates.itemPosterior([['yea', 1]])[1]).toBeCloseTo(0.5, 1);
    });

    it('learns from agreement with soft posteriors', () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.6 }));
        for (let n = 0; n < 30; n++) {
            estimates.observeAgreement('cat', [0.1, 0.9], 1);
        }
        // Seen on "yes" items only: sure about its yes-row, only a little wiser about its no-row.
        expect(estimates.confusion('cat')[1 * 2 + 1]).toBeCloseTo((2.4 + 27) / (4 + 27), 12);
        expect(estimates.confusion('cat')[0 * 2 + 1]).toBeCloseTo((1.6 + 3) / (4 + 3), 12);
        expect(estimates.accuracy('cat')).toBeGreaterThan(0.6);
        expect(estimates.evidence('cat').agreement).toBe(30);
    });

    it('combines answers into an item posterior, more sure with more agreeing good labelers', () => {
        const estimates = new LabelerEstimates(classes, (l) => ({ accuracy: l === 'expert' ? 0.95 : 0.6 }));
        const one = estimates.itemPosterior([['novice', 1]])[1];
        const two = estimates.itemPosterior([
            ['novice', 1],
            ['expert', 1],
        ])[1];
        const split = estimates.itemPosterior([
            ['novice', 0],
            ['expert', 1],
        ])[1];
        // Before any gold is seen, the prior floor (the crowd can be misled) applies.
        expect(estimates.calibration).toBe(priorCalibration);
        expect(one).toBeCloseTo(floorConfidence(0.6, priorCalibration.floor, 2), 12);
        expect(two).toBeGreaterThan(0.9);
        expect(split).toBeGreaterThan(0.5);
        expect(split).toBeLessThan(two);
        estimates.calibration = noCalibration;
        expect(estimates.itemPosterior([['novice', 1]])[1]).toBeCloseTo(0.6, 12);
    });

    it("leaves an item's own answers out of the matrices that judge it after a rebuild", () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.7, strength: 4 }));
        // One labeler, one item answered "yes" (posterior 0.9 yes): the rebuild counts it.
        const encoded = {
            items: ['x'],
            workers: ['ann'],
            classes,
            itemOf: Int32Array.of(0),
            workerOf: Int32Array.of(0),
            labelOf: Int32Array.of(1),
            gold: Int32Array.of(-1),
        };
        estimates.rebuild(encoded, Float64Array.of(0.1, 0.9), [0.5, 0.5]);
        estimates.calibration = noCalibration;
        const withOwn = estimates.itemPosterior([['ann', 1]])[1];
        const leftOut = estimates.itemPosterior([['ann', 1]], false, 'x')[1];
        expect(leftOut).toBeCloseTo(0.7, 12); // back to the prior alone
        expect(withOwn).toBeGreaterThan(leftOut);
    });
});

describe('labeler estimates as records (for the label store)', () => {
    it('round-trips: restored estimates give the same confusion and accuracy', () => {
        const estimates = new LabelerEstimates(['no', 'yes'], () => ({ accuracy: 0.7 }));
        for (let n = 0; n < 40; n++) {
            estimates.observeGold('ann', n % 2, n % 5 === 0 ? 1 - (n % 2) : n % 2);
        }
        const records = estimates.toRecords();
        expect(records).toEqual([
            {
                labeler: 'ann',
                accuracy: expect.any(Number),
                confusion: { no: { no: expect.any(Number), yes: expect.any(Number) }, yes: expect.any(Object) },
                n: 40,
            },
        ]);
        expect(records[0].confusion!.no.no + records[0].confusion!.no.yes).toBeCloseTo(1, 12);
        const restored = new LabelerEstimates(['no', 'yes'], () => ({ accuracy: 0.7 }));
        restored.restore(JSON.parse(JSON.stringify(records)));
        expect(restored.accuracy('ann')).toBeCloseTo(estimates.accuracy('ann'), 2);
        // Evidence carries over: one more wrong gold answer moves a restored estimate about as little.
        estimates.observeGold('ann', 1, 0);
        restored.observeGold('ann', 1, 0);
        expect(restored.accuracy('ann')).toBeCloseTo(estimates.accuracy('ann'), 2);
    });
});

describe('labeler estimates over three classes', () => {
    const classes = ['a', 'b', 'c'];
    /** x has answered 10 gold questions of class a, all right. */
    const trained = () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.7, strength: 10 }));
        for (let n = 0; n < 10; n++) {
            estimates.observeGold('x', 0, 0);
        }
        return estimates;
    };

    it('spreads the prior’s wrong answers evenly, and weights per-class accuracy by class frequency', () => {
        const estimates = trained();
        // Row a: 7 + 10 right of 20, 1.5 each wrong; rows b and c: the prior, 0.7.
        expect([...estimates.confusion('x')].map((p) => Number(p.toFixed(12)))).toEqual([
            0.85, 0.075, 0.075, 0.15, 0.7, 0.15, 0.15, 0.15, 0.7,
        ]);
        expect(estimates.accuracy('x')).toBeCloseTo((0.85 + 0.7 + 0.7) / 3, 12);
        estimates.classPriors = Float64Array.of(0.5, 0.25, 0.25);
        expect(estimates.accuracy('x')).toBeCloseTo(0.5 * 0.85 + 0.25 * 0.7 + 0.25 * 0.7, 12);
        expect(estimates.accuracy('nobody')).toBeCloseTo(0.7, 12);
        expect(estimates.labelers()).toEqual(['x']); // asking about someone records nothing
    });

    it('judges an item by the full confusion matrix, or by the single accuracy with oneCoin', () => {
        const estimates = trained();
        estimates.calibration = noCalibration;
        // Full matrix: P(says a | a) = 0.85, P(says a | b) = P(says a | c) = 0.15.
        const full = estimates.itemPosterior([['x', 0]]);
        expect([...full].map((p) => Number(p.toFixed(12)))).toEqual(
            [0.85 / 1.15, 0.15 / 1.15, 0.15 / 1.15].map((p) => Number(p.toFixed(12))),
        );
        // One coin: accuracy 0.75, a wrong answer (0.25) split over the two other classes.
        const coin = estimates.itemPosterior([['x', 0]], true);
        expect([...coin].map((p) => Number(p.toFixed(12)))).toEqual([0.75, 0.125, 0.125]);
    });
});

describe('class frequencies in an item posterior', () => {
    it('start an item at the class priors, and weigh its answers against them', () => {
        const estimates = new LabelerEstimates(['no', 'yes'], () => ({ accuracy: 0.8 }));
        estimates.classPriors = Float64Array.of(0.8, 0.2);
        estimates.calibration = noCalibration;
        expect([...estimates.itemPosterior([])].map((p) => Number(p.toFixed(12)))).toEqual([0.8, 0.2]);
        // One 80% "yes" against a 20% prior: 0.2·0.8 : 0.8·0.2, even.
        expect(estimates.itemPosterior([['ann', 1]])[1]).toBeCloseTo(0.5, 12);
        expect(estimates.itemPosterior([['ann', 1]], true)[1]).toBeCloseTo(0.5, 12);
    });
});

describe('rebuilding estimates from an aggregation run', () => {
    const classes = ['no', 'yes'];
    const encoded = {
        items: ['g', 'x', 'y'],
        workers: ['ann', 'bob'],
        classes,
        itemOf: Int32Array.of(0, 0, 1, 1, 2),
        workerOf: Int32Array.of(0, 1, 0, 1, 0),
        labelOf: Int32Array.of(1, 0, 1, 1, 0),
        gold: Int32Array.of(1, -1, -1),
    };

    it('counts gold items as gold and the others as agreement, replacing what was there, and refits the calibration', () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.7, strength: 4 }));
        estimates.observeGold('carl', 0, 0);
        estimates.rebuild(encoded, Float64Array.of(0, 1, 0.2, 0.8, 0.6, 0.4), [0.3, 0.7]);
        expect(estimates.labelers()).toEqual(['ann', 'bob']);
        expect(estimates.evidence('ann')).toEqual({ gold: 1, agreement: 2 });
        expect(estimates.evidence('bob')).toEqual({ gold: 1, agreement: 1 });
        expect(estimates.evidence('carl')).toEqual({ gold: 0, agreement: 0 });
        expect([...estimates.classPriors]).toEqual([0.3, 0.7]);
        // bob: prior row no [2.8, 1.2] + 0.2 (said yes on x); row yes [1.2, 2.8] + 1 (gold: said no) + 0.8 (x).
        expect([...estimates.confusion('bob')].map((p) => Number(p.toFixed(12)))).toEqual(
            [2.8 / 4.2, 1.4 / 4.2, 2.2 / 5.8, 3.6 / 5.8].map((p) => Number(p.toFixed(12))),
        );
        expect(estimates.calibration).not.toBe(priorCalibration);
        expect(estimates.calibration.gold.questions).toBe(1);
    });

    it('keeps the class priors when none are given, and the calibration when there are no answers', () => {
        const estimates = new LabelerEstimates(classes, () => ({ accuracy: 0.7 }));
        const empty = {
            ...encoded,
            items: [],
            workers: [],
            itemOf: new Int32Array(0),
            workerOf: new Int32Array(0),
            labelOf: new Int32Array(0),
            gold: new Int32Array(0),
        };
        estimates.observeGold('ann', 1, 1);
        estimates.rebuild(empty, new Float64Array(0));
        expect(estimates.labelers()).toEqual([]);
        expect(estimates.calibration).toBe(priorCalibration);
        expect([...estimates.classPriors]).toEqual([0.5, 0.5]);
    });
});

describe('restoring stored estimates', () => {
    it('gives each stored row the prior’s weight plus an even share of the stored evidence', () => {
        const estimates = new LabelerEstimates(['no', 'yes'], () => ({ accuracy: 0.7, strength: 4 }));
        estimates.restore([
            { labeler: 'ann', accuracy: 0.85, confusion: { no: { no: 0.8, yes: 0.2 }, yes: { no: 0.1, yes: 0.9 } }, n: 10 },
        ]);
        expect(estimates.accuracy('ann')).toBeCloseTo(0.85, 12);
        expect(estimates.evidence('ann')).toEqual({ gold: 0, agreement: 10 });
        // Each row is worth 4 + 10/2 = 9 answers: one more right answer on "no" makes it (7.2 + 1)/10.
        estimates.observeGold('ann', 0, 0);
        expect(estimates.confusion('ann')[0]).toBeCloseTo(0.82, 12);
    });

    it('a record without a confusion matrix restores the prior, with its evidence count', () => {
        const estimates = new LabelerEstimates(['no', 'yes'], () => ({ accuracy: 0.6 }));
        estimates.restore([{ labeler: 'bob', accuracy: 0.9, n: 7 }]);
        expect(estimates.accuracy('bob')).toBeCloseTo(0.6, 12);
        expect(estimates.toRecords()).toEqual([
            {
                labeler: 'bob',
                accuracy: expect.closeTo(0.6, 12),
                confusion: {
                    no: { no: expect.closeTo(0.6, 12), yes: expect.closeTo(0.4, 12) },
                    yes: { no: expect.closeTo(0.4, 12), yes: expect.closeTo(0.6, 12) },
                },
                n: 7,
            },
        ]);
    });
});
