/**
 * Box values (language.md `box<L>`, `list<box<L>>`): `{x, y, width, height, label}` in pixels
 * from the image's top-left corner, optionally with a `score`. Shared by coco, yolo, labelstudio.
 */
import type { JsonValue } from '../types.js';

export interface BoxValue {
    x: number;
    y: number;
    width: number;
    height: number;
    label: string;
    score?: number;
}

function asBox(value: JsonValue): BoxValue | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { x, y, width, height, label, score } = value;
    if ([x, y, width, height].every((n) => typeof n === 'number' && Number.isFinite(n)) && typeof label === 'string') {
        const box: BoxValue = { x: x as number, y: y as number, width: width as number, height: height as number, label };
        if (typeof score === 'number') box.score = score;
        return box;
    }
    return undefined;
}

/** The boxes of a `box` or `list<box>` value; undefined when the value is not boxes. */
export function boxesOf(value: JsonValue): BoxValue[] | undefined {
    if (Array.isArray(value)) {
        const boxes = value.map(asBox);
        return boxes.every((box) => box !== undefined) ? (boxes as BoxValue[]) : undefined;
    }
    const box = asBox(value);
    return box ? [box] : undefined;
}

/** Sorted class names used by the boxes: category ids follow this order. */
export function classesOf(boxLists: readonly BoxValue[][]): string[] {
    return [...new Set(boxLists.flat().map((box) => box.label))].sort();
}

/** A box as a JSON value (score only when present). */
export function boxValue(box: BoxValue): JsonValue {
    const value: { [key: string]: JsonValue } = { x: box.x, y: box.y, width: box.width, height: box.height, label: box.label };
    if (box.score !== undefined) value.score = box.score;
    return value;
}
