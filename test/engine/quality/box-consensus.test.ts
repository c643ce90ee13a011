import { describe, expect, it } from 'vitest';
import type { LabeledBox } from '../../../engine/src/data/boxes.js';
import { boxConsensus, iou, type BoxAnswer } from '../../../engine/src/quality/box-consensus.js';
import { seededRandom } from './synthetic.js';

describe('box consensus', () => {
    it('computes IoU', () => {
        const a: LabeledBox = { x: 0, y: 0, width: 10, height: 10, label: 'car' };
        expect(iou(a, a)).toBe(1);
        expect(iou(a, { ...a, x: 5 })).toBeCloseTo(50 / 150, 12);
        expect(iou(a, { ...a, x: 20 })).toBe(0);
    });

    /**
     * 60 images with 1–3 true objects each. Five careful labelers jitter the corners by a few pixels;
     * one careless labeler jitters a lot, mislabels, misses objects and adds phantom boxes.
     */
    function scene() {
        const random = seededRandom(5);
        const truth = new Map<string, LabeledBox[]>();
        const answers: BoxAnswer[] = [];
        const careful = ['a', 'b', 'c', 'd', 'e'];
        for (let i = 0; i < 60; i++) {
            const item = `img${i}`;
            const objects: LabeledBox[] = [];
            const n = 1 + Math.floor(random() * 3);
            for (let o = 0; o < n; o++) {
                objects.push({
                    x: 150 * o + 20 * random(),
                    y: 50 + 100 * random(),
                    width: 80 + 40 * random(),
                    height: 60 + 40 * random(),
                    label: random() < 0.5 ? 'car' : 'truck',
                });
            }
            truth.set(item, objects);
            const jitter = (b: LabeledBox, s: number): LabeledBox => ({
                x: b.x + s * (random() - 0.5),
                y: b.y + s * (random() - 0.5),
                width: b.width + s * (random() - 0.5),
                height: b.height + s * (random() - 0.5),
                label: b.label,
            });
            for (const w of careful) {
                answers.push({ item, worker: w, boxes: objects.filter(() => random() < 0.95).map((b) => jitter(b, 6)) });
            }
            const sloppy = objects.filter(() => random() < 0.5).map((b) => ({ ...jitter(b, 30), label: random() < 0.5 ? 'car' : 'truck' }));
            if (random() < 0.7) {
                sloppy.push({ x: 600 + 50 * random(), y: 300, width: 40, height: 40, label: 'car' });
            }
            answers.push({ item, worker: 'sloppy', boxes: sloppy });
        }
        return { truth, answers };
    }

    it('finds every true object, fused close to the truth, and rejects phantom boxes', () => {
        const { truth, answers } = scene();
        const result = boxConsensus(answers);
        let found = 0;
        let total = 0;
        for (const { item, boxes, rejected } of result.items) {
            const objects = truth.get(item)!;
            total += objects.length;
            for (const object of objects) {
                const match = boxes.find((b) => iou(b, object) > 0.9 && b.label === object.label);
                if (match) {
                    found++;
                }
            }
            expect(boxes.length).toBe(objects.length);
            for (const r of rejected) {
                expect(r.workers).toEqual(['sloppy']);
            }
        }
        expect(found / total).toBeGreaterThan(0.97);
    });

    it('learns that the careless labeler is less reliable, and weights the fused coordinates by reliability', () => {
        const { answers } = scene();
        const result = boxConsensus(answers);
        const reliability = new Map(result.workers.map((w) => [w.worker, w.reliability]));
        for (const w of ['a', 'b', 'c', 'd', 'e']) {
            expect(reliability.get(w)!).toBeGreaterThan(reliability.get('sloppy')! + 0.2);
        }

        const pair: BoxAnswer[] = [
            { item: 'x', worker: 'good', boxes: [{ x: 0, y: 0, width: 100, height: 100, label: 'car' }] },
            { item: 'x', worker: 'poor', boxes: [{ x: 10, y: 0, width: 100, height: 100, label: 'car' }] },
        ];
        const fused = boxConsensus(pair, { reliability: (w) => (w === 'good' ? 0.9 : 0.6) }).items[0].boxes[0];
        expect(fused.x).toBeCloseTo((0.9 * 0 + 0.6 * 10) / 1.5, 9);
        expect(fused.agreement).toBe(1);
        expect(fused.workers.sort()).toEqual(['good', 'poor']);
    });

    it('reports agreement and a lower confidence when labelers split on an object or its class', () => {
        const box = (label: string): LabeledBox => ({ x: 0, y: 0, width: 50, height: 50, label });
        const answers: BoxAnswer[] = [
            { item: 'x', worker: 'a', boxes: [box('car')] },
            { item: 'x', worker: 'b', boxes: [box('car')] },
            { item: 'x', worker: 'c', boxes: [box('truck')] },
            { item: 'x', worker: 'd', boxes: [] },
        ];
        const [fused] = boxConsensus(answers, { reliability: () => 0.8 }).items[0].boxes;
        expect(fused.label).toBe('car');
        expect(fused.agreement).toBe(0.75);
        const unanimous = boxConsensus(answers.slice(0, 2), { reliability: () => 0.8 }).items[0].boxes[0];
        expect(fused.confidence).toBeLessThan(unanimous.confidence);
        expect(fused.confidence).toBeCloseTo((16 / 17) * (1.6 / 2.4), 9); // P(exists) with odds 4^3/4, × class share
    });

    it('never puts two boxes of the same labeler in one cluster', () => {
        const answers: BoxAnswer[] = [
            {
                item: 'x',
                worker: 'a',
                boxes: [
                    { x: 0, y: 0, width: 50, height: 50, label: 'car' },
                    { x: 2, y: 2, width: 50, height: 50, label: 'car' },
                ],
            },
        ];
        const result = boxConsensus(answers, { reliability: () => 0.9 });
        expect(result.items[0].boxes).toHaveLength(2);
    });

    it('refuses a rotated box rather than averaging it as an upright one', () => {
        const tilted: BoxAnswer = { item: 'x', worker: 'a', boxes: [{ x: 0, y: 0, width: 50, height: 10, rotation: 30, label: 'line' }] };
        const upright: BoxAnswer = { item: 'x', worker: 'b', boxes: [{ x: 0, y: 0, width: 50, height: 10, label: 'line' }] };
        expect(() => boxConsensus([upright, tilted])).toThrow(/item 'x', worker 'a': .*rotated/);
        expect(boxConsensus([upright]).items[0].boxes).toHaveLength(1);
    });

    const square = (x: number, y: number, size: number, label = 'car'): LabeledBox => ({ x, y, width: size, height: size, label });

    it('refuses a box with no area, naming the item and the labeler', () => {
        const flat: BoxAnswer = { item: 'x', worker: 'a', boxes: [{ x: 0, y: 0, width: 10, height: 0, label: 'car' }] };
        expect(() => boxConsensus([flat])).toThrow("item 'x', worker 'a': a box has no area");
        expect(() => boxConsensus([{ ...flat, boxes: [{ ...square(0, 0, 10), width: -5 }] }])).toThrow(/no area/);
    });

    it('fuses every corner by reliability, and scores existence by who drew it (worked by hand)', () => {
        const pair: BoxAnswer[] = [
            { item: 'x', worker: 'good', boxes: [square(0, 0, 100)] },
            { item: 'x', worker: 'poor', boxes: [{ x: 10, y: 20, width: 110, height: 80, label: 'car' }] },
        ];
        const result = boxConsensus(pair, { reliability: (w) => (w === 'good' ? 0.9 : 0.6) });
        const [fused] = result.items[0].boxes;
        // x = 0.6·10/1.5, y = 0.6·20/1.5, right edge (0.9·100 + 0.6·120)/1.5, bottom (0.9·100 + 0.6·100)/1.5.
        expect(fused).toMatchObject({ x: expect.closeTo(4, 9), y: expect.closeTo(8, 9), width: expect.closeTo(104, 9) });
        expect(fused.height).toBeCloseTo(92, 9);
        // Both drew it: odds 9 · 1.5 = 13.5; one class.
        expect(fused.confidence).toBeCloseTo(13.5 / 14.5, 12);
        const ious = [iou(pair[0].boxes[0], fused), iou(pair[1].boxes[0], fused)];
        expect(fused.meanIoU).toBeCloseTo((ious[0] + ious[1]) / 2, 12);
        expect(result.workers).toEqual([
            { worker: 'good', reliability: 0.9 },
            { worker: 'poor', reliability: 0.6 },
        ]);
    });

    it('keeps a box when P(exists) reaches minExistence, else lists it as rejected with that confidence', () => {
        const answers: BoxAnswer[] = [
            { item: 'x', worker: 'a', boxes: [square(0, 0, 10)] },
            { item: 'x', worker: 'b', boxes: [] },
            { item: 'x', worker: 'c', boxes: [] },
        ];
        // One of three at 0.8 drew it: odds 4 / 4² = 1/4, P(exists) = 0.2.
        const strict = boxConsensus(answers, { reliability: () => 0.8 }).items[0];
        expect(strict.boxes).toEqual([]);
        expect(strict.rejected).toEqual([
            expect.objectContaining({ confidence: expect.closeTo(0.2, 12), agreement: 1 / 3, workers: ['a'] }),
        ]);
        const lenient = boxConsensus(answers, { reliability: () => 0.8, minExistence: 0.199 }).items[0];
        expect(lenient.boxes).toHaveLength(1);
        expect(lenient.rejected).toEqual([]);
    });

    it('joins boxes that overlap at least iouThreshold (exactly at it too), and keeps apart those that overlap less', () => {
        const half = (second: LabeledBox) => [
            { item: 'x', worker: 'a', boxes: [square(0, 0, 10)] },
            { item: 'x', worker: 'b', boxes: [second] },
        ];
        const atThreshold = { x: 0, y: 0, width: 10, height: 5, label: 'car' }; // IoU 50 / 100
        expect(boxConsensus(half(atThreshold), { reliability: () => 0.8 }).items[0].boxes).toHaveLength(1);
        const shifted = square(5, 0, 10); // IoU 50 / 150
        expect(boxConsensus(half(shifted), { reliability: () => 0.8 }).items[0].rejected).toHaveLength(0);
        expect(boxConsensus(half(shifted), { reliability: () => 0.8 }).items[0].boxes).toHaveLength(2);
        expect(boxConsensus(half(shifted), { reliability: () => 0.8, iouThreshold: 0.3 }).items[0].boxes).toHaveLength(1);
    });

    it('matches a labeler’s boxes to clusters one to one, the best overlap first', () => {
        const answers: BoxAnswer[] = [
            { item: 'x', worker: 'a', boxes: [square(0, 0, 10)] },
            { item: 'x', worker: 'b', boxes: [square(3, 0, 10, 'truck'), square(1, 0, 10, 'bus')] },
        ];
        const { boxes, rejected } = boxConsensus(answers, { reliability: (w) => (w === 'a' ? 0.9 : 0.8), minExistence: 0 }).items[0];
        const all = [...boxes, ...rejected];
        expect(all).toHaveLength(2);
        const joined = all.find((b) => b.workers.length === 2)!;
        expect(joined.x).toBeCloseTo(0.8 / 1.7, 9); // a's box with b's closer one (x = 1)
        expect(all.find((b) => b.workers.length === 1)).toMatchObject({ label: 'truck', workers: ['b'] });
    });

    it('seeds clusters with the most reliable labeler (by name among equals), and breaks an even class vote by name', () => {
        const answers = (first: string): BoxAnswer[] => [
            { item: 'x', worker: first, boxes: [square(0, 0, 10, first === 'b' ? 'truck' : 'car')] },
            { item: 'x', worker: first === 'b' ? 'a' : 'b', boxes: [square(1, 0, 10, first === 'b' ? 'car' : 'truck')] },
        ];
        for (const first of ['a', 'b']) {
            const [fused] = boxConsensus(answers(first), { reliability: () => 0.8 }).items[0].boxes;
            expect(fused.label).toBe('car');
            expect(fused.workers).toEqual(['a', 'b']);
            expect(fused.confidence).toBeCloseTo((16 / 17) * 0.5, 12);
        }
        const trusted = boxConsensus(answers('a'), { reliability: (w) => (w === 'b' ? 0.9 : 0.6) }).items[0].boxes[0];
        expect(trusted.workers).toEqual(['b', 'a']);
        expect(trusted.label).toBe('truck');
    });

    it('estimates reliabilities from agreement: one round worked by hand, a given reliability kept inside (0.01, 0.99)', () => {
        const answers: BoxAnswer[] = [
            { item: 'x', worker: 'a', boxes: [square(0, 0, 10)] },
            { item: 'x', worker: 'b', boxes: [square(0, 0, 10)] },
            { item: 'x', worker: 'c', boxes: [] },
            { item: 'y', worker: 'a', boxes: [] },
        ];
        // The box is kept; a and b drew it (right), c did not (wrong): Beta(1.4, 0.6) + 1 → 2.4/3 and 1.4/3, every round.
        const reliability = new Map(boxConsensus(answers).workers.map((w) => [w.worker, w.reliability]));
        expect(reliability.get('a')).toBeCloseTo(2.4 / 3, 12);
        expect(reliability.get('b')).toBeCloseTo(2.4 / 3, 12);
        expect(reliability.get('c')).toBeCloseTo(1.4 / 3, 12);
        expect(boxConsensus(answers, { reliability: (w) => (w === 'a' ? 1 : 0) }).workers.map((w) => w.reliability)).toEqual([
            0.99, 0.01, 0.01,
        ]);
    });

    it('labels a cluster by the reliability-weighted vote, the heavier class winning whoever drew first, a tie by name', () => {
        const votes = (labels: Record<string, string>): BoxAnswer[] =>
            Object.entries(labels).map(([worker, label], n) => ({ item: 'x', worker, boxes: [square(n, 0, 10, label)] }));
        // a (0.9) seeds the cluster with "van"; b and c (0.6 each) say "bus": 1.2 against 0.9.
        const weighted = boxConsensus(votes({ a: 'van', b: 'bus', c: 'bus' }), { reliability: (w) => (w === 'a' ? 0.9 : 0.6) });
        expect(weighted.items[0].boxes[0]).toMatchObject({ label: 'bus', workers: ['a', 'b', 'c'] });
        expect(weighted.items[0].boxes[0].confidence).toBeCloseTo((1 / (1 + 1 / (9 * 1.5 * 1.5))) * (1.2 / 2.1), 12);
        const even = boxConsensus(votes({ a: 'van', b: 'bus' }), { reliability: () => 0.8 });
        expect(even.items[0].boxes[0].label).toBe('bus');
    });
});
