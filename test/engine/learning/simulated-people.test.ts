import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../engine/src/learning/random.js';
import { askSimulated, oneCoinPosterior, simulateAnswer } from '../../../engine/src/learning/simulated-people.js';

const labels = ['spam', 'ham'];

describe('simulated people', () => {
    it('answer correctly at their declared accuracy', () => {
        const rng = seededRng(3);
        let correct = 0;
        for (let i = 0; i < 5000; i++) {
            if (simulateAnswer({ name: 'crowd', accuracy: 0.7, cost: 0 }, 'spam', labels, rng) === 'spam') {
                correct++;
            }
        }
        expect(correct / 5000).toBeGreaterThan(0.67);
        expect(correct / 5000).toBeLessThan(0.73);
    });

    it('one-coin posterior: agreeing answers raise confidence, disagreement from a better labeler wins', () => {
        const one = oneCoinPosterior([{ label: 'spam', accuracy: 0.8 }], labels);
        expect(one.get('spam')).toBeCloseTo(0.8, 6);
        const two = oneCoinPosterior(
            [
                { label: 'spam', accuracy: 0.8 },
                { label: 'spam', accuracy: 0.8 },
            ],
            labels,
        );
        expect(two.get('spam')!).toBeGreaterThan(0.9);
        const split = oneCoinPosterior(
            [
                { label: 'spam', accuracy: 0.7 },
                { label: 'ham', accuracy: 0.95 },
            ],
            labels,
        );
        expect(split.get('ham')!).toBeGreaterThan(0.8);
    });

    it('asks until the target is reached or the limit is hit, paying for every answer', () => {
        const people = [
            { name: 'crowd', accuracy: 0.75, cost: 0.01 },
            { name: 'analysts', accuracy: 0.95, cost: 0.08 },
        ];
        const rng = seededRng(9);
        let correct = 0;
        let total = 0;
        for (let i = 0; i < 2000; i++) {
            const r = askSimulated('ham', labels, people, { target: 0.95, maxLabels: 3 }, rng);
            expect(r.answers.length).toBeGreaterThanOrEqual(2); // one crowd answer (75%) never reaches 95%
            expect(r.answers.length).toBeLessThanOrEqual(3);
            expect(r.cost).toBeCloseTo(
                r.answers.reduce((s, a) => s + (a.labeler === 'crowd' ? 0.01 : 0.08), 0),
                9,
            );
            if (r.label === 'ham') {
                correct++;
            }
            total++;
        }
        expect(correct / total).toBeGreaterThan(0.9);
    });
});
