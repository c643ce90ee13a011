import { describe, expect, it } from 'vitest';
import { checkPredictions } from '../../../engine/src/monitors/predictions.js';

const labels = ['spam', 'ham'];

describe('bounded predictions', () => {
    it('reports mean confidence and class rates, and no violation inside the bounds', () => {
        const p = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4]);
        const report = checkPredictions(p, labels, {
            confidence: { min: 0.05, max: 0.99 },
            rates: [{ label: 'spam', bounds: { min: 0.1, max: 0.6 } }],
        });
        expect(report.meanConfidence).toBeCloseTo((0.9 + 0.8 + 0.7 + 0.6) / 4, 6);
        expect(report.rates).toEqual({ spam: 0.5, ham: 0.5 });
        expect(report.violations).toEqual([]);
        expect(report.level).toBe('ok');
    });

    it('flags a class rate and a confidence out of bounds', () => {
        const p = Float32Array.from([0.999, 0.001, 0.998, 0.002, 0.999, 0.001]);
        const report = checkPredictions(p, labels, {
            confidence: { min: 0.05, max: 0.99 },
            rates: [{ label: 'spam', bounds: { min: 0.1, max: 0.6 } }],
        });
        expect(report.level).toBe('alert');
        expect(report.violations.map((v) => v.what)).toEqual(['mean confidence', 'rate of spam']);
        expect(report.violations[1].message).toBe('rate of spam is 100.0%, outside [10.0%, 60.0%]');
    });

    it('refuses a bound on a class the model does not have', () => {
        expect(() =>
            checkPredictions(Float32Array.from([0.5, 0.5]), labels, { rates: [{ label: 'junk', bounds: { min: 0, max: 1 } }] }),
        ).toThrow(/'junk'/);
    });
});
