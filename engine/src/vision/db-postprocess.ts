/**
 * DB (Differentiable Binarization) post-processing: from a text-probability map to text boxes, as
 * PaddleOCR's DBPostProcess (box_type "quad", score_mode "fast") does it: binarize the map at
 * `threshold`; for each connected region of text pixels take its minimum-area rectangle (rotating
 * calipers over the convex hull, so tilted lines get tilted boxes); score it by the mean
 * probability inside that rectangle; grow it back by the distance the model was trained to shrink
 * text by (`unclipRatio`: area × ratio ÷ perimeter on every side — Clipper's offset of a rectangle,
 * whose minimum-area rectangle is the rectangle grown by that distance).
 *
 * Unlike PaddleOCR, regions scoring under `boxThreshold` are not dropped: they come back marked
 * `belowThreshold`, so whoever uses the boxes can send them to a person (the executor does: the
 * page's confidence is its least box score). Only specks (shorter side under `minSize`) are noise.
 */
import { minAreaRect, growBox, type Point, type RotatedBox } from '../data/boxes.js';

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
    /** The region's rectangle in map pixels, turned by `rotation` degrees clockwise about its centre. */
    box: RotatedBox;
    /** Mean text probability inside the region's (unexpanded) rectangle, in [0, 1]. */
    score: number;
    /** Scored under the box threshold: a person should check it (PaddleOCR would drop it). */
    belowThreshold: boolean;
}

interface Component {
    /** Each pixel's centre: the leftmost and rightmost of every row (enough for the convex hull). */
    points: Point[];
    pixels: number;
}

/** 8-connected components of the pixels above `threshold`. */
function components(prob: Float32Array, width: number, height: number, threshold: number): Component[] {
    const label = new Int32Array(width * height).fill(-1);
    const stack: number[] = [];
    const found: Component[] = [];
    for (let start = 0; start < prob.length; start++) {
        if (label[start] !== -1 || !(prob[start] > threshold)) {
            continue;
        }
        const id = found.length;
        const rows = new Map<number, [number, number]>();
        let pixels = 0;
        label[start] = id;
        stack.push(start);
        while (stack.length > 0) {
            const p = stack.pop()!;
            const x = p % width;
            const y = (p - x) / width;
            pixels++;
            const row = rows.get(y);
            if (!row) {
                rows.set(y, [x, x]);
            } else if (x < row[0]) {
                row[0] = x;
            } else if (x > row[1]) {
                row[1] = x;
            }
            for (let dy = -1; dy <= 1; dy++) {
                const ny = y + dy;
                if (ny < 0 || ny >= height) {
                    continue;
                }
                for (let dx = -1; dx <= 1; dx++) {
                    const nx = x + dx;
                    if (nx < 0 || nx >= width) {
                        continue;
                    }
                    const q = ny * width + nx;
                    if (label[q] === -1 && prob[q] > threshold) {
                        label[q] = id;
                        stack.push(q);
                    }
                }
            }
        }
        const points: Point[] = [];
        for (const [y, [x0, x1]] of rows) {
            points.push({ x: x0 + 0.5, y: y + 0.5 }, { x: x1 + 0.5, y: y + 0.5 });
        }
        found.push({ points, pixels });
    }
    return found;
}

/** Mean probability over the pixels whose centres lie in the rectangle (its edges widened by half a pixel, as a filled polygon's are). */
function meanInside(prob: Float32Array, width: number, height: number, box: RotatedBox): number {
    const t = ((box.rotation ?? 0) * Math.PI) / 180;
    const ux = Math.cos(t);
    const uy = Math.sin(t);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const halfU = box.width / 2 + 0.5;
    const halfV = box.height / 2 + 0.5;
    const reach = Math.hypot(halfU, halfV);
    let sum = 0;
    let count = 0;
    for (let y = Math.max(0, Math.floor(cy - reach)); y <= Math.min(height - 1, Math.ceil(cy + reach)); y++) {
        for (let x = Math.max(0, Math.floor(cx - reach)); x <= Math.min(width - 1, Math.ceil(cx + reach)); x++) {
            const dx = x + 0.5 - cx;
            const dy = y + 0.5 - cy;
            if (Math.abs(dx * ux + dy * uy) > halfU || Math.abs(-dx * uy + dy * ux) > halfV) {
                continue;
            }
            sum += prob[y * width + x];
            count++;
        }
    }
    return count === 0 ? 0 : sum / count;
}

/**
 * Text boxes in the map's own pixel coordinates (pixel i spans [i, i + 1]), in reading order.
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
        const rect = minAreaRect(c.points);
        // The rectangle runs centre to centre of the outermost pixels; its pixel extent is one more.
        const sides = Math.min(rect.width, rect.height) + 1;
        if (sides < o.minSize) {
            continue;
        }
        const score = meanInside(prob, width, height, rect);
        const w = rect.width + 1;
        const h = rect.height + 1;
        const grown = growBox(growBox(rect, 0.5), (w * h * o.unclipRatio) / (2 * (w + h)));
        if (Math.min(grown.width, grown.height) < o.minSize + 2) {
            continue;
        }
        boxes.push({ box: grown, score, belowThreshold: score < o.boxThreshold });
    }
    return boxes.sort((a, b) => readingOrder(a.box, b.box));
}

/** Top to bottom; boxes on the same line (centres within half a height) left to right. */
function readingOrder(a: RotatedBox, b: RotatedBox): number {
    const ca = a.y + a.height / 2;
    const cb = b.y + b.height / 2;
    if (Math.abs(ca - cb) < Math.min(a.height, b.height) / 2) {
        return a.x - b.x;
    }
    return ca - cb;
}
