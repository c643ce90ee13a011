/**
 * What every aggregation method promises, whatever its model: posteriors are distributions, the
 * order answers arrive in and the names of the classes change nothing, gold items stay fixed, every
 * worker's answers are counted, and the options do what they say. Checked on a small synthetic crowd
 * with three classes, so each method runs in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { encodeAnswers, encodedFromIds, type Answer, type EncodedAnswers } from '../../../engine/src/quality/answers.js';
import { aggregate, aggregationMethods, isAggregationMethod } from '../../../engine/src/quality/aggregate.js';
import { dawidSkene } from '../../../engine/src/quality/dawid-skene.js';
import { mace } from '../../../engine/src/quality/mace.js';
import { majorityVote } from '../../../engine/src/quality/majority.js';
import { oneCoin } from '../../../engine/src/quality/one-coin.js';
import type { AggregationMethod, AggregationResult } from '../../../engine/src/quality/result.js';
import { wawa } from '../../../engine/src/quality/wawa.js';
import { syntheticCrowd } from './synthetic.js';

const fits: Record<AggregationMethod, (encoded: EncodedAnswers) => AggregationResult> = {
    majority: majorityVote,
    dawid_skene: (e) => dawidSkene(e),
    one_coin: (e) => oneCoin(e),
    wawa,
    mace: (e) => mace(e),
};

/** 120 items, 12 workers of accuracy 0.55–0.95, 4 answers each, three classes; as named answers. */
function crowd(): Answer[] {
    const { encoded } = syntheticCrowd({ items: 120, workers: 12, classes: 3, perItem: 4, seed: 9 });
    const names = ['ant', 'bee', 'cow'];
    return Array.from(encoded.itemOf, (i, a) => ({ item: `i${i}`, worker: `w${encoded.workerOf[a]}`, label: names[encoded.labelOf[a]] }));
}

const rowsOf = (result: AggregationResult) =>
    result.items.map((_, i) => Array.from(result.posterior.subarray(i * result.classes.length, (i + 1) * result.classes.length)));

