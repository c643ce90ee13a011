import { describe, expect, test } from 'vitest';
import { combine } from '../../../engine/src/executor/executor.js';

describe('combining automatic answers along a cascade', () => {
    test('one answer keeps its own confidence', () => {
        expect(combine([{ value: 'spam', score: 0.7, labeler: 'rules' }], 2)).toEqual({
            value: 'spam',
            score: expect.closeTo(0.7),
            labeler: 'rules',
        });
    });

    test('agreeing answers are surer together; disagreeing ones less sure than the stronger alone', () => {
        const agree = combine(
            [
                { value: 'billing', score: 0.7, labeler: 'rules' },
                { value: 'billing', score: 0.8, labeler: 'model' },
            ],
            3,
        );
        // Posterior of billing: 0.7*0.8 / (0.7*0.8 + 2 * 0.15*0.1).
        expect(agree).toEqual({ value: 'billing', score: expect.closeTo(0.56 / 0.59, 6), labeler: 'rules+model' });
        const disagree = combine(
            [
                { value: 'spam', score: 0.7, labeler: 'rules' },
                { value: 'ham', score: 0.9, labeler: 'model' },
            ],
            2,
        );
        expect(disagree.value).toBe('ham');
        expect(disagree.score).toBeLessThan(0.9);
        expect(disagree.score).toBeGreaterThan(0.5);
    });

    test('answers that are not class members (text, boxes): the surest stands', () => {
        expect(
            combine(
                [
                    { value: 'hello', score: 0.9, labeler: 'a' },
                    { value: 'hallo', score: 0.95, labeler: 'b' },
                ],
                0,
            ),
        ).toEqual({ value: 'hallo', score: 0.95, labeler: 'b' });
    });
    test('three classes: the winner’s posterior counts the classes nobody answered', () => {
        // billing 0.8 vs outage 0.6 over 3 classes: billing 0.8·0.2, outage 0.1·0.6, other 0.1·0.2.
        const r = combine(
            [
                { value: 'billing', score: 0.8, labeler: 'model' },
                { value: 'outage', score: 0.6, labeler: 'rules' },
            ],
            3,
        );
        expect(r).toEqual({ value: 'billing', score: expect.closeTo(0.16 / (0.16 + 0.06 + 0.02), 9), labeler: 'model+rules' });
    });

    test('the winning value keeps the surest of its labelers’ answer; booleans combine as choices', () => {
        const r = combine(
            [
                { value: true, score: 0.6, labeler: 'a' },
                { value: true, score: 0.9, labeler: 'b' },
                { value: false, score: 0.55, labeler: 'c' },
            ],
            2,
        );
        expect(r.value).toBe(true);
        expect(r.labeler).toBe('a+b+c');
        expect(r.score).toBeCloseTo((0.6 * 0.9 * 0.45) / (0.6 * 0.9 * 0.45 + 0.4 * 0.1 * 0.55), 9);
    });

    test('a certain answer (score 1) does not make the posterior infinite or NaN', () => {
        const r = combine(
            [
                { value: 'spam', score: 1, labeler: 'rules' },
                { value: 'ham', score: 0, labeler: 'model' },
            ],
            2,
        );
        expect(r.value).toBe('spam');
        expect(r.score).toBeGreaterThan(0.999999);
        expect(r.score).toBeLessThanOrEqual(1);
    });

    test('one class only, or a list among the answers: the surest stands as given', () => {
        const a = { value: 'x', score: 0.4, labeler: 'a' };
        const b = { value: 'x', score: 0.6, labeler: 'b' };
        expect(combine([a, b], 1)).toEqual(b);
        expect(combine([{ value: ['x'], score: 0.9, labeler: 'c' }, a], 3)).toEqual({ value: ['x'], score: 0.9, labeler: 'c' });
    });
    test('a single certain answer stays certain; two certain answers that disagree are a coin toss, not NaN', () => {
        expect(combine([{ value: 'spam', score: 1, labeler: 'rules' }], 3)).toEqual({ value: 'spam', score: 1, labeler: 'rules' });
        const r = combine(
            [
                { value: 'spam', score: 1, labeler: 'rules' },
                { value: 'ham', score: 1, labeler: 'model' },
            ],
            2,
        );
        expect(r.score).toBeCloseTo(0.5, 9);
    });

    test('the winning value is the most likely one, even when the single surest answer says otherwise', () => {
        // x: 0.7·0.7·0.2 = 0.098 against y: 0.3·0.3·0.8 = 0.072.
        const r = combine(
            [
                { value: 'x', score: 0.7, labeler: 'a' },
                { value: 'x', score: 0.7, labeler: 'b' },
                { value: 'y', score: 0.8, labeler: 'c' },
            ],
            2,
        );
        expect(r).toEqual({ value: 'x', score: expect.closeTo(0.098 / 0.17, 9), labeler: 'a+b+c' });
    });
});
