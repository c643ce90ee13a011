/**
 * Images as models see them: decode PNG or JPEG into 8-bit RGB, resize (bilinear), crop, and lay
 * out as a CHW float32 tensor with per-channel normalization. Pure JS (pngjs, jpeg-js), so it runs
 * wherever the engine runs. Transparent pixels are composited on white, as a viewer shows them.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { AxisBox } from './boxes.js';
import { DataError } from './errors.js';
import { readRegularFile } from './regular-file.js';

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
    width: number;
    height: number;
    data: Uint8Array;
}

/** Per-channel normalization applied as (pixel / 255 - mean) / std, in RGB order. */
export interface Normalization {
    mean: readonly number[];
    std: readonly number[];
}

/** The ImageNet statistics most vision models (PaddleOCR's detector among them) are trained with. */
export const IMAGENET_NORMALIZATION: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
/** Decoding refuses images larger than this (pixels), so a corrupt header cannot exhaust memory. */
const MAX_PIXELS = 100_000_000;

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
    return signature.every((b, i) => bytes[i] === b);
}

/** RGBA -> RGB, compositing on white. */
function dropAlpha(rgba: Uint8Array, width: number, height: number): RgbImage {
    const data = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
        const a = rgba[p + 3];
        if (a === 255) {
            data[q] = rgba[p];
            data[q + 1] = rgba[p + 1];
            data[q + 2] = rgba[p + 2];
        } else {
            const white = 255 * (255 - a);
            data[q] = Math.round((rgba[p] * a + white) / 255);
            data[q + 1] = Math.round((rgba[p + 1] * a + white) / 255);
            data[q + 2] = Math.round((rgba[p + 2] * a + white) / 255);
        }
    }
    return { width, height, data };
}

/** Decodes PNG or JPEG bytes. `file` names the source in errors. */
export function decodeImage(bytes: Uint8Array, file: string): RgbImage {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (startsWith(bytes, PNG_SIGNATURE)) {
        let png: PNG;
        try {
            png = PNG.sync.read(buffer);
        } catch (error) {
            throw new DataError(`${file}: cannot decode this PNG (${(error as Error).message}); re-save or replace the file`, file);
        }
        return dropAlpha(png.data, png.width, png.height);
    }
    if (startsWith(bytes, JPEG_SIGNATURE)) {
        let decoded: { width: number; height: number; data: Uint8Array };
        try {
            decoded = jpeg.decode(buffer, {
                useTArray: true,
                formatAsRGBA: true,
                maxResolutionInMP: MAX_PIXELS / 1e6,
                tolerantDecoding: false,
            });
        } catch (error) {
            throw new DataError(`${file}: cannot decode this JPEG (${(error as Error).message}); re-save or replace the file`, file);
        }
        return dropAlpha(decoded.data, decoded.width, decoded.height);
    }
    throw new DataError(`${file}: not a PNG or JPEG image (unrecognised file signature); convert it to PNG or JPEG`, file);
}

/** Reads and decodes an image file. */
export function readImage(path: string): RgbImage {
    return decodeImage(readRegularFile(path, 'image'), path);
}

/** Encodes an image as PNG (for crops people review and for generated samples). */
export function encodePng(image: RgbImage): Buffer {
    const png = new PNG({ width: image.width, height: image.height });
    for (let p = 0, q = 0; q < image.data.length; p += 4, q += 3) {
        png.data[p] = image.data[q];
        png.data[p + 1] = image.data[q + 1];
        png.data[p + 2] = image.data[q + 2];
        png.data[p + 3] = 255;
    }
    return PNG.sync.write(png);
}

