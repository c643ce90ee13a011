import { describe, expect, it } from 'vitest';
import { encodeAnswers, type Answer } from '../../../engine/src/quality/answers.js';
import { majorityVote } from '../../../engine/src/quality/majority.js';
import { accuracyAgainst } from '../../../engine/src/quality/posterior.js';

const answers = (rows: string): Answer[] =>
    rows
        .trim()
        .split('\n')
        .map((line) => {
            const [item, worker, label] = line.trim().split(/\s+/);
            return { item, worker, label };
        });

describe('majority vote', () => {
    const data = answers(`
        a w1 cat
        a w2 cat
        a w3 dog
        b w1 cat
        b w2 dog
        c w1 dog
        c w2 bird
        c w3 cat
    `);

    it('labels the clear winner with the share of votes as confidence', () => {
        const a = majorityVote(encodeAnswers(data)).items.find((i) => i.item === 'a')!;
        expect(a.label).toBe('cat');
        expect(a.confidence).toBeCloseTo(2 / 3, 12);
        expect(a.tie).toBeUndefined();
    });

    it('reports ties as ties, listing the tied classes, instead of breaking them', () => {
        const items = majorityVote(encodeAnswers(data)).items;
        const b = items.find((i) => i.item === 'b')!;
        expect(b.label).toBeNull();
        expect(b.tie).toEqual(['cat', 'dog']);
        expect(b.confidence).toBeCloseTo(0.5, 12);
        expect(items.find((i) => i.item === 'c')!.tie).toEqual(['bird', 'cat', 'dog']);
    });

    it('counts a tie that contains the right class as 1/k when scoring', () => {
        const items = majorityVote(encodeAnswers(data)).items;
        const truth = new Map([
            ['a', 'cat'],
            ['b', 'dog'],
            ['c', 'fish'],
        ]);
        expect(accuracyAgainst(items, truth).accuracy).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    });

    it('estimates a worker by agreement with the majority', () => {
        const workers = majorityVote(encodeAnswers(data)).workers;
        const w3 = workers.find((w) => w.worker === 'w3')!;
        // w3 disagrees on a (0) and is one of three tied on c (1/3).
        expect(w3.accuracy).toBeCloseTo((0 + 1 / 3) / 2, 12);
        expect(w3.answers).toBe(2);
    });

    it('keeps gold items at their known label', () => {
        const items = majorityVote(encodeAnswers(data, { gold: new Map([['b', 'dog']]) })).items;
        expect(items.find((i) => i.item === 'b')).toMatchObject({ label: 'dog', confidence: 1, gold: true });
    });

    it('rejects an answer outside the given label set, naming it', () => {
        expect(() => encodeAnswers(data, { classes: ['cat', 'dog'] })).toThrow(/label 'bird' is not one of cat, dog/);
    });
});
