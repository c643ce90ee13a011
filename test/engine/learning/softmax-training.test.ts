/**
 * The softmax head's training reaches the minimum of its regularised objective: at the trained head
 * the gradient, computed here independently from the predicted probabilities, is (near) zero, for two
 * classes (the unrolled objective) and for three (the general one), from zeros and warm-started.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../../engine/src/data/feature-matrix.js';
import { hashTexts } from '../../../engine/src/data/hashed-featurizer.js';
import type { LinearHead } from '../../../engine/src/learning/onnx-export.js';
import { predictSoftmax, trainSoftmax } from '../../../engine/src/learning/softmax-regression.js';
import { syntheticMessages } from './helpers.js';

/** Largest component of the gradient of Σ CE + (l2 / 2)‖W‖² at `head`. */
function largestGradient(head: LinearHead, x: FeatureMatrix, y: Int32Array, l2: number): number {
    const classes = head.labels.length;
    const p = predictSoftmax(head, x);
    const weights = Array.from(head.weights, (w) => l2 * w);
    const bias = new Array<number>(classes).fill(0);
    for (let r = 0; r < x.rows; r++) {
        for (let c = 0; c < classes; c++) {
            const delta = p[r * classes + c] - (y[r] === c ? 1 : 0);
            bias[c] += delta;
            for (let k = x.rowStart[r]; k < x.rowStart[r + 1]; k++) {
                weights[x.indices[k] * classes + c] += delta * x.values[k];
            }
        }
    }
    return Math.max(...weights.map(Math.abs), ...bias.map(Math.abs));
}

const messages = syntheticMessages(300, 5);
const x = hashTexts(
    messages.map((m) => m.body),
    128,
);

describe('softmax training', () => {
    it.each([
        { classes: 2, l2: 0.1 },
        { classes: 3, l2: 0.1 },
        { classes: 2, l2: 1 },
    ])('ends where the gradient vanishes ($classes classes, l2 $l2)', ({ classes, l2 }) => {
        const labels = ['spam', 'ham', 'other'].slice(0, classes);
        // Labels that no weight vector fits perfectly, so the optimum is a real trade-off.
        const y = Int32Array.from(messages, (m, i) => (labels.indexOf(m.gold) + (i % 7 === 0 ? 1 : 0)) % classes);
        const untrained: LinearHead = {
            dims: x.dims,
            labels,
            weights: new Float32Array(x.dims * classes),
            bias: new Float32Array(classes),
        };
        expect(largestGradient(untrained, x, y, l2)).toBeGreaterThan(1);
        const head = trainSoftmax(x, y, labels, { l2 });
        expect(largestGradient(head, x, y, l2)).toBeLessThan(1e-3);
    });

    it('warm-started from a head trained on fewer rows, ends at the same minimum', () => {
        const labels = ['spam', 'ham'];
        const y = Int32Array.from(messages, (m) => labels.indexOf(m.gold));
        const first = Array.from({ length: 100 }, (_, i) => i);
        const earlier = trainSoftmax(x.select(first), y.subarray(0, 100), labels);
        const warm = trainSoftmax(x, y, labels, { initial: earlier });
        const cold = trainSoftmax(x, y, labels);
        expect(largestGradient(warm, x, y, 0.1)).toBeLessThan(1e-3);
        const apart = Math.max(...Array.from(warm.weights, (w, i) => Math.abs(w - cold.weights[i])));
        expect(apart).toBeLessThan(1e-3);
    });
});
