/**
 * Box values (`box<L>`, `list<box<L>>`) as JSON: LabeledBoxes (data/boxes.ts), `{x, y, width, height,
 * label}` in pixels from the image's top-left corner, optionally with a `score` and a `rotation`
 * (text detection gives tilted lines tilted boxes). Shared by coco, yolo, labelstudio, with the
 * conversions to their rotated-box conventions.
 */
import { corners, type LabeledBox, minAreaRect, type Point } from '../../data/boxes.js';
import type { JsonValue } from '../types.js';

function asBox(value: JsonValue): LabeledBox | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return undefined;
    }
    const { x, y, width, height, label, score, rotation } = value;
    if ([x, y, width, height].every((n) => Number.isFinite(n)) && typeof label === 'string') {
        const box: LabeledBox = { x: x as number, y: y as number, width: width as number, height: height as number, label };
        if (typeof score === 'number') {
            box.score = score;
        }
        if (typeof rotation === 'number' && Number.isFinite(rotation) && rotation !== 0) {
            box.rotation = rotation;
        }
        return box;
    }
    return undefined;
}

/** The boxes of a `box` or `list<box>` value; undefined when the value is not boxes. */
export function boxesOf(value: JsonValue): LabeledBox[] | undefined {
    if (Array.isArray(value)) {
        const boxes = value.map(asBox);
        return boxes.every((box) => box !== undefined) ? (boxes as LabeledBox[]) : undefined;
    }
    const box = asBox(value);
    return box ? [box] : undefined;
}

/** Sorted class names used by the boxes: category ids follow this order. */
export function classesOf(boxLists: readonly LabeledBox[][]): string[] {
    return [...new Set(boxLists.flat().map((box) => box.label))].sort();
}

/** A box as a JSON value (score and rotation only when present). */
export function boxValue(box: LabeledBox): JsonValue {
    const value: { [key: string]: JsonValue } = { x: box.x, y: box.y, width: box.width, height: box.height, label: box.label };
    if (box.rotation) {
        value.rotation = box.rotation;
    }
    if (box.score !== undefined) {
        value.score = box.score;
    }
    return value;
}

/** A box from four corners (YOLO-OBB, a polygon): their minimum-area rectangle. */
export function boxFromCorners(points: readonly Point[], label: string): LabeledBox {
    const rect = minAreaRect(points);
    const rotation = Math.round((rect.rotation ?? 0) * 100) / 100;
    const r = (n: number) => Math.round(n * 100) / 100;
    return { x: r(rect.x), y: r(rect.y), width: r(rect.width), height: r(rect.height), label, ...(rotation ? { rotation } : {}) };
}

/** Label Studio's rectangle: its own top-left corner and a rotation about that corner (pixels here). */
export function toCornerRotation(box: LabeledBox): { x: number; y: number; rotation: number } {
    if (!box.rotation) {
        return { x: box.x, y: box.y, rotation: 0 };
    }
    const [topLeft] = corners(box);
    return { x: topLeft.x, y: topLeft.y, rotation: ((box.rotation % 360) + 360) % 360 };
}

/** The inverse of toCornerRotation: a box turned about its centre. */
export function fromCornerRotation(
    x: number,
    y: number,
    width: number,
    height: number,
    rotation: number,
): { x: number; y: number; rotation?: number } {
    const turn = ((((rotation + 180) % 360) + 360) % 360) - 180;
    if (!turn) {
        return { x, y };
    }
    const t = (turn * Math.PI) / 180;
    const cx = x + (width / 2) * Math.cos(t) - (height / 2) * Math.sin(t);
    const cy = y + (width / 2) * Math.sin(t) + (height / 2) * Math.cos(t);
    return { x: cx - width / 2, y: cy - height / 2, rotation: turn };
}
