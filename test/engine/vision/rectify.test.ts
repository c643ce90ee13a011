import { describe, expect, test } from 'vitest';
import type { RgbImage } from '../../../engine/src/data/image.js';
import { corners } from '../../../engine/src/data/boxes.js';
import { fitToInk, homography, rectifiedCrop } from '../../../engine/src/vision/rectify.js';
import { insideRotated } from './rotated-fixtures.js';

/** A white image with a dark (value `ink`) rectangle turned `rotation` degrees about its centre. */
function page(
    width: number,
    height: number,
    box: { x: number; y: number; width: number; height: number; rotation: number },
    ink = 20,
): RgbImage {
    const data = new Uint8Array(width * height * 3).fill(255);
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            if (insideRotated(box, x, y)) {
                data.fill(ink, (y * width + x) * 3, (y * width + x) * 3 + 3);
            }
        }
    }
    return { width, height, data };
}

describe('rectified crops', () => {
    test('a homography maps the four points it was made from', () => {
        const from = [
            { x: 0, y: 0 },
            { x: 10, y: 0 },
            { x: 10, y: 5 },
            { x: 0, y: 5 },
        ];
        const to = [
            { x: 3, y: 1 },
            { x: 14, y: 2 },
            { x: 13, y: 8 },
            { x: 2, y: 7 },
        ];
        const h = homography(from, to);
        from.forEach((p, i) => {
            const w = h[6] * p.x + h[7] * p.y + h[8];
            expect((h[0] * p.x + h[1] * p.y + h[2]) / w).toBeCloseTo(to[i].x, 9);
            expect((h[3] * p.x + h[4] * p.y + h[5]) / w).toBeCloseTo(to[i].y, 9);
        });
    });

    test('a tilted bar comes out level: the crop of its box is ink all through, and sized as the box', () => {
        const bar = { x: 30, y: 40, width: 100, height: 16, rotation: 8 };
        const image = page(200, 120, bar);
        const crop = rectifiedCrop(image, { ...bar, x: bar.x + 2, y: bar.y + 2, width: bar.width - 4, height: bar.height - 4 });
        expect(crop.width).toBe(96);
        expect(crop.height).toBe(12);
        const mean = crop.data.reduce((s, v) => s + v, 0) / crop.data.length;
        expect(mean).toBeLessThan(40);
    });

    test('a box is fitted to the ink inside it, keeping its angle; low-contrast grey ink too', () => {
        const bar = { x: 40, y: 50, width: 90, height: 14, rotation: -5 };
        for (const ink of [20, 160]) {
            const image = page(220, 140, bar, ink);
            const loose = { x: 25, y: 38, width: 120, height: 38, rotation: -5 };
            const tight = fitToInk(image, loose);
            expect(tight.rotation).toBe(-5);
            expect(tight.width).toBeGreaterThan(88);
            expect(tight.width).toBeLessThan(94);
            expect(tight.height).toBeGreaterThan(12);
            expect(tight.height).toBeLessThan(17);
            const [a, b] = [corners(tight), corners(bar)];
            a.forEach((p, i) => expect(Math.hypot(p.x - b[i].x, p.y - b[i].y)).toBeLessThan(2.5));
        }
    });

    test('a neighbouring line inside the grown box stays out of the fitted box', () => {
        const image = page(200, 100, { x: 20, y: 40, width: 150, height: 12, rotation: 0 });
        // A second line just above, partly inside the loose box.
        for (let y = 24; y < 34; y++) {
            for (let x = 20; x < 170; x++) {
                image.data.fill(20, (y * 200 + x) * 3, (y * 200 + x) * 3 + 3);
            }
        }
        const tight = fitToInk(image, { x: 10, y: 30, width: 170, height: 32, rotation: 0 });
        expect(tight.y).toBeGreaterThanOrEqual(39);
        expect(tight.height).toBeLessThanOrEqual(13);
    });
});
