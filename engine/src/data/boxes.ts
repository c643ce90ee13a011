/**
 * The box family, one module for every box in dprog: an AxisBox is a rectangle (x, y, width, height)
 * in pixels from the image's top-left corner; a RotatedBox is that rectangle turned by `rotation`
 * degrees clockwise (on screen, y pointing down) about its centre (0 or absent: axis-aligned); a
 * LabeledBox is a RotatedBox with a class — the value of a `box<L>` label (`list<box<L>>`), with a
 * model's `score` when it has one. Here too: the geometry on them — IoU (axis-aligned, and of convex
 * polygons by clipping), corners, and the minimum-area rectangle of a point set (rotating calipers
 * over the convex hull) — as used by crops, text detection (vision/db-postprocess.ts), box consensus,
 * detection metrics and the store's box formats (store/formats/boxes.ts).
 */

/** An axis-aligned rectangle in pixels: top-left corner and size. */
export interface AxisBox {
    x: number;
    y: number;
    width: number;
    height: number;
}

export interface RotatedBox extends AxisBox {
    /** Degrees clockwise about the centre; 0 or absent: axis-aligned. */
    rotation?: number;
}

/** A `box<L>` answer: a (possibly rotated) box, its class and, from a model, its score. */
export interface LabeledBox extends RotatedBox {
    label: string;
    score?: number;
}

/** Intersection over union of two axis-aligned boxes, in [0, 1]. */
export function iou(a: AxisBox, b: AxisBox): number {
    const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (w <= 0 || h <= 0) {
        return 0;
    }
    const inter = w * h;
    return inter / (a.width * a.height + b.width * b.height - inter);
}

export interface Point {
    x: number;
    y: number;
}

/** The four corners, clockwise on screen from the rectangle's own top-left: tl, tr, br, bl. */
export function corners(box: RotatedBox): [Point, Point, Point, Point] {
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const t = ((box.rotation ?? 0) * Math.PI) / 180;
    const ux = Math.cos(t);
    const uy = Math.sin(t);
    const at = (sx: number, sy: number): Point => ({
        x: cx + sx * (box.width / 2) * ux - sy * (box.height / 2) * uy,
        y: cy + sx * (box.width / 2) * uy + sy * (box.height / 2) * ux,
    });
    return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}

/** The axis-aligned box around a rotated one. */
export function boundingBox(box: RotatedBox): AxisBox {
    const pts = corners(box);
    const xs = pts.map((p) => p.x);
    const ys = pts.map((p) => p.y);
    const x = xs.reduce((a, b) => Math.min(a, b), Infinity);
    const y = ys.reduce((a, b) => Math.min(a, b), Infinity);
    return { x, y, width: xs.reduce((a, b) => Math.max(a, b), -Infinity) - x, height: ys.reduce((a, b) => Math.max(a, b), -Infinity) - y };
}

/** Shoelace area (positive for either orientation). */
export function polygonArea(polygon: readonly Point[]): number {
    let sum = 0;
    for (let i = 0; i < polygon.length; i++) {
        const a = polygon[i];
        const b = polygon[(i + 1) % polygon.length];
        sum += a.x * b.y - b.x * a.y;
    }
    return Math.abs(sum) / 2;
}

function signedArea(polygon: readonly Point[]): number {
    let sum = 0;
    for (let i = 0; i < polygon.length; i++) {
        const a = polygon[i];
        const b = polygon[(i + 1) % polygon.length];
        sum += a.x * b.y - b.x * a.y;
    }
    return sum / 2;
}

/** The part of `subject` inside the convex polygon `clip` (Sutherland–Hodgman). */
function clipPolygon(subject: readonly Point[], clip: readonly Point[]): Point[] {
    const orientation = Math.sign(signedArea(clip)) || 1;
    let output = [...subject];
    for (let i = 0; i < clip.length && output.length > 0; i++) {
        const a = clip[i];
        const b = clip[(i + 1) % clip.length];
        const side = (p: Point) => orientation * ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x));
        const input = output;
        output = [];
        for (let k = 0; k < input.length; k++) {
            const p = input[k];
            const q = input[(k + 1) % input.length];
            const sp = side(p);
            const sq = side(q);
            if (sp >= 0) {
                output.push(p);
            }
            if (sp >= 0 !== sq >= 0) {
                const t = sp / (sp - sq);
                output.push({ x: p.x + t * (q.x - p.x), y: p.y + t * (q.y - p.y) });
            }
        }
    }
    return output;
}

