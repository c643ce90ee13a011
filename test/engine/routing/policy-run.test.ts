/**
 * One task's routing run, item by item, as `dprog run`, `dprog simulate` and the editor's queue drive
 * it: what an item's outcome is (done, waiting for a person, exhausted), what is bought and charged,
 * which items become gold questions, when the estimates are refit, and what the final report says.
 */
import { describe, expect, it } from 'vitest';
import { PolicyRun, reportOf, type Ask } from '../../../engine/src/routing/policy-run.js';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';

const classes = ['ham', 'spam'];

const policy = (overrides: Partial<RoutingPolicy> = {}): RoutingPolicy => ({
    strategy: 'cascade',
    labelers: [
        { name: 'rules', kind: 'rules', cost: 0, accuracy: 0.8 },
        { name: 'crowd', kind: 'human', cost: 0.1, accuracy: 0.8, pool: 3 },
    ],
    target: 0.9,
    maxLabels: 3,
    method: 'one_coin',
    goldShare: 0,
    ...overrides,
});

const everyone = ['rules', 'crowd', 'crowd#2', 'crowd#3'];
const always =
    (label: string): Ask =>
    () =>
        label;

describe('routing one item', () => {
    it('is done when the answers reach the target: rules then one person who agrees (0.8 and 0.8: 0.94)', () => {
        const run = new PolicyRun(policy(), classes);
        const outcome = run.route('a', everyone, always('spam'));
        expect(outcome.status).toBe('done');
        expect(outcome.bought.map((c) => c.member)).toEqual(['rules', 'crowd']);
        expect(run.totals).toEqual({
            cost: 0.1,
            answers: 2,
            byLabeler: { rules: { answers: 1, cost: 0 }, crowd: { answers: 1, cost: 0.1 } },
        });
        expect(run.routed).toEqual(new Set(['a']));
    });

    it('waits for a person who is not here yet, keeping what was bought, and goes on from there later', () => {
        const run = new PolicyRun(policy(), classes);
        const ask: Ask = (_, c) => (c.member === 'rules' ? 'spam' : 'wait');
        const waiting = run.route('a', everyone, ask);
        expect(waiting.status).toBe('waiting');
        expect(waiting.waitingFor?.member).toBe('crowd');
        expect(waiting.bought.map((c) => c.member)).toEqual(['rules']);
        expect(run.router.answers('a')).toHaveLength(1);
        const later = run.route('a', ['crowd', 'crowd#2'], always('spam'));
        expect(later.status).toBe('done');
        expect(later.bought.map((c) => c.member)).toEqual(['crowd']);
        expect(run.totals.answers).toBe(2);
    });

    it('skips an answerer who abstains (nothing bought or charged) and is exhausted when nobody is left', () => {
        const run = new PolicyRun(policy(), classes);
        const ask: Ask = (_, c) => (c.member === 'rules' ? null : 'ham');
        const outcome = run.route('a', ['rules', 'crowd'], ask);
        expect(outcome.status).toBe('exhausted');
        expect(outcome.bought.map((c) => c.member)).toEqual(['crowd']);
        expect(run.totals.byLabeler).toEqual({ crowd: { answers: 1, cost: 0.1 } });
        expect(run.router.answers('a')).toEqual([['crowd', 0]]);
    });

    it('is exhausted at the label limit when the answers disagree, and charges money without rounding errors', () => {
        const run = new PolicyRun(policy({ target: 0.99 }), classes);
        const ask: Ask = (_, c) => (c.member === 'crowd#2' ? 'ham' : 'spam');
        const outcome = run.route('a', everyone, ask);
        expect(outcome.status).toBe('done'); // the label limit (3) finishes an item
        expect(run.totals.answers).toBe(3);
        run.route('b', ['crowd', 'crowd#2', 'crowd#3'], ask);
        expect(run.totals.cost).toBe(0.5); // 0.1 five times, not 0.49999999999999994
        expect(run.totals.byLabeler.crowd).toEqual({ answers: 5, cost: 0.5 });
    });
});

describe('gold questions', () => {
    it('plants an item with a known label in the task’s classes as gold, at the planned share of people’s answers', () => {
        const run = new PolicyRun(policy({ goldShare: 0.25 }), classes);
        run.route('g', everyone, always('spam'), 'spam');
        expect(run.router.isGold('g')).toBe(true);
        expect(run.router.answers('g')).toHaveLength(3); // a gold question is asked up to its cap, to score people
        run.route('x', everyone, always('spam'), 'spam');
        expect(run.router.isGold('x')).toBe(false); // 3 of 3 people's answers were gold: enough for now
        expect(run.goldShare).toBeCloseTo(3 / 4, 12);
    });

    it('never plants a label outside the classes, an item that already has answers, or anything at a zero share', () => {
        const run = new PolicyRun(policy({ goldShare: 0.5 }), classes);
        run.route('odd', everyone, always('spam'), 'maybe');
        expect(run.router.isGold('odd')).toBe(false);
        run.route('w', everyone, (_, c) => (c.member === 'rules' ? 'spam' : 'wait'));
        run.route('w', everyone, always('spam'), 'spam');
        expect(run.router.isGold('w')).toBe(false);
        const none = new PolicyRun(policy(), classes);
        none.route('g', everyone, always('spam'), 'spam');
        expect(none.router.isGold('g')).toBe(false);
        expect(none.goldShare).toBe(0);
    });
});

