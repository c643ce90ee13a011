/**
 * Measures for text detection and recognition against ground truth: box IoU, one-to-one matching
 * of detections to truth (greedy by IoU, as COCO and ICDAR evaluations do) and character edit
 * distance for the character error rate.
 */
import { type AxisBox, iou } from '../data/boxes.js';

export { iou };

/** Pairs [truthIndex, detectionIndex] with IoU ≥ minIou, each used once, best pairs first. */
export function matchBoxes(truth: readonly AxisBox[], detected: readonly AxisBox[], minIou = 0.5): Array<[number, number]> {
    const pairs: Array<{ t: number; d: number; v: number }> = [];
    truth.forEach((t, ti) =>
        detected.forEach((d, di) => {
            const v = iou(t, d);
            if (v >= minIou) {
                pairs.push({ t: ti, d: di, v });
            }
        }),
    );
    pairs.sort((a, b) => b.v - a.v);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    const out: Array<[number, number]> = [];
    for (const p of pairs) {
        if (usedT.has(p.t) || usedD.has(p.d)) {
            continue;
        }
        usedT.add(p.t);
        usedD.add(p.d);
        out.push([p.t, p.d]);
    }
    return out;
}

/** Levenshtein distance between two strings, by Unicode code point. */
export function editDistance(a: string, b: string): number {
    const s = [...a];
    const t = [...b];
    let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
    for (let i = 1; i <= s.length; i++) {
        const current = [i];
        for (let j = 1; j <= t.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[t.length];
}
