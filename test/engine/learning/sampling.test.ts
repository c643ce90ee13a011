import { describe, expect, it } from 'vitest';
import { FeatureMatrix } from '../../../engine/src/data/feature-matrix.js';
import { hashTexts } from '../../../engine/src/data/hashed-featurizer.js';
import { Coverage, kCenterGreedy, projectRows } from '../../../engine/src/learning/k-center.js';
import { seededRng } from '../../../engine/src/learning/random.js';
import { selectBatch } from '../../../engine/src/learning/select-batch.js';
import { uncertainty, uncertainties } from '../../../engine/src/learning/uncertainty.js';

describe('uncertainty', () => {
    it('ranks a 50/50 prediction above a confident one under every strategy', () => {
        for (const strategy of ['least_confidence', 'margin', 'entropy'] as const) {
            expect(uncertainty(strategy, [0.5, 0.5])).toBeCloseTo(strategy === 'least_confidence' ? 0.5 : 1, 6);
            expect(uncertainty(strategy, [0.99, 0.01])).toBeLessThan(uncertainty(strategy, [0.6, 0.4]));
        }
    });

    it('margin looks at the top two classes only; entropy at all of them', () => {
        expect(uncertainty('margin', [0.4, 0.4, 0.2])).toBeCloseTo(1, 6);
        expect(uncertainty('margin', [0.4, 0.4, 0.2])).toBeCloseTo(uncertainty('margin', [0.45, 0.45, 0.1]), 6);
        expect(uncertainty('entropy', [0.4, 0.4, 0.2])).toBeGreaterThan(uncertainty('entropy', [0.45, 0.45, 0.1]));
        expect(uncertainty('entropy', [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(1, 6);
        expect([...uncertainties('least_confidence', Float32Array.from([0.9, 0.1, 0.2, 0.8]), 2)].map((v) => +v.toFixed(4))).toEqual([
            0.1, 0.2,
        ]);
    });
});

describe('k-center greedy', () => {
    // Points on a line: 0, 1, 2, 10, 11, 20.
    const xs = [0, 1, 2, 10, 11, 20];
    const points = Float32Array.from(xs);

    it('picks the farthest point from the covered ones, then the next farthest', () => {
        const picks = kCenterGreedy(points, 1, [1, 2, 3, 4, 5], [0], 2, seededRng(1));
        expect(picks.map((p) => xs[p.position])).toEqual([20, 10]);
        expect(picks[0].distance).toBeCloseTo(20, 6);
        expect(picks[1].distance).toBeCloseTo(10, 6);
    });

    it('without centers starts at a random point and covers every cluster before doubling up', () => {
        const picks = kCenterGreedy(points, 1, [0, 1, 2, 3, 4, 5], [], 3, seededRng(7));
        const clusters = new Set(picks.map((p) => (xs[p.position] < 5 ? 'a' : xs[p.position] < 15 ? 'b' : 'c')));
        expect(clusters.size).toBe(3);
    });

    it('picks exactly what a plain farthest-first scan picks (the lazy heap is only faster)', () => {
        const rng = seededRng(21);
        const dims = 6;
        const cloud = Float32Array.from({ length: 800 * dims }, () => rng());
        const candidates = Array.from({ length: 800 }, (_, i) => i).filter((i) => i % 7 !== 0);
        const centers = [0, 7, 14];
        // Reference: recompute every candidate's distance to every center, every step.
        const chosen = [...centers];
        const reference: number[] = [];
        for (let step = 0; step < 25; step++) {
            let best = -1;
            let bestDistance = -1;
            for (const c of candidates) {
                if (reference.includes(c)) {
                    continue;
                }
                const d = Math.min(
                    ...chosen.map((o) => cloud.slice(c * dims, c * dims + dims).reduce((s, v, j) => s + (v - cloud[o * dims + j]) ** 2, 0)),
                );
                if (d > bestDistance) {
                    [best, bestDistance] = [c, d];
                }
            }
            reference.push(best);
            chosen.push(best);
        }
        expect(kCenterGreedy(cloud, dims, candidates, centers, 25, seededRng(1)).map((p) => p.position)).toEqual(reference);
    });

    it('gives the same picks from incrementally kept coverage as from re-measuring every labeled item', () => {
        const rng = seededRng(11);
        const cloud = Float32Array.from({ length: 500 * 8 }, () => rng());
        const labeled = [3, 50, 120, 300];
        const candidates = Array.from({ length: 500 }, (_, i) => i).filter((i) => !labeled.includes(i));
        const coverage = new Coverage(cloud, 8);
        coverage.add(labeled.slice(0, 2));
        coverage.add(labeled.slice(2));
        const incremental = kCenterGreedy(cloud, 8, candidates, [], 10, seededRng(1), coverage.distances);
        const full = kCenterGreedy(cloud, 8, candidates, labeled, 10, seededRng(1));
        expect(incremental).toEqual(full);
    });

    it('projects wide sparse rows to 64 dense dimensions, roughly keeping distances', () => {
        const m = hashTexts(['alpha beta gamma', 'alpha beta gamma', 'delta epsilon zeta eta theta'], 4096);
        const p = projectRows(m);
        expect(p.length).toBe(3 * 64);
        const d = (a: number, b: number) => Math.sqrt(p.slice(a * 64, a * 64 + 64).reduce((s, v, i) => s + (v - p[b * 64 + i]) ** 2, 0));
        expect(d(0, 1)).toBe(0);
        expect(d(0, 2)).toBeGreaterThan(0.8); // true distance √2 between disjoint unit vectors
    });
});

describe('selectBatch', () => {
    const rows = 40;
    const features = FeatureMatrix.fromDense(
        Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) : 0)),
        2,
    );
    const points = features.denseRows(0, rows);
    // Row r has probability of class 0 equal to r / 40: rows near 20 are the most uncertain.
    const probabilities = Float32Array.from({ length: rows * 2 }, (_, i) =>
        i % 2 === 0 ? Math.floor(i / 2) / rows : 1 - Math.floor(i / 2) / rows,
    );
    const candidates = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 3 !== 0);

    it('takes the most uncertain candidates, and only candidates', () => {
        const picks = selectBatch({
            candidates,
            labeled: [],
            points,
            pointDims: 2,
            probabilities,
            classes: 2,
            strategy: 'margin',
            diversity: 0,
            size: 4,
            seed: 1,
        });
        // Margins: 20 → 0, 19 → 0.05, 22 → 0.1, 17 and 23 → 0.15 (tie: lower position); 18 and 21 are not candidates.
        expect(picks.map((p) => p.position).sort((a, b) => a - b)).toEqual([17, 19, 20, 22]);
        expect(picks.every((p) => candidates.includes(p.position) && p.reason === 'uncertainty')).toBe(true);
    });

    it('fills the declared share of the batch by k-center, away from what is labeled or chosen', () => {
        const picks = selectBatch({
            candidates,
            labeled: [1],
            points,
            pointDims: 2,
            probabilities,
            classes: 2,
            strategy: 'entropy',
            diversity: 0.5,
            size: 4,
            seed: 1,
        });
        expect(picks.filter((p) => p.reason === 'uncertainty')).toHaveLength(2);
        const diverse = picks.filter((p) => p.reason === 'diversity').map((p) => p.position);
        expect(diverse).toHaveLength(2);
        expect(diverse).toContain(38); // the far end of the line (39 is not a candidate)
        expect(new Set(picks.map((p) => p.position)).size).toBe(4);
    });

    it('cold start (no model): the whole batch by coverage, deterministic for a seed', () => {
        const a = selectBatch({ candidates, labeled: [], points, pointDims: 2, strategy: 'margin', diversity: 0.3, size: 5, seed: 4 });
        const b = selectBatch({ candidates, labeled: [], points, pointDims: 2, strategy: 'margin', diversity: 0.3, size: 5, seed: 4 });
        expect(a).toEqual(b);
        expect(a.every((p) => p.reason === 'cold_start')).toBe(true);
        const sorted = a.map((p) => p.position).sort((x, y) => x - y);
        // Five picks spread over 0..39 leave no gap wider than 16.
        expect(Math.max(...sorted.slice(1).map((v, i) => v - sorted[i]), sorted[0], 39 - sorted[4])).toBeLessThanOrEqual(16);
    });

    it('random strategy samples uniformly from candidates and never more than there are', () => {
        const picks = selectBatch({
            candidates: [3, 4],
            labeled: [],
            points,
            pointDims: 2,
            probabilities,
            classes: 2,
            strategy: 'random',
            diversity: 0,
            size: 10,
            seed: 2,
        });
        expect(picks.map((p) => p.position).sort()).toEqual([3, 4]);
    });
});
