/**
 * DB (Differentiable Binarization) post-processing: from a text-probability map to text boxes.
 * As PaddleOCR's DBPostProcess: binarize the map at `threshold`, take each connected region of text
 * pixels, score it by the mean probability inside its box (dropping those under `boxThreshold`),
 * and grow it back by the distance the model was trained to shrink text by (`unclipRatio`).
 * Boxes are axis-aligned, as dprog's `box<L>` is: for the upright text of scanned and rendered
 * documents the minimum-area rectangle and the bounding box coincide.
 */
import type { PixelBox } from '../data/image.js';

export interface DbOptions {
    /** Probability above which a pixel counts as text (PaddleOCR: 0.3). */
    threshold: number;
    /** Least mean probability inside a region's box for it to be kept (PaddleOCR: 0.6). */
    boxThreshold: number;
    /** How far shrunk regions are grown back: area × ratio ÷ perimeter (PaddleOCR: 1.5). */
    unclipRatio: number;
    /** Regions whose shorter side is under this many map pixels are noise (PaddleOCR: 3). */
    minSize: number;
    /** At most this many regions, the largest first (PaddleOCR: 1000). */
    maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export interface ScoredBox {
    box: PixelBox;
    /** Mean text probability inside the region's box, in [0, 1]. */
    score: number;
}

interface Component {
    x0: number;
    y0: number;
    x1: number;
    y1: number;
    pixels: number;
}

/** 8-connected components of the pixels above `threshold`, each as its bounding box. */
function components(prob: Float32Array, width: number, height: number, threshold: number): Component[] {
    const label = new Int32Array(width * height).fill(-1);
    const stack: number[] = [];
    const found: Component[] = [];
    for (let start = 0; start < prob.length; start++) {
        if (label[start] !== -1 || !(prob[start] > threshold)) continue;
        const id = found.length;
        const c: Component = { x0: width, y0: height, x1: -1, y1: -1, pixels: 0 };
        label[start] = id;
        stack.push(start);
        while (stack.length > 0) {
            const p = stack.pop()!;
            const x = p % width;
            const y = (p - x) / width;
            c.pixels++;
            if (x < c.x0) c.x0 = x;
            if (x > c.x1) c.x1 = x;
            if (y < c.y0) c.y0 = y;
            if (y > c.y1) c.y1 = y;
            for (let dy = -1; dy <= 1; dy++) {
                const ny = y + dy;
                if (ny < 0 || ny >= height) continue;
                for (let dx = -1; dx <= 1; dx++) {
                    const nx = x + dx;
                    if (nx < 0 || nx >= width) continue;
                    const q = ny * width + nx;
                    if (label[q] === -1 && prob[q] > threshold) {
                        label[q] = id;
                        stack.push(q);
                    }
                }
            }
        }
        found.push(c);
    }
    return found;
}

function meanInside(prob: Float32Array, width: number, c: Component): number {
    let sum = 0;
    for (let y = c.y0; y <= c.y1; y++) {
        for (let x = c.x0; x <= c.x1; x++) sum += prob[y * width + x];
    }
    return sum / ((c.x1 - c.x0 + 1) * (c.y1 - c.y0 + 1));
}

/**
 * Text boxes in the map's own pixel coordinates, top to bottom then left to right.
 * `prob` is the row-major [height, width] probability map.
 */
export function dbBoxes(prob: Float32Array, width: number, height: number, options: Partial<DbOptions> = {}): ScoredBox[] {
    const o = { ...DB_DEFAULTS, ...options };
    if (prob.length !== width * height) {
        throw new RangeError(`dbBoxes: a ${width} x ${height} map needs ${width * height} values, got ${prob.length}`);
    }
    const candidates = components(prob, width, height, o.threshold)
        .sort((a, b) => b.pixels - a.pixels)
        .slice(0, o.maxCandidates);
    const boxes: ScoredBox[] = [];
    for (const c of candidates) {
        const w = c.x1 - c.x0 + 1;
        const h = c.y1 - c.y0 + 1;
        if (Math.min(w, h) < o.minSize) continue;
        const score = meanInside(prob, width, c);
        if (score < o.boxThreshold) continue;
        const grow = (w * h * o.unclipRatio) / (2 * (w + h));
        const x0 = Math.max(0, c.x0 - grow);
        const y0 = Math.max(0, c.y0 - grow);
        const x1 = Math.min(width, c.x1 + 1 + grow);
        const y1 = Math.min(height, c.y1 + 1 + grow);
        if (Math.min(x1 - x0, y1 - y0) < o.minSize + 2) continue;
        boxes.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score });
    }
    return boxes.sort((a, b) => readingOrder(a.box, b.box));
}

/** Top to bottom; boxes on the same line (vertical centres within half a height) left to right. */
function readingOrder(a: PixelBox, b: PixelBox): number {
    const ca = a.y + a.height / 2;
    const cb = b.y + b.height / 2;
    if (Math.abs(ca - cb) < Math.min(a.height, b.height) / 2) return a.x - b.x;
    return ca - cb;
}
