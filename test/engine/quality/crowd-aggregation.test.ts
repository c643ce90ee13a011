/** Aggregation on the real crowd answers, against the published results (performance.md, the dataset README). */
import { describe, expect, it } from 'vitest';
import { encodeAnswers } from '../../../engine/src/quality/answers.js';
import { aggregate } from '../../../engine/src/quality/aggregate.js';
import { accuracyAgainst } from '../../../engine/src/quality/posterior.js';
import { crowdAnswers } from './crowd-data.js';

describe.each([
    { name: 'rte' as const, items: 800, majority: 0.897, dawidSkene: 0.9275, oneCoin: 0.925 },
    { name: 'temp' as const, items: 462, majority: 0.936, dawidSkene: 0.94, oneCoin: 0.9393 },
])('$name', ({ name, items, majority, dawidSkene, oneCoin }) => {
    const { answers, truth } = crowdAnswers(name);
    const encoded = encodeAnswers(answers);

    it('majority vote matches the published accuracy with ties split', () => {
        const result = aggregate('majority', encoded);
        expect(result.items).toHaveLength(items);
        expect(accuracyAgainst(result.items, truth).accuracy).toBeCloseTo(majority, 3);
        // 10 answers to a yes/no question: 5–5 splits exist and are reported, not broken.
        expect(result.items.some((i) => i.tie)).toBe(true);
    });

    it('Dawid-Skene reaches the published EM accuracy and converges', () => {
        const result = aggregate('dawid_skene', encoded);
        const { accuracy, scored } = accuracyAgainst(result.items, truth);
        expect(scored).toBe(items);
        expect(accuracy).toBeGreaterThanOrEqual(dawidSkene);
        expect(result.converged).toBe(true);
        expect(result.items.every((i) => i.label !== null && i.confidence > 0 && i.confidence < 1)).toBe(true);
        // The confidence is the calibrated probability of Dawid-Skene's label: rarely below one half.
        expect(result.items.filter((i) => i.confidence < 0.5).length).toBeLessThan(items / 100);
    });

    it('one-coin reaches the published one-coin accuracy', () => {
        const result = aggregate('one_coin', encoded);
        expect(accuracyAgainst(result.items, truth).accuracy).toBeGreaterThanOrEqual(oneCoin - 1e-9);
    });

    it("Dawid-Skene's worker accuracies track the workers' real accuracy against gold", () => {
        const result = aggregate('dawid_skene', encoded);
        const real = new Map<string, { right: number; n: number }>();
        for (const a of answers) {
            const r = real.get(a.worker) ?? { right: 0, n: 0 };
            r.n++;
            if (truth.get(a.item) === a.label) {
                r.right++;
            }
            real.set(a.worker, r);
        }
        const busy = result.workers.filter((w) => w.answers >= 40);
        expect(busy.length).toBeGreaterThan(10);
        const errors = busy.map((w) => Math.abs(w.accuracy - real.get(w.worker)!.right / real.get(w.worker)!.n));
        expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.05);
    });
});
