/**
 * Bounded predictions: a model's outputs on new data should look like its outputs when it was
 * trusted. `confidence within [lo, hi]` bounds the mean top-class probability (a model suddenly
 * near-certain or near-guessing is suspect); `rate of C within [lo, hi]` bounds the share of items
 * predicted as C.
 */
import type { MonitorLevel } from './shift.js';

export interface Bounds {
    min: number;
    max: number;
}

export interface PredictionBounds {
    confidence?: Bounds;
    rates?: { label: string; bounds: Bounds }[];
}

export interface BoundViolation {
    what: string;
    value: number;
    bounds: Bounds;
    message: string;
}

export interface PredictionReport {
    items: number;
    meanConfidence: number;
    /** Share of items predicted as each class. */
    rates: Record<string, number>;
    violations: BoundViolation[];
    level: MonitorLevel;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function checkPredictions(probabilities: Float32Array, labels: readonly string[], bounds: PredictionBounds): PredictionReport {
    const classes = labels.length;
    const rows = probabilities.length / classes;
    const counts = new Float64Array(classes);
    let confidence = 0;
    for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < classes; c++) {
            if (probabilities[r * classes + c] > probabilities[r * classes + best]) {
                best = c;
            }
        }
        counts[best]++;
        confidence += probabilities[r * classes + best];
    }
    const meanConfidence = rows > 0 ? confidence / rows : 0;
    const rates = Object.fromEntries(labels.map((l, c) => [l, rows > 0 ? counts[c] / rows : 0]));
    const violations: BoundViolation[] = [];
    const check = (what: string, value: number, b: Bounds) => {
        if (value < b.min || value > b.max) {
            violations.push({ what, value, bounds: b, message: `${what} is ${pct(value)}, outside [${pct(b.min)}, ${pct(b.max)}]` });
        }
    };
    if (bounds.confidence) {
        check('mean confidence', meanConfidence, bounds.confidence);
    }
    for (const { label, bounds: b } of bounds.rates ?? []) {
        if (!labels.includes(label)) {
            throw new Error(`rate bound on '${label}', which is not one of the model's classes (${labels.join(', ')})`);
        }
        check(`rate of ${label}`, rates[label], b);
    }
    return { items: rows, meanConfidence, rates, violations, level: violations.length > 0 ? 'alert' : 'ok' };
}
