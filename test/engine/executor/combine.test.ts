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
});
