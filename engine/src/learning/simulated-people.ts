/**
 * Simulated labelers for dry runs and benchmarks: each answers with the gold label with its
 * declared accuracy and otherwise with a uniformly chosen wrong class. An item is asked of the
 * labelers in order until the one-coin posterior of the leading answer reaches the quality
 * target or the label limit is hit — the same stopping rule a cascade of real people follows.
 */
import type { Rng } from './random.js';

export interface SimulatedLabeler {
    name: string;
    /** Probability of answering correctly, in (0, 1]. */
    accuracy: number;
    /** Money per answer. */
    cost: number;
}

export interface SimulatedAnswer {
    labeler: string;
    label: string;
}

export interface AggregatedLabel {
    label: string;
    /** Posterior probability of `label` given the answers and the labelers' accuracies. */
    confidence: number;
    answers: SimulatedAnswer[];
    cost: number;
}

export function simulateAnswer(labeler: SimulatedLabeler, gold: string, labels: readonly string[], rng: Rng): string {
    if (rng() < labeler.accuracy || labels.length < 2) {
        return gold;
    }
    const wrong = labels.filter((l) => l !== gold);
    return wrong[Math.floor(rng() * wrong.length)];
}

/** Posterior over classes from answers, assuming each labeler errs uniformly (one-coin model). */
export function oneCoinPosterior(answers: readonly { label: string; accuracy: number }[], labels: readonly string[]): Map<string, number> {
    const logp = new Map(labels.map((l) => [l, 0]));
    for (const { label, accuracy } of answers) {
        const a = Math.min(Math.max(accuracy, 1e-6), 1 - 1e-6);
        const wrong = Math.log((1 - a) / Math.max(1, labels.length - 1));
        for (const l of labels) {
            logp.set(l, logp.get(l)! + (l === label ? Math.log(a) : wrong));
        }
    }
    const max = [...logp.values()].reduce((a, b) => Math.max(a, b), -Infinity);
    let sum = 0;
    for (const v of logp.values()) {
        sum += Math.exp(v - max);
    }
    return new Map([...logp].map(([l, v]) => [l, Math.exp(v - max) / sum]));
}

/** Asks labelers in turn (cycling through them) until the target or `maxLabels` answers. */
export function askSimulated(
    gold: string,
    labels: readonly string[],
    labelers: readonly SimulatedLabeler[],
    quality: { target: number; maxLabels: number },
    rng: Rng,
): AggregatedLabel {
    if (labelers.length === 0) {
        throw new Error('no simulated labelers to ask');
    }
    const answers: SimulatedAnswer[] = [];
    const given: { label: string; accuracy: number }[] = [];
    let cost = 0;
    let best = { label: gold, confidence: 0 };
    for (let i = 0; i < Math.max(1, quality.maxLabels); i++) {
        const labeler = labelers[i % labelers.length];
        const label = simulateAnswer(labeler, gold, labels, rng);
        answers.push({ labeler: labeler.name, label });
        given.push({ label, accuracy: labeler.accuracy });
        cost += labeler.cost;
        const posterior = oneCoinPosterior(given, labels);
        best = [...posterior].reduce((a, [l, p]) => (p > a.confidence ? { label: l, confidence: p } : a), { label: '', confidence: -1 });
        if (best.confidence >= quality.target) {
            break;
        }
    }
    return { label: best.label, confidence: best.confidence, answers, cost };
}
