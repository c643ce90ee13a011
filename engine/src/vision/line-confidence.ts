/**
 * Calibrated confidence of a transcribed line: the probability that the line is exactly right.
 * A CTC recognizer's mean character probability does not say that — a line with one misread
 * character among thirty still averages 0.97 — so the gate uses the line's weakest character
 * (the least probability of the characters read, and of each recovered word gap being one),
 * mapped to a probability by Platt scaling fitted on lines with known text (validation pages):
 *   P(right) = σ(a · logit(weakest) + b).
 * A transcription task's `target P%` then means what it says: lines accepted without review are
 * right with probability at least P (checked on held-out pages by bench/ocr.bench.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { DataError } from '../data/errors.js';
import type { Transcription } from './ctc.js';

export interface LineCalibration {
    a: number;
    b: number;
    /** Where it was fitted: lines, how many were wrong, which pages. */
    fittedOn: { lines: number; wrong: number; pages: string };
}

const EPSILON = 1e-6;

function logit(p: number): number {
    const q = Math.min(1 - EPSILON, Math.max(EPSILON, p));
    return Math.log(q / (1 - q));
}

/** The line's weakest evidence: its least character probability (a recovered gap counts as its certainty of being a space). */
export function weakestCharacter(t: Transcription): number {
    if (!t.characters || t.characters.length === 0) {
        return t.text === '' ? 0 : t.score;
    }
    return t.characters.reduce((low, c) => Math.min(low, c.inferred ? c.spaceBefore / (c.spaceBefore + 0.002) : c.p), Infinity);
}

/** P(line right) under a calibration. */
export function calibratedConfidence(t: Transcription, calibration: LineCalibration): number {
    if (t.text === '') {
        return 0;
    }
    return 1 / (1 + Math.exp(-(calibration.a * logit(weakestCharacter(t)) + calibration.b)));
}

/**
 * Fits a and b by Newton's method on the log-loss, with Platt's target smoothing (right lines
 * count as (n₊ + 1)/(n₊ + 2), wrong as 1/(n₋ + 2)) so a handful of errors cannot make it certain.
 */
export function fitLineCalibration(samples: ReadonlyArray<{ weakest: number; right: boolean }>, pages: string): LineCalibration {
    const positives = samples.filter((s) => s.right).length;
    const negatives = samples.length - positives;
    const hi = (positives + 1) / (positives + 2);
    const lo = 1 / (negatives + 2);
    const xs = samples.map((s) => logit(s.weakest));
    const ts = samples.map((s) => (s.right ? hi : lo));
    let a = 1;
    let b = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
        let ga = 0;
        let gb = 0;
        let haa = 1e-6;
        let hab = 0;
        let hbb = 1e-6;
        xs.forEach((x, i) => {
            const p = 1 / (1 + Math.exp(-(a * x + b)));
            const d = p - ts[i];
            const w = p * (1 - p);
            ga += d * x;
            gb += d;
            haa += w * x * x;
            hab += w * x;
            hbb += w;
        });
        const det = haa * hbb - hab * hab;
        if (Math.abs(det) < 1e-12) {
            break;
        }
        const da = (hbb * ga - hab * gb) / det;
        const db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if (Math.abs(da) + Math.abs(db) < 1e-10) {
            break;
        }
    }
    return { a, b, fittedOn: { lines: samples.length, wrong: negatives, pages } };
}

/** Reads a calibration file (JSON of LineCalibration), or undefined when there is none. */
export function readLineCalibration(path: string): LineCalibration | undefined {
    if (!existsSync(path)) {
        return undefined;
    }
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LineCalibration>;
    if (typeof value.a !== 'number' || typeof value.b !== 'number') {
        throw new DataError(
            `${path}: a line calibration needs numbers 'a' and 'b' (P(right) = σ(a · logit(weakest) + b)); rerun the calibration`,
            path,
        );
    }
    return value as LineCalibration;
}