describe('refitting the estimates', () => {
    it('refits after every `reestimateEvery` items, and not while no new answers came', () => {
        // reestimateEvery 2: a refit needs two items passed and at least 10% of all answers new since the last one.
        const run = new PolicyRun(policy(), classes, 2);
        const prior = run.router.estimates.calibration;
        run.route('a', everyone, always('spam'));
        expect(run.router.estimates.calibration).toBe(prior);
        run.route('b', everyone, always('ham'));
        const refit = run.router.estimates.calibration;
        expect(refit).not.toBe(prior);
        // Two more items that nobody answers: items passed, but no answers since the last refit.
        run.route('c', everyone, () => null);
        run.route('d', everyone, () => null);
        expect(run.router.estimates.calibration).toBe(refit);
        run.route('e', everyone, always('spam'));
        expect(run.router.estimates.calibration).not.toBe(refit);
    });
});

describe('the report of a run', () => {
    it('labels the non-gold items, counts items nobody answered and gold questions, and says whether the target is reached', () => {
        const run = new PolicyRun(policy({ goldShare: 0.2, target: 0.45 }), classes);
        run.route('g', everyone, always('spam'), 'spam');
        for (let i = 0; i < 30; i++) {
            run.route(`i${i}`, everyone, always(i % 2 ? 'spam' : 'ham'));
        }
        run.route('silent', everyone, () => null);
        const report = reportOf(run);
        expect(report.goldItems).toBe(1);
        expect(report.unasked).toBe(1);
        expect(report.labels.map((l) => l.item)).not.toContain('g');
        expect(report.labels).toHaveLength(30);
        expect(report.labels.find((l) => l.item === 'i1')?.label).toBe('spam');
        expect(report.estimatedAccuracy).toBeGreaterThan(0.6);
        expect(report.accuracyInterval[0]).toBeLessThanOrEqual(report.estimatedAccuracy);
        expect(report.accuracyInterval[0]).toBeGreaterThanOrEqual(0.45);
        expect(report.targetReached).toBe(true);
        expect(report.targetOutOfReach).toBe(false);
    });

    it('calls a target above what the labels can show out of reach, and not reached', () => {
        const run = new PolicyRun(policy({ target: 0.95, maxLabels: 1 }), classes);
        for (let i = 0; i < 30; i++) {
            run.route(`i${i}`, everyone, always(i % 2 ? 'spam' : 'ham'));
        }
        const report = reportOf(run);
        expect(report.accuracyInterval[1]).toBeLessThan(0.95);
        expect(report).toMatchObject({ targetReached: false, targetOutOfReach: true, unasked: 0, goldItems: 0 });
    });
});

describe('a run without known labels', () => {
    it('plants no gold question when no label is known, whatever the share', () => {
        const run = new PolicyRun(policy({ goldShare: 0.5 }), classes);
        expect(run.route('a', everyone, always('spam')).status).toBe('done');
        expect(run.router.isGold('a')).toBe(false);
    });

    it('does not refit for an item whose answers are under a tenth of all answers', () => {
        const wide = policy({
            maxLabels: 20,
            target: 0.99,
            labelers: [{ name: 'crowd', kind: 'human', cost: 0.1, accuracy: 0.6, pool: 30 }],
        });
        const people = Array.from({ length: 30 }, (_, n) => (n ? `crowd#${n + 1}` : 'crowd'));
        const run = new PolicyRun(wide, classes, 1);
        run.route('big', people, (_, c) => (Number(c.member.split('#')[1] ?? 1) % 2 ? 'spam' : 'ham'));
        expect(run.totals.answers).toBe(20);
        const refit = run.router.estimates.calibration;
        run.route('small', people.slice(0, 1), always('spam')); // 1 answer: under 10% of 21
        expect(run.router.estimates.calibration).toBe(refit);
        run.route('more', people.slice(0, 3), always('spam')); // 3 answers: over 10% of 24
        expect(run.router.estimates.calibration).not.toBe(refit);
    });

    it('reports an item that stopped at its target as done, although finishing it then moves its answerers’ estimates', () => {
        // Fourteen items, each answered "right" by the first person of a 90% crowd: one answer reaches 0.90 exactly
        // around the target, so the estimate update that finishing makes can move the posterior to either side of it.
        const crowd = policy({
            strategy: 'best',
            target: 0.9,
            maxLabels: 10,
            labelers: [{ name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.9 }],
        });
        const run = new PolicyRun(crowd, classes, 25);
        for (let i = 0; i < 14; i++) {
            const outcome = run.route(`i${i}`, ['a', 'b', 'c', 'd'], always(i % 2 ? 'spam' : 'ham'));
            const asked = run.router.answers(`i${i}`).length;
            // Exhausted means nobody was left to ask: never while someone available has not answered.
            expect(outcome.status === 'done' || asked === 4, `i${i}: ${outcome.status} after ${asked} answers`).toBe(true);
        }
    });
});
