import { describe, expect, it } from 'vitest';
import { hashTexts } from '../../../engine/src/data/hashed-featurizer.js';
import { seededRng } from '../../../engine/src/learning/random.js';
import { ks, psi, shiftOfValues, shiftOfVectors } from '../../../engine/src/monitors/shift.js';
import { syntheticMessages } from '../learning/helpers.js';

function normal(n: number, mean: number, sd: number, seed: number): Float64Array {
    const rng = seededRng(seed);
    return Float64Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
}

describe('PSI and KS', () => {
    const reference = normal(5000, 0, 1, 1);

    it('are near zero for a sample from the same distribution', () => {
        const same = normal(5000, 0, 1, 2);
        expect(psi(reference, same)).toBeLessThan(0.02);
        expect(ks(reference, same)).toBeLessThan(0.04);
        expect(shiftOfValues('psi', reference, same, { warn: 0.1, alert: 0.25 }).level).toBe('ok');
    });

    it('grow with the shift and cross warn, then alert', () => {
        const small = normal(5000, 0.4, 1, 3);
        const large = normal(5000, 1.2, 1, 4);
        expect(psi(reference, small)).toBeGreaterThan(0.1);
        expect(psi(reference, large)).toBeGreaterThan(psi(reference, small));
        expect(shiftOfValues('psi', reference, small, { warn: 0.1, alert: 0.25 }).level).toBe('warn');
        expect(shiftOfValues('psi', reference, large, { warn: 0.1, alert: 0.25 }).level).toBe('alert');
        expect(ks(reference, large)).toBeCloseTo(0.45, 1); // Φ(0.6) − Φ(−0.6) ≈ 0.451
    });

    it('KS is 1 for disjoint samples and symmetric', () => {
        expect(ks([1, 2, 3], [10, 11])).toBe(1);
        expect(ks([1, 5, 9], [2, 3, 4, 6])).toBe(ks([2, 3, 4, 6], [1, 5, 9]));
    });

    it('refuses empty samples', () => {
        expect(() => psi([], [1])).toThrow(/needs values/);
    });
});

describe('shift of featurized text', () => {
    it('is ok for new mail like the training mail and alerts when the vocabulary changes', () => {
        const train = hashTexts(
            syntheticMessages(600, 1).map((m) => m.body),
            1024,
        );
        const similar = hashTexts(
            syntheticMessages(600, 2).map((m) => m.body),
            1024,
        );
        const rng = seededRng(5);
        const other = hashTexts(
            Array.from({ length: 600 }, () =>
                Array.from({ length: 12 }, () => `invoice${Math.floor(rng() * 30)} shipping${Math.floor(rng() * 30)}`).join(' '),
            ),
            1024,
        );
        const ok = shiftOfVectors('psi', train, similar, { warn: 0.1, alert: 0.25 });
        const shifted = shiftOfVectors('psi', train, other, { warn: 0.1, alert: 0.25 });
        expect(ok.level).toBe('ok');
        expect(shifted.level).toBe('alert');
        expect(shiftOfVectors('ks', train, other).value).toBeGreaterThan(shiftOfVectors('ks', train, similar).value);
    });
});