/** Intersection over union of two convex polygons, in [0, 1]. */
export function polygonIou(a: readonly Point[], b: readonly Point[]): number {
    const inter = polygonArea(clipPolygon(a, b));
    const union = polygonArea(a) + polygonArea(b) - inter;
    return union <= 0 ? 0 : inter / union;
}

/** IoU of two (possibly rotated) boxes. */
export function rotatedIou(a: RotatedBox, b: RotatedBox): number {
    return polygonIou(corners(a), corners(b));
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-up terms, without collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
    const sorted = [...points].sort((p, q) => p.x - q.x || p.y - q.y);
    if (sorted.length < 3) {
        return sorted;
    }
    const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    const half = (pts: Point[]) => {
        const out: Point[] = [];
        for (const p of pts) {
            while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) {
                out.pop();
            }
            out.push(p);
        }
        out.pop();
        return out;
    };
    return [...half(sorted), ...half([...sorted].reverse())];
}

/**
 * The minimum-area rectangle around points (rotating calipers: one side lies on a hull edge), as a
 * rotated box whose width runs along the side nearest the horizontal (rotation in (-45°, 45°]), the
 * way a text line reads.
 */
export function minAreaRect(points: readonly Point[]): RotatedBox {
    const hull = convexHull(points);
    if (hull.length === 0) {
        return { x: 0, y: 0, width: 0, height: 0, rotation: 0 };
    }
    let best = { area: Infinity, angle: 0, minU: 0, maxU: 0, minV: 0, maxV: 0 };
    const edges =
        hull.length < 2 ? [0] : hull.map((p, i) => Math.atan2(hull[(i + 1) % hull.length].y - p.y, hull[(i + 1) % hull.length].x - p.x));
    for (const edge of edges) {
        // Normalize the edge direction into (-45°, 45°]: the rectangle is the same, its width runs along the reading direction.
        let angle = edge;
        while (angle > Math.PI / 4) {
            angle -= Math.PI / 2;
        }
        while (angle <= -Math.PI / 4) {
            angle += Math.PI / 2;
        }
        const ux = Math.cos(angle);
        const uy = Math.sin(angle);
        let minU = Infinity;
        let maxU = -Infinity;
        let minV = Infinity;
        let maxV = -Infinity;
        for (const p of hull) {
            const u = p.x * ux + p.y * uy;
            const v = -p.x * uy + p.y * ux;
            minU = Math.min(minU, u);
            maxU = Math.max(maxU, u);
            minV = Math.min(minV, v);
            maxV = Math.max(maxV, v);
        }
        const area = (maxU - minU) * (maxV - minV);
        if (area < best.area - 1e-9) {
            best = { area, angle, minU, maxU, minV, maxV };
        }
    }
    const { angle, minU, maxU, minV, maxV } = best;
    const cu = (minU + maxU) / 2;
    const cv = (minV + maxV) / 2;
    const cx = cu * Math.cos(angle) - cv * Math.sin(angle);
    const cy = cu * Math.sin(angle) + cv * Math.cos(angle);
    const width = maxU - minU;
    const height = maxV - minV;
    return { x: cx - width / 2, y: cy - height / 2, width, height, rotation: (angle * 180) / Math.PI };
}

/** The same box grown by `distance` on every side (a rectangle's Clipper offset, corners squared). */
export function growBox(box: RotatedBox, distance: number): RotatedBox {
    return {
        x: box.x - distance,
        y: box.y - distance,
        width: box.width + 2 * distance,
        height: box.height + 2 * distance,
        rotation: box.rotation ?? 0,
    };
}

/** The box scaled about the image origin (model map → image pixels); the angle changes when sx ≠ sy. */
export function scaleBox(box: RotatedBox, sx: number, sy: number): RotatedBox {
    if (sx === sy || !box.rotation) {
        return { x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy, rotation: box.rotation ?? 0 };
    }
    return minAreaRect(corners(box).map((p) => ({ x: p.x * sx, y: p.y * sy })));
}