describe.each(aggregationMethods)('%s', (method) => {
    const answers = crowd();

    it('gives every item a distribution over the classes, labels the most probable class, and priors that sum to 1', () => {
        const result = fits[method](encodeAnswers(answers));
        expect(result.method).toBe(method);
        expect(result.classes).toEqual(['ant', 'bee', 'cow']);
        rowsOf(result).forEach((row, i) => {
            expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
            const item = result.items[i];
            const best = Math.max(...row);
            expect(item.confidence).toBeCloseTo(best, 12);
            if (item.label !== null) {
                expect(row[result.classes.indexOf(item.label)]).toBe(best);
            }
        });
        expect(result.classPriors.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        expect(Math.min(...result.classPriors)).toBeGreaterThan(0.2); // the crowd's classes are even
    });

    it('does not depend on the order answers arrive in', () => {
        const forward = fits[method](encodeAnswers(answers));
        const backward = fits[method](encodeAnswers([...answers].reverse()));
        const byItem = (r: AggregationResult) => new Map(r.items.map((item, i) => [item.item, rowsOf(r)[i]]));
        const back = byItem(backward);
        for (const [item, row] of byItem(forward)) {
            row.forEach((p, k) => expect(back.get(item)![k]).toBeCloseTo(p, 6));
        }
    });

    it('does not depend on the names of the classes: renaming them permutes the posterior', () => {
        const renamed = { ant: 'zebra', bee: 'ape', cow: 'moose' } as Record<string, string>;
        const original = fits[method](encodeAnswers(answers));
        const other = fits[method](encodeAnswers(answers.map((a) => ({ ...a, label: renamed[a.label] }))));
        expect(other.classes).toEqual(['ape', 'moose', 'zebra']);
        const position = (name: string) => other.classes.indexOf(renamed[name]);
        const rows = rowsOf(original);
        const otherRows = rowsOf(other);
        rows.forEach((row, i) => original.classes.forEach((c, k) => expect(otherRows[i][position(c)]).toBeCloseTo(row[k], 6)));
        original.items.forEach((item, i) => expect(other.items[i].label).toBe(item.label === null ? null : renamed[item.label]));
    });

    it('keeps gold items at their known class and counts every answer of every worker', () => {
        const gold = new Map([
            ['i0', 'cow'],
            ['i1', 'ant'],
        ]);
        const result = fits[method](encodeAnswers(answers, { gold }));
        expect(result.items[0]).toMatchObject({ item: 'i0', label: 'cow', confidence: 1, gold: true });
        expect(result.items[1]).toMatchObject({ item: 'i1', label: 'ant', confidence: 1, gold: true });
        expect(rowsOf(result)[0]).toEqual([0, 0, 1]);
        const counts = new Map<string, number>();
        for (const a of answers) {
            counts.set(a.worker, (counts.get(a.worker) ?? 0) + 1);
        }
        for (const w of result.workers) {
            expect(w.answers).toBe(counts.get(w.worker));
            expect(w.accuracy).toBeGreaterThan(0.3);
            expect(w.accuracy).toBeLessThanOrEqual(1);
        }
    });

    it('rates the workers in the order of their real accuracy (rank correlation above 0.8)', () => {
        const { encoded, confusion } = syntheticCrowd({ items: 600, workers: 12, classes: 3, perItem: 5, seed: 4 });
        const result = fits[method](encoded);
        const real = result.workers.map((_, w) => (confusion[w * 9] + confusion[w * 9 + 4] + confusion[w * 9 + 8]) / 3);
        expect(
            rankCorrelation(
                real,
                result.workers.map((w) => w.accuracy),
            ),
        ).toBeGreaterThan(0.8);
    });
});

describe('the entry point', () => {
    it('knows its methods by name', () => {
        expect(aggregationMethods).toEqual(['majority', 'dawid_skene', 'one_coin', 'wawa', 'mace']);
        expect(isAggregationMethod('mace')).toBe(true);
        expect(isAggregationMethod('box_consensus')).toBe(false);
    });

    it('reports the method’s own fit when asked for it uncalibrated, and a calibration otherwise', () => {
        const encoded = encodeAnswers(crowd());
        for (const method of aggregationMethods) {
            const raw = aggregate(method, encoded, { uncalibrated: true });
            expect(raw.calibration).toBeUndefined();
            expect([...raw.posterior]).toEqual([...fits[method](encoded).posterior]);
            const calibrated = aggregate(method, encoded);
            expect(calibrated.calibration).toBeDefined();
            expect(calibrated.items.map((i) => i.label)).toEqual(raw.items.map((i) => i.label));
            calibrated.items.forEach((item, i) => {
                if (item.label !== null) {
                    expect(item.confidence).toBe(calibrated.posterior[i * 3 + calibrated.classes.indexOf(item.label)]);
                }
            });
        }
    });

    it('gives a tie the mean calibrated probability of the tied classes', () => {
        const answers: Answer[] = [
            ...crowd(),
            { item: 'split', worker: 'w0', label: 'ant' },
            { item: 'split', worker: 'w1', label: 'bee' },
        ];
        const result = aggregate('majority', encodeAnswers(answers));
        const i = result.items.findIndex((item) => item.item === 'split');
        expect(result.items[i]).toMatchObject({ label: null, tie: ['ant', 'bee'] });
        expect(result.items[i].confidence).toBeCloseTo((result.posterior[i * 3] + result.posterior[i * 3 + 1]) / 2, 12);
    });

    it('passes the EM options through: one iteration is one iteration, and not converged', () => {
        const encoded = encodeAnswers(crowd());
        for (const method of ['dawid_skene', 'one_coin', 'mace'] as const) {
            const once = aggregate(method, encoded, { maxIterations: 1, uncalibrated: true });
            expect(once).toMatchObject({ iterations: 1, converged: false });
            const full = aggregate(method, encoded, { uncalibrated: true });
            expect(full.converged).toBe(true);
            expect(full.iterations).toBeGreaterThan(1);
            const loose = aggregate(method, encoded, { tolerance: 1e-2, uncalibrated: true });
            expect(loose.iterations).toBeLessThan(full.iterations!);
        }
    });
});

describe('encoding answers', () => {
    it('numbers items and workers in the order first seen, and sorts the classes unless given', () => {
        const encoded = encodeAnswers([
            { item: 'b', worker: 'z', label: 'no' },
            { item: 'a', worker: 'y', label: 'yes' },
            { item: 'b', worker: 'y', label: 'maybe' },
        ]);
        expect(encoded).toMatchObject({ items: ['b', 'a'], workers: ['z', 'y'], classes: ['maybe', 'no', 'yes'] });
        expect([...encoded.itemOf, ...encoded.workerOf, ...encoded.labelOf]).toEqual([0, 1, 0, 0, 1, 1, 1, 2, 0]);
        const given = encodeAnswers([{ item: 'a', worker: 'y', label: 'yes' }], { classes: ['yes', 'no'] });
        expect(given.classes).toEqual(['yes', 'no']);
        expect([...given.labelOf]).toEqual([0]);
    });

    it('fixes gold by class id, ignores gold for items nobody answered, and names a gold label outside the set', () => {
        const answers: Answer[] = [
            { item: 'a', worker: 'x', label: 'no' },
            { item: 'b', worker: 'x', label: 'yes' },
        ];
        const gold = new Map([
            ['b', 'no'],
            ['unseen', 'yes'],
        ]);
        expect([...encodeAnswers(answers, { gold }).gold]).toEqual([-1, 0]);
        expect(() => encodeAnswers(answers, { gold: new Map([['a', 'maybe']]) })).toThrow(
            "gold label 'maybe' of item 'a' is not one of no, yes",
        );
        expect(() => encodeAnswers(answers, { classes: ['yes'] })).toThrow("answer 1 (item 'a', worker 'x'): label 'no' is not one of yes");
    });

    it('from integer ids: named by their numbers, no gold unless given', () => {
        const encoded = encodedFromIds({ items: 2, workers: 1, classes: 2 }, Int32Array.of(1), Int32Array.of(0), Int32Array.of(1));
        expect(encoded).toMatchObject({ items: ['0', '1'], workers: ['0'], classes: ['0', '1'] });
        expect([...encoded.gold]).toEqual([-1, -1]);
    });
});

describe('items and workers without answers', () => {
    // Item 2 and worker 1 exist but nothing was said about / by them.
    const encoded = encodedFromIds({ items: 3, workers: 2, classes: 2 }, Int32Array.of(0, 1), Int32Array.of(0, 0), Int32Array.of(1, 0));

    it('an unanswered item is an even tie; a worker who answered nothing has no accuracy (majority) or no skill (Wawa)', () => {
        const majority = majorityVote(encoded);
        expect(majority.items[2]).toEqual({ item: '2', label: null, confidence: 0.5, tie: ['0', '1'] });
        expect(majority.workers[1]).toEqual({ worker: '1', accuracy: NaN, answers: 0 });
        expect(majority.classPriors).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.5, 12)]);
        const weighted = wawa(encoded);
        expect(weighted.items[2]).toMatchObject({ label: null, confidence: 0.5 });
        expect(weighted.workers[1]).toEqual({ worker: '1', accuracy: 0, answers: 0 });
        expect(weighted.classPriors).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.5, 12)]);
    });
});

/** Spearman's rank correlation (no ties expected). */
function rankCorrelation(a: readonly number[], b: readonly number[]): number {
    const ranks = (v: readonly number[]) => {
        const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
        const r = new Array<number>(v.length);
        order.forEach(([, i], rank) => (r[i] = rank));
        return r;
    };
    const ra = ranks(a);
    const rb = ranks(b);
    const n = a.length;
    const d2 = ra.reduce((s, r, i) => s + (r - rb[i]) ** 2, 0);
    return 1 - (6 * d2) / (n * (n * n - 1));
}