/** Bilinear resize to exactly width x height (pixel centres aligned, as OpenCV's INTER_LINEAR). */
export function resizeImage(image: RgbImage, width: number, height: number): RgbImage {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
        throw new RangeError(`resize: the target size must be positive integers, got ${width} x ${height}`);
    }
    if (width === image.width && height === image.height) {
        return { width, height, data: image.data.slice() };
    }
    const out = new Uint8Array(width * height * 3);
    const sx = image.width / width;
    const sy = image.height / height;
    const src = image.data;
    const rowStride = image.width * 3;
    for (let y = 0; y < height; y++) {
        const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
        const y0 = Math.floor(fy);
        const y1 = Math.min(y0 + 1, image.height - 1);
        const wy = fy - y0;
        for (let x = 0; x < width; x++) {
            const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
            const x0 = Math.floor(fx);
            const x1 = Math.min(x0 + 1, image.width - 1);
            const wx = fx - x0;
            const a = y0 * rowStride + x0 * 3;
            const b = y0 * rowStride + x1 * 3;
            const c = y1 * rowStride + x0 * 3;
            const d = y1 * rowStride + x1 * 3;
            const o = (y * width + x) * 3;
            for (let ch = 0; ch < 3; ch++) {
                const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
                const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * wx;
                out[o + ch] = Math.round(top + (bottom - top) * wy);
            }
        }
    }
    return { width, height, data: out };
}

/** The box clipped to the image and rounded outwards to whole pixels; null when nothing is left. */
export function clipBox(image: { width: number; height: number }, box: AxisBox): AxisBox | null {
    const x0 = Math.max(0, Math.floor(box.x));
    const y0 = Math.max(0, Math.floor(box.y));
    const x1 = Math.min(image.width, Math.ceil(box.x + box.width));
    const y1 = Math.min(image.height, Math.ceil(box.y + box.height));
    if (x1 <= x0 || y1 <= y0) {
        return null;
    }
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Crops a box out of an image (clipped to its bounds). Throws when the box lies outside it. */
export function cropImage(image: RgbImage, box: AxisBox): RgbImage {
    const clipped = clipBox(image, box);
    if (!clipped) {
        throw new RangeError(
            `crop: the box (x ${box.x}, y ${box.y}, ${box.width} x ${box.height}) lies outside the ${image.width} x ${image.height} image`,
        );
    }
    const out = new Uint8Array(clipped.width * clipped.height * 3);
    for (let y = 0; y < clipped.height; y++) {
        const from = ((clipped.y + y) * image.width + clipped.x) * 3;
        out.set(image.data.subarray(from, from + clipped.width * 3), y * clipped.width * 3);
    }
    return { width: clipped.width, height: clipped.height, data: out };
}

/**
 * Lays an image out as float32 [3, height, width] (channels first), normalized per channel.
 * With `padToWidth` the tensor is that wide and the columns right of the image are 0 (the
 * normalized value the recognizer was trained to read as background padding).
 */
export function toChwFloat32(
    image: RgbImage,
    normalization: Normalization = { mean: [0, 0, 0], std: [1, 1, 1] },
    padToWidth?: number,
): Float32Array {
    const { mean, std } = normalization;
    if (mean.length !== 3 || std.length !== 3) {
        throw new RangeError(`normalize: mean and std need 3 values (R, G, B), got ${mean.length} and ${std.length}`);
    }
    if (std.some((s) => s === 0)) {
        throw new RangeError('normalize: std values must not be 0');
    }
    const width = padToWidth ?? image.width;
    if (width < image.width) {
        throw new RangeError(`toChwFloat32: cannot pad a ${image.width}-pixel-wide image to ${width}`);
    }
    const plane = width * image.height;
    const out = new Float32Array(plane * 3);
    for (let ch = 0; ch < 3; ch++) {
        const scale = 1 / (255 * std[ch]);
        const shift = mean[ch] / std[ch];
        const base = ch * plane;
        for (let y = 0; y < image.height; y++) {
            for (let x = 0; x < image.width; x++) {
                out[base + y * width + x] = image.data[(y * image.width + x) * 3 + ch] * scale - shift;
            }
        }
    }
    return out;
}

/** The size that fits inside width x height (for `resize height H`: scale to that height, keep the aspect ratio). */
export function sizeForHeight(
    image: { width: number; height: number },
    height: number,
    maxWidth = Infinity,
): { width: number; height: number } {
    const width = Math.max(1, Math.min(maxWidth, Math.ceil((image.width * height) / image.height)));
    return { width, height };
}
