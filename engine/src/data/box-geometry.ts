/** Geometry of axis-aligned boxes, shared by box consensus (quality) and detection metrics (vision). */

export interface AxisBox {
    x: number;
    y: number;
    width: number;
    height: number;
}

/** Intersection over union of two boxes, in [0, 1]. */
export function iou(a: AxisBox, b: AxisBox): number {
    const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (w <= 0 || h <= 0) {
        return 0;
    }
    const inter = w * h;
    return inter / (a.width * a.height + b.width * b.height - inter);
}
