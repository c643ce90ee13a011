/** Wawa and MACE against hand-worked cases, synthetic crowds with known truth, and the real crowd answers. */
import { describe, expect, it } from 'vitest';
import { encodeAnswers, type Answer } from '../../../engine/src/quality/answers.js';
import { aggregate } from '../../../engine/src/quality/aggregate.js';
import { mace } from '../../../engine/src/quality/mace.js';
import { majorityVote } from '../../../engine/src/quality/majority.js';
import { accuracyAgainst } from '../../../engine/src/quality/posterior.js';
import { wawa } from '../../../engine/src/quality/wawa.js';
import { crowdAnswers } from './crowd-data.js';
import { accuracyOfScores, syntheticCrowd } from './synthetic.js';

const answer = (item: string, worker: string, label: string): Answer => ({ item, worker, label });

describe('Wawa', () => {
    // d disagrees with the majority on i1 and i2; on i3 only a and d answered, a 1–1 tie for majority vote.
    const answers = [
        ...['a', 'b', 'c'].map((w) => answer('i1', w, 'x')),
        answer('i1', 'd', 'y'),
        ...['a', 'b', 'c'].map((w) => answer('i2', w, 'y')),
        answer('i2', 'd', 'x'),
        answer('i3', 'a', 'x'),
        answer('i3', 'd', 'y'),
    ];

    it('weights each vote by the worker’s agreement with the majority (a tie counts 1/2): worked by hand', () => {
        const result = wawa(encodeAnswers(answers));
        const skill = Object.fromEntries(result.workers.map((w) => [w.worker, w.accuracy]));
        expect(skill).toEqual({ a: expect.closeTo(2.5 / 3, 12), b: 1, c: 1, d: expect.closeTo(0.5 / 3, 12) });
        // i3: x carries a's 5/6, y carries d's 1/6.
        expect(result.items[2]).toEqual({ item: 'i3', label: 'x', confidence: expect.closeTo(5 / 6, 12) });
        expect(result.items[0]).toMatchObject({
            item: 'i1',
            label: 'x',
            confidence: expect.closeTo((2.5 / 3 + 2) / (2.5 / 3 + 2 + 0.5 / 3), 12),
        });
        // Majority vote leaves i3 a tie; Wawa decides it.
        expect(majorityVote(encodeAnswers(answers)).items[2]).toMatchObject({ label: null, tie: ['x', 'y'] });
    });

    it('keeps a tie when the weighted votes are equal', () => {
        const result = wawa(encodeAnswers([answer('i', 'a', 'x'), answer('i', 'b', 'y')]));
        expect(result.items[0]).toMatchObject({ label: null, tie: ['x', 'y'], confidence: 0.5 });
    });
});

describe('MACE', () => {
    it('finds the spammers: workers who always say the same class get a competence near zero', () => {
        // Workers 0–4 always answer class 0 whatever the truth; 5–19 are right 80% of the time.
        const crowd = syntheticCrowd({
            items: 1500,
            workers: 20,
            classes: 3,
            perItem: 7,
            seed: 5,
            confusionOf: (w, k) => (w < 5 ? [1, 0, 0] : [0, 1, 2].map((l) => (l === k ? 0.8 : 0.1))),
        });
        const result = mace(crowd.encoded);
        for (let w = 0; w < 5; w++) {
            expect(result.workers[w].accuracy).toBeCloseTo(1 / 3, 1); // right only by luck
        }
        for (let w = 5; w < 20; w++) {
            expect(result.workers[w].accuracy).toBeCloseTo(0.8, 1);
        }
        const accuracy = accuracyOfScores(result.posterior, crowd.truth, 3);
        expect(accuracy).toBeGreaterThan(accuracyOfScores(majorityVote(crowd.encoded).posterior, crowd.truth, 3) + 0.02);
    });

    it('one competent worker alone: P(truth = answer) ∝ θ + (1 − θ)ξ[answer], the rest (1 − θ)ξ[answer]', () => {
        // Gold items fix the truth, so the worker's competence is learned from them; then one answer on a new item.
        const answers = [...Array.from({ length: 40 }, (_, n) => answer(`g${n}`, 'w', n % 10 === 0 ? 'y' : 'x')), answer('new', 'w', 'x')];
        const gold = new Map(Array.from({ length: 40 }, (_, n) => [`g${n}`, 'x']));
        const result = mace(encodeAnswers(answers, { classes: ['x', 'y'], gold }));
        const item = result.items.find((i) => i.item === 'new')!;
        expect(item.label).toBe('x');
        expect(item.confidence).toBeGreaterThan(0.75);
        expect(item.confidence).toBeLessThan(1);
    });
});

describe.each([
    { name: 'rte' as const, wawa: 0.92, mace: 0.928 },
    { name: 'temp' as const, wawa: 0.943, mace: 0.943 },
])('Wawa and MACE on $name', ({ name, wawa: wawaAccuracy, mace: maceAccuracy }) => {
    const { answers, truth } = crowdAnswers(name);
    const encoded = encodeAnswers(answers);

    it('reach the known accuracy of the method (Crowd-Kit: Wawa 0.9459 on TEMP), and at least majority vote', () => {
        const majority = accuracyAgainst(majorityVote(encoded).items, truth).accuracy;
        const w = accuracyAgainst(aggregate('wawa', encoded, { uncalibrated: true }).items, truth).accuracy;
        const m = accuracyAgainst(aggregate('mace', encoded, { uncalibrated: true }).items, truth).accuracy;
        expect(w).toBeGreaterThanOrEqual(wawaAccuracy);
        expect(m).toBeGreaterThanOrEqual(maceAccuracy);
        expect(Math.min(w, m)).toBeGreaterThan(majority);
    });

    it('report calibrated confidences through aggregate()', () => {
        for (const method of ['wawa', 'mace'] as const) {
            const result = aggregate(method, encoded);
            expect(result.calibration).toBeDefined();
            const sure = result.items.filter((i) => i.confidence >= 0.9);
            expect(sure.length).toBeGreaterThan(answers.length / 10 / 2);
            expect(accuracyAgainst(sure, truth).accuracy).toBeGreaterThanOrEqual(0.9 - 0.02);
        }
    });
});
