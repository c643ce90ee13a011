import { describe, expect, test } from 'vitest';
import { dbBoxes } from '../../../engine/src/vision/db-postprocess.js';
import { iou } from '../../../engine/src/vision/metrics.js';

/** A width x height map with the given rectangles filled with probability p. */
function map(width: number, height: number, rects: Array<{ x: number; y: number; w: number; h: number; p: number }>): Float32Array {
    const m = new Float32Array(width * height);
    for (const r of rects) for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) m[y * width + x] = r.p;
    return m;
}

describe('DB post-processing', () => {
    test('each text region becomes one box, grown back by the unclip distance, in reading order', () => {
        const m = map(100, 60, [
            { x: 50, y: 35, w: 30, h: 6, p: 0.9 },
            { x: 10, y: 10, w: 40, h: 8, p: 0.8 },
        ]);
        const boxes = dbBoxes(m, 100, 60);
        expect(boxes).toHaveLength(2);
        const [first, second] = boxes;
        // Unclip: area * 1.5 / perimeter = 40*8*1.5 / 96 = 5 pixels on every side.
        expect(first.box).toEqual({ x: 5, y: 5, width: 50, height: 18 });
        expect(first.score).toBeCloseTo(0.8);
        expect(second.box.x).toBeLessThan(50);
        expect(second.box.x + second.box.width).toBeGreaterThan(80);
    });

    test('regions under the box threshold and specks under the minimum size are dropped', () => {
        const m = map(100, 40, [
            { x: 5, y: 5, w: 30, h: 8, p: 0.45 }, // above the pixel threshold but a weak box
            { x: 60, y: 5, w: 2, h: 2, p: 0.99 }, // a speck
            { x: 40, y: 25, w: 30, h: 8, p: 0.95 },
        ]);
        const boxes = dbBoxes(m, 100, 40);
        expect(boxes).toHaveLength(1);
        expect(iou(boxes[0].box, { x: 40, y: 25, width: 30, height: 8 })).toBeGreaterThan(0.3);
        expect(dbBoxes(m, 100, 40, { boxThreshold: 0.4 })).toHaveLength(2);
    });

    test('touching pixels (diagonals too) form one region; a map of the wrong size is refused', () => {
        const m = map(20, 20, [
            { x: 2, y: 2, w: 5, h: 5, p: 0.9 },
            { x: 7, y: 7, w: 5, h: 5, p: 0.9 },
        ]);
        expect(dbBoxes(m, 20, 20, { boxThreshold: 0.3 })).toHaveLength(1);
        expect(() => dbBoxes(m, 10, 10)).toThrow(/needs 100 values/);
    });
});
