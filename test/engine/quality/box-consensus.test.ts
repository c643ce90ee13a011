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
});
