import { describe, expect, test } from 'vitest';
import { seededRng } from '../../../engine/src/learning/random.js';
import type { Transcription } from '../../../engine/src/vision/ctc.js';
import { calibratedConfidence, fitLineCalibration, weakestCharacter } from '../../../engine/src/vision/line-confidence.js';

/** A transcription whose characters have the given probabilities. */
function line(ps: number[]): Transcription {
    return {
        text: 'x'.repeat(ps.length),
        score: ps.reduce((a, b) => a + b, 0) / ps.length,
        characters: ps.map((p, i) => ({ p, start: i, end: i, spaceBefore: 0 })),
    };
}

/** Lines whose weakest character w is right with probability w² (a recognizer that is overconfident). */
function lines(n: number, seed: number): Array<{ t: Transcription; right: boolean }> {
    const rng = seededRng(seed);
    return Array.from({ length: n }, () => {
        const weakest = 0.5 + 0.5 * rng() ** 0.3;
        const t = line([0.999, weakest, 0.995]);
        return { t, right: rng() < weakest ** 2 };
    });
}

describe('calibrated line confidence', () => {
    test('the weakest character, not the mean, is the evidence', () => {
        expect(weakestCharacter(line([0.99, 0.4, 0.99]))).toBeCloseTo(0.4);
        expect(line([0.99, 0.4, 0.99]).score).toBeGreaterThan(0.79);
    });

    test('accepting lines at the target keeps the accepted lines right at the target on held-out lines', () => {
        const fitted = fitLineCalibration(
            lines(3000, 1).map(({ t, right }) => ({ weakest: weakestCharacter(t), right })),
            'synthetic',
        );
        const heldOut = lines(3000, 2);
        for (const target of [0.9, 0.95]) {
            const accepted = heldOut.filter(({ t }) => calibratedConfidence(t, fitted) >= target);
            const right = accepted.filter((l) => l.right).length / accepted.length;
            expect(accepted.length).toBeGreaterThan(100);
            expect(right).toBeGreaterThanOrEqual(target - 0.02);
            // The uncalibrated mean character probability accepts lines that are wrong far more often.
            const naive = heldOut.filter(({ t }) => t.score >= target);
            expect(naive.filter((l) => l.right).length / naive.length).toBeLessThan(right);
        }
    });

    test('an empty reading is never confident', () => {
        const fitted = { a: 2, b: 3, fittedOn: { lines: 1, wrong: 0, pages: '' } };
        expect(calibratedConfidence({ text: '', score: 0, characters: [] }, fitted)).toBe(0);
    });
});
