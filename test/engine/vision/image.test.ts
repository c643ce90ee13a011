import { describe, expect, test } from 'vitest';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { DataError } from '../../../engine/src/data/errors.js';
import { clipBox, cropImage, decodeImage, encodePng, resizeImage, toChwFloat32, type RgbImage } from '../../../engine/src/data/image.js';

/** A w x h image whose pixel (x, y) is (x * 10, y * 10, 200). */
function gradient(w: number, h: number): RgbImage {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
            data.set([x * 10, y * 10, 200], (y * w + x) * 3);
        }
    }
    return { width: w, height: h, data };
}

describe('decodeImage', () => {
    test('PNG round trip keeps every pixel', () => {
        const image = gradient(7, 5);
        expect(decodeImage(encodePng(image), 'g.png')).toEqual(image);
    });

    test('transparent PNG pixels are composited on white', () => {
        const png = new PNG({ width: 2, height: 1 });
        png.data.set([0, 0, 0, 0, 0, 0, 0, 128]);
        const decoded = decodeImage(PNG.sync.write(png), 'a.png');
        expect([...decoded.data.slice(0, 3)]).toEqual([255, 255, 255]);
        expect(decoded.data[3]).toBeGreaterThan(120);
        expect(decoded.data[3]).toBeLessThan(135);
    });

    test('JPEG decodes to the right size and roughly the right colours', () => {
        const rgba = new Uint8Array(16 * 8 * 4);
        for (let p = 0; p < 16 * 8; p++) {
            rgba.set([200, 40, 40, 255], p * 4);
        }
        const bytes = jpeg.encode({ width: 16, height: 8, data: rgba }, 95).data;
        const image = decodeImage(bytes, 'r.jpg');
        expect([image.width, image.height]).toEqual([16, 8]);
        expect(Math.abs(image.data[0] - 200)).toBeLessThan(10);
        expect(Math.abs(image.data[1] - 40)).toBeLessThan(10);
    });

    test('bytes that are not an image, or a truncated PNG, give a DataError naming the file', () => {
        expect(() => decodeImage(new TextEncoder().encode('hello'), 'notes.png')).toThrow(/notes\.png: not a PNG or JPEG/);
        const truncated = encodePng(gradient(20, 20)).subarray(0, 60);
        expect(() => decodeImage(truncated, 'cut.png')).toThrow(DataError);
        expect(() => decodeImage(truncated, 'cut.png')).toThrow(/cut\.png: cannot decode this PNG/);
    });
});

describe('resize, crop, tensor layout', () => {
    test('resizing to the same size copies; halving averages neighbours', () => {
        const image = gradient(4, 2);
        expect(resizeImage(image, 4, 2)).toEqual(image);
        const half = resizeImage(image, 2, 1);
        // Pixel 0 of the half-size image lies between source columns 0,1 and rows 0,1.
        expect([...half.data.slice(0, 3)]).toEqual([5, 5, 200]);
        expect(() => resizeImage(image, 0, 3)).toThrow(RangeError);
    });

    test('crop takes exactly the box, clipped to the image', () => {
        const image = gradient(10, 10);
        const crop = cropImage(image, { x: 2, y: 3, width: 3, height: 2 });
        expect([crop.width, crop.height]).toEqual([3, 2]);
        expect([...crop.data.slice(0, 3)]).toEqual([20, 30, 200]);
        expect(clipBox(image, { x: 8.5, y: -2, width: 5, height: 4 })).toEqual({ x: 8, y: 0, width: 2, height: 2 });
        expect(() => cropImage(image, { x: 20, y: 20, width: 3, height: 3 })).toThrow(/outside the 10 x 10 image/);
    });

    test('CHW layout with per-channel normalization and right padding', () => {
        const image = gradient(2, 1); // pixels (0,0,200) and (10,0,200)
        const t = toChwFloat32(image, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }, 3);
        expect(t.length).toBe(3 * 1 * 3);
        expect(t[0]).toBeCloseTo(-1); // R of pixel 0: 0 -> -1
        expect(t[1]).toBeCloseTo((10 / 255 - 0.5) / 0.5);
        expect(t[2]).toBe(0); // padding
        expect(t[6]).toBeCloseTo((200 / 255 - 0.5) / 0.5); // B plane
        expect(() => toChwFloat32(image, { mean: [0], std: [1] })).toThrow(/3 values/);
    });
});
