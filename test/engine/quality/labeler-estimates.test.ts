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
