/**
 * What turns a model's posterior into a confidence that means what it says. Two corrections:
 *
 * - **temperature** τ in (0, 1]: answers on one item are not independent (hard items fool several
 *   people at once), so their log-likelihood counts τ times. τ is fit without any gold, by how well
 *   the model predicts each answer from the item's other answers (held-out answers).
 * - **floor** ε: on some items the crowd as a whole is misled; no number of answers fixes those,
 *   and answers alone cannot tell them apart. So with probability ε the truth is another class than
 *   the answers say, which caps confidence at about 1 − ε. ε is learned from planted gold
 *   questions (their answers are aggregated as if the gold were unknown), under a Beta prior.
 */

export interface Calibration {
    /** Answer evidence is multiplied by this in log space, in (0, 1]. Fit without gold. */
    temperature: number;
    /** Posterior mean share of items on which the crowd is misled. */
    floor: number;
    /** The floor's 5% and 95% posterior quantiles. */
    floorRange: [number, number];
    /** Planted gold questions the floor was learned from; `misled`: expected number the answers alone got wrong. */
    gold: { questions: number; misled: number };
}

/** Prior on the floor: Beta(1, 39) — mean 2.5%, 95% quantile 7.4%, worth 40 gold questions. */
export const FLOOR_PRIOR = { a: 1, b: 39 } as const;

/** The floor with no planted gold: the prior alone. */
export const priorCalibration: Calibration = fitFloor([], 2, 1);

/** No correction at all (what a raw model posterior assumes). */
export const noCalibration: Calibration = { temperature: 1, floor: 0, floorRange: [0, 0], gold: { questions: 0, misled: 0 } };

/** One item's calibrated class posterior from its raw log-evidence: prior + τ·evidence, normalised, then floored. */
export function calibratedRow(
    logPrior: ArrayLike<number>,
    logEvidence: ArrayLike<number>,
    calibration: Calibration,
    floor = calibration.floor,
): Float64Array {
    const K = logPrior.length;
    const row = new Float64Array(K);
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
        max = Math.max(max, (row[k] = logPrior[k] + calibration.temperature * logEvidence[k]));
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
        sum += row[k] = Math.exp(row[k] - max);
    }
    for (let k = 0; k < K; k++) {
        row[k] /= sum;
    }
    return applyFloor(row, floor);
}

/** Mixes a posterior row with "the crowd is misled": p' = (1 − ε)·p + ε·(1 − p)/(K − 1). In place; returns the row. */
export function applyFloor(row: Float64Array, floor: number): Float64Array {
    const K = row.length;
    if (K < 2 || floor <= 0) {
        return row;
    }
    for (let k = 0; k < K; k++) {
        row[k] = floorConfidence(row[k], floor, K);
    }
    return row;
}

/** One class's probability p after the floor ε: (1 − ε)·p + ε·(1 − p)/(K − 1). */
export function floorConfidence(p: number, floor: number, K: number): number {
    return (1 - floor) * p + (floor * (1 - p)) / Math.max(1, K - 1);
}

/** The inverse: the probability before the floor ε was applied (the floor is linear in p). */
export function unfloorConfidence(p: number, floor: number, K: number): number {
    const off = floor / Math.max(1, K - 1);
    return Math.min(1, Math.max(0, (p - off) / (1 - floor - off)));
}

/** The highest confidence any item can reach: an item at it gains nothing from more answers. */
export function confidenceCeiling(calibration: Calibration): number {
    return 1 - calibration.floor;
}

/**
 * The floor's posterior on a grid, from planted gold questions: `cases` are the raw (unfloored)
 * posteriors of gold items computed as if their gold were unknown, with the true class.
 * Likelihood of one case: (1 − ε)·p_truth + ε·(1 − p_truth)/(K − 1).
 */
export function fitFloor(cases: readonly { row: ArrayLike<number>; truth: number }[], K: number, temperature: number): Calibration {
    const steps = 400;
    const grid = Float64Array.from({ length: steps }, (_, s) => (s + 0.5) / steps / 2); // ε in (0, 0.5)
    const logPost = grid.map((e) => (FLOOR_PRIOR.a - 1) * Math.log(e) + (FLOOR_PRIOR.b - 1) * Math.log(1 - e));
    let misled = 0;
    for (const { row, truth } of cases) {
        const p = row[truth];
        misled += 1 - p;
        for (let s = 0; s < steps; s++) {
            logPost[s] += Math.log((1 - grid[s]) * p + (grid[s] * (1 - p)) / Math.max(1, K - 1));
        }
    }
    const max = logPost.reduce((a, b) => Math.max(a, b), -Infinity);
    const weight = logPost.map((l) => Math.exp(l - max));
    const total = weight.reduce((a, b) => a + b, 0);
    let mean = 0;
    let cumulative = 0;
    let low = grid[0];
    let high = grid[steps - 1];
    let lowFound = false;
    let highFound = false;
    for (let s = 0; s < steps; s++) {
        mean += (grid[s] * weight[s]) / total;
        cumulative += weight[s] / total;
        if (!lowFound && cumulative >= 0.05) {
            [low, lowFound] = [grid[s], true];
        }
        if (!highFound && cumulative >= 0.95) {
            [high, highFound] = [grid[s], true];
        }
    }
    return { temperature, floor: mean, floorRange: [low, high], gold: { questions: cases.length, misled } };
}
