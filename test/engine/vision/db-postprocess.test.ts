import { describe, expect, test } from 'vitest';
import { corners, minAreaRect, rotatedIou } from '../../../engine/src/data/boxes.js';
import { dbBoxes } from '../../../engine/src/vision/db-postprocess.js';
import { insideRotated } from './rotated-fixtures.js';

/** A width x height map with the given rectangles filled with probability p. */
function map(width: number, height: number, rects: Array<{ x: number; y: number; w: number; h: number; p: number }>): Float32Array {
    const m = new Float32Array(width * height);
    for (const r of rects) {
        for (let y = r.y; y < r.y + r.h; y++) {
            for (let x = r.x; x < r.x + r.w; x++) {
                m[y * width + x] = r.p;
            }
        }
    }
    return m;
}

/** A map with a bar of probability p along a rotated rectangle (pixel centres inside it). */
function rotatedBar(
    width: number,
    height: number,
    box: { x: number; y: number; width: number; height: number; rotation: number },
    p: number,
): Float32Array {
    const m = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            if (insideRotated(box, x, y)) {
                m[y * width + x] = p;
            }
        }
    }
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
        expect(first.box.x).toBeCloseTo(5);
        expect(first.box.y).toBeCloseTo(5);
        expect(first.box.width).toBeCloseTo(50);
        expect(first.box.height).toBeCloseTo(18);
        expect(first.box.rotation).toBeCloseTo(0);
        expect(first.score).toBeCloseTo(0.8);
        expect(second.box.x).toBeLessThan(50);
        expect(second.box.x + second.box.width).toBeGreaterThan(80);
    });

    test('a tilted line gets a tilted box at its angle, scored inside the polygon (not over its upright bounds)', () => {
        const line = { x: 20, y: 50, width: 160, height: 10, rotation: 6 };
        const boxes = dbBoxes(rotatedBar(200, 120, line, 0.95), 200, 120);
        expect(boxes).toHaveLength(1);
        const [found] = boxes;
        expect(found.box.rotation).toBeCloseTo(6, 0);
        expect(found.score).toBeGreaterThan(0.85);
        expect(found.belowThreshold).toBe(false);
        // The grown box sits on the line: the line's polygon lies inside it (IoU = line area ÷ box area).
        expect(rotatedIou(found.box, line)).toBeCloseTo((line.width * line.height) / (found.box.width * found.box.height), 2);
        // Over its upright bounds (as before) the mean would have been about a third.
        expect(found.box.height).toBeLessThan(30);
    });

    test('a region under the box threshold is kept and marked for review, never dropped; specks are noise', () => {
        const m = map(100, 40, [
            { x: 5, y: 5, w: 30, h: 8, p: 0.45 }, // above the pixel threshold but a weak box
            { x: 60, y: 5, w: 2, h: 2, p: 0.99 }, // a speck
            { x: 40, y: 25, w: 30, h: 8, p: 0.95 },
        ]);
        const boxes = dbBoxes(m, 100, 40);
        expect(boxes).toHaveLength(2);
        expect(boxes.map((b) => b.belowThreshold)).toEqual([true, false]);
        expect(boxes[0].score).toBeCloseTo(0.45);
        expect(dbBoxes(m, 100, 40, { boxThreshold: 0.4 }).every((b) => !b.belowThreshold)).toBe(true);
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

describe('rotated boxes', () => {
    test('the minimum-area rectangle of a tilted rectangle’s corners is that rectangle', () => {
        const box = { x: 10, y: 20, width: 80, height: 12, rotation: -7 };
        const rect = minAreaRect(corners(box));
        expect(rect.rotation).toBeCloseTo(-7, 6);
        expect(rect.width).toBeCloseTo(80, 6);
        expect(rect.height).toBeCloseTo(12, 6);
        expect(rect.x).toBeCloseTo(10, 6);
        expect(rect.y).toBeCloseTo(20, 6);
    });

    test('IoU of rotated boxes: itself 1, turned 90° about the centre is the overlap of a cross, disjoint 0', () => {
        const box = { x: 0, y: 0, width: 40, height: 10, rotation: 30 };
        expect(rotatedIou(box, box)).toBeCloseTo(1, 9);
        // A 40x10 and a 10x40 box on the same centre overlap in 10x10: 100 / (400 + 400 - 100).
        expect(rotatedIou(box, { x: 15, y: -15, width: 10, height: 40, rotation: 30 })).toBeCloseTo(100 / 700, 6);
        expect(rotatedIou(box, { x: 200, y: 0, width: 40, height: 10, rotation: 30 })).toBe(0);
    });
});
