/** Replay simulation on small hand-made answer sets: who is asked, when an item stops, what is counted. */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../engine/src/quality/answers.js';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { recordedAnswers, simulateReplay } from '../../../engine/src/routing/simulate.js';
import { crowdPolicy } from './crowd-policy.js';

describe('replay rules', () => {
    /** Two items; workers named after what they do. */
    const answers: Answer[] = [
        { item: 'x', worker: 'rules', label: 'spam' },
        { item: 'x', worker: 'p1', label: 'spam' },
        { item: 'x', worker: 'p2', label: 'spam' },
        { item: 'x', worker: 'expert', label: 'spam' },
        { item: 'y', worker: 'p1', label: 'ham' },
        { item: 'y', worker: 'p3', label: 'spam' },
    ];
    const policy = (strategy: 'cascade' | 'best', target: number, maxLabels = 5): RoutingPolicy => ({
        strategy,
        labelers: [
            { name: 'rules', kind: 'rules', cost: 0, accuracy: 0.75 },
            { name: 'expert', kind: 'human', cost: 0.1, accuracy: 0.97 },
            { name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7, pool: 50 },
        ],
        target,
        maxLabels,
        method: 'one_coin',
        goldShare: 0,
    });

    it('asks only those who really answered an item, and stops when nobody is left', () => {
        const result = simulateReplay(policy('cascade', 0.999), answers);
        // y's two people disagree: both are asked and nobody else (none is invented).
        expect(result.labelsUsed).toBeLessThanOrEqual(answers.length);
        expect(result.labels.find((l) => l.item === 'y')).toBeDefined();
        const onY = simulateReplay(policy('cascade', 0.999), answers.slice(4), { classes: ['ham', 'spam'] });
        expect(onY.labelsUsed).toBe(2);
        expect(onY.byLabeler).toEqual({ crowd: { answers: 2, cost: 0.02 } });
    });

    it('cascade asks in route order and stops as soon as the target is reached', () => {
        // Rules (0.75) then the expert (0.97), as listed: they agree, the target is reached, x stops at 2.
        const result = simulateReplay(policy('cascade', 0.85), answers.slice(0, 4), { classes: ['ham', 'spam'] });
        expect(result.labelsUsed).toBe(2);
        expect(result.byLabeler).toEqual({ rules: { answers: 1, cost: 0 }, expert: { answers: 1, cost: 0.1 } });
    });

    it('best asks the labeler with the most accuracy per cost: the free rules, then a person of the crowd rather than the expert', () => {
        // After rules (0.75): crowd gives (0.7−0.5)/0.01 = 20 per $, the expert (0.97−0.5)/0.1 = 4.7 per $.
        const result = simulateReplay(policy('best', 0.85), answers.slice(0, 4), { classes: ['ham', 'spam'] });
        // Rules (0.75) and one person (0.7) agree: posterior 0.875 ≥ 0.85.
        expect(result.byLabeler).toEqual({ rules: { answers: 1, cost: 0 }, crowd: { answers: 1, cost: 0.01 } });
    });

    it('respects the label limit', () => {
        const result = simulateReplay(policy('cascade', 0.9999, 2), answers);
        expect(result.labelsUsed).toBe(4);
    });

    it('needs the label set when the answers show only one class', () => {
        expect(() => simulateReplay(policy('best', 0.9), answers.slice(0, 4))).toThrow(/at least two classes/);
    });

    it('rejects a bad policy with the reasons', () => {
        expect(() => simulateReplay({ ...policy('best', 1.5), maxLabels: 0 }, answers)).toThrow(
            /target 1.5 must be in \(0, 1\).*at most 0 labels/,
        );
    });
});

describe('recorded answers', () => {
    const person = (target: number): RoutingPolicy => ({ ...crowdPolicy(target), method: 'one_coin', goldShare: 0 });

    it('keeps a person’s first answer on an item, and names an answer outside the label set', () => {
        const answers: Answer[] = [
            { item: 'x', worker: 'ann', label: 'spam' },
            { item: 'x', worker: 'ann', label: 'ham' },
            { item: 'x', worker: 'bob', label: 'spam' },
        ];
        const recorded = recordedAnswers(answers, ['ham', 'spam']);
        expect(recorded).toEqual(
            new Map([
                [
                    'x',
                    new Map([
                        ['ann', 'spam'],
                        ['bob', 'spam'],
                    ]),
                ],
            ]),
        );
        expect(() => recordedAnswers(answers, ['spam', 'eggs'])).toThrow("item 'x', worker 'ann': label 'ham' is not one of spam, eggs");
    });

    it('counts the items and the answers there were, and scores only items with a truth', () => {
        const answers: Answer[] = [
            ...['a', 'b', 'c', 'd'].map((worker) => ({ item: 'sure', worker, label: 'spam' })),
            { item: 'split', worker: 'a', label: 'spam' },
            { item: 'split', worker: 'b', label: 'ham' },
        ];
        const result = simulateReplay(person(0.9), answers);
        expect(result).toMatchObject({ items: 2, goldItems: 0, labelsAvailable: 6, unasked: 0 });
        expect(result.accuracy).toBeUndefined();
        expect(simulateReplay(person(0.9), answers, { truth: new Map([['other', 'ham']]) }).accuracy).toBeUndefined();
        const scored = simulateReplay(person(0.9), answers, { truth: new Map([['sure', 'spam']]) });
        expect(scored.accuracy).toBe(1);
        expect(scored.labels.map((l) => l.item).sort()).toEqual(['split', 'sure']);
    });

    it('says which label set it needs when the answers show one class', () => {
        const one: Answer[] = [{ item: 'x', worker: 'a', label: 'spam' }];
        expect(() => simulateReplay(person(0.9), one)).toThrow(
            "the answers use 1 label(s); give the task's label set (at least two classes)",
        );
    });

    it('takes the label set sorted from the answers, so a tie lists its classes in order', () => {
        const answers: Answer[] = [
            { item: 'x', worker: 'a', label: 'spam' },
            { item: 'x', worker: 'b', label: 'ham' },
        ];
        const result = simulateReplay({ ...person(0.99), method: 'majority' }, answers);
        expect(result.labels).toEqual([expect.objectContaining({ item: 'x', label: null, tie: ['ham', 'spam'] })]);
    });

    it('counts gold questions apart from the items labelled, and the items whose posterior reached the target', () => {
        const answers: Answer[] = [];
        for (let i = 0; i < 12; i++) {
            for (const worker of ['a', 'b', 'c', 'd']) {
                answers.push({ item: `i${i}`, worker, label: i % 2 ? 'spam' : 'ham' });
            }
        }
        answers.push({ item: 'split', worker: 'a', label: 'spam' }, { item: 'split', worker: 'b', label: 'ham' });
        const truth = new Map(answers.map((a) => [a.item, a.label]));
        const policy: RoutingPolicy = {
            ...person(0.9),
            labelers: [{ name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.8 }],
            goldShare: 0.2,
        };
        const result = simulateReplay(policy, answers, { truth });
        expect(result.goldItems).toBeGreaterThan(0);
        expect(result.items + result.goldItems).toBe(13);
        expect(result.labels).toHaveLength(result.items);
        expect(result.reachedTarget).toBe(result.items - 1); // every item but the split one
    });
});
