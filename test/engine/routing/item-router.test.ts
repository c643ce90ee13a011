/** The live router: what the executor calls as answers arrive. */
import { describe, expect, it } from 'vitest';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { ItemRouter } from '../../../engine/src/routing/item-router.js';
import { GOLD_ANSWER_CAP } from '../../../engine/src/routing/policy.js';

const policy: RoutingPolicy = {
    strategy: 'best',
    labelers: [
        { name: 'keywords', kind: 'rules', cost: 0, accuracy: 0.7 },
        { name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7, pool: 50 },
    ],
    target: 0.95,
    maxLabels: 4,
    method: 'dawid_skene',
    goldShare: 0.05,
};

describe('ItemRouter', () => {
    it('asks the free rules first, then people, and stops at the target', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        expect(router.next('m1', ['alice', 'keywords', 'bob'])?.member).toBe('keywords');
        router.record('m1', 'keywords', 'spam');
        const person = router.next('m1', ['alice', 'keywords', 'bob'])!;
        expect(person.labeler.name).toBe('crowd');
        expect(person.member).not.toBe('keywords');
        router.record('m1', person.member, 'spam');
        expect(router.isDone('m1')).toBe(false); // 0.7 and 0.7 agreeing: 0.845 < 0.95
        const before = router.posterior('m1')[1];
        const third = router.next('m1', ['alice', 'keywords', 'bob'])!;
        router.record('m1', third.member, 'spam');
        expect(router.posterior('m1')[1]).toBeGreaterThan(before);
        expect(router.current('m1')).toMatchObject({ label: 'spam', answers: 3 });
        expect(router.answers('m1')).toHaveLength(3);
    });

    it('never calls an item nobody answered done, however lopsided the class prior', () => {
        const router = new ItemRouter({ ...policy, target: 0.6 }, ['ham', 'spam']);
        router.estimates.classPriors = Float64Array.from([0.02, 0.98]);
        expect(router.posterior('fresh')[1]).toBeGreaterThan(0.6); // the prior alone would pass the target
        expect(router.isDone('fresh')).toBe(false);
        expect(router.next('fresh', ['c'])?.member).toBe('c');
        expect(router.current('fresh')).toBeUndefined();
    });

    it('caps the answers a gold question gets', () => {
        const router = new ItemRouter({ ...policy, maxLabels: 10 }, ['ham', 'spam']);
        router.markGold('g', 'ham');
        const people = ['p1', 'p2', 'p3', 'p4', 'p5'];
        for (let next = router.next('g', people); next; next = router.next('g', people)) {
            router.record('g', next.member, 'ham');
        }
        expect(router.answers('g')).toHaveLength(GOLD_ANSWER_CAP);
    });

    it('accepts a declared accuracy of 100% as a strong prior that evidence can still lower', () => {
        const sure: RoutingPolicy = { ...policy, labelers: [{ name: 'oracle', kind: 'model', cost: 0, accuracy: 1 }, policy.labelers[1]] };
        const router = new ItemRouter(sure, ['ham', 'spam']);
        expect(router.estimates.accuracy('oracle')).toBeGreaterThan(0.99);
        for (let n = 0; n < 20; n++) {
            router.markGold(`g${n}`, 'ham');
            router.record(`g${n}`, 'oracle', n % 2 ? 'ham' : 'spam');
        }
        expect(router.estimates.accuracy('oracle')).toBeLessThan(0.8);
    });

    it('learns people from gold questions, skips those no better than chance, and asks the rest in the order they come', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        for (let n = 0; n < 12; n++) {
            const item = `gold${n}`;
            router.markGold(item, n % 2 ? 'spam' : 'ham');
            router.record(item, 'reliable', n % 2 ? 'spam' : 'ham');
            router.record(item, 'careless', n % 2 ? 'ham' : 'spam');
            router.record(item, 'decent', n % 4 ? (n % 2 ? 'spam' : 'ham') : n % 2 ? 'ham' : 'spam');
        }
        expect(router.estimates.accuracy('reliable')).toBeGreaterThan(0.85);
        expect(router.estimates.accuracy('careless')).toBeLessThan(0.5);
        expect(router.next('new', ['careless', 'reliable'])?.member).toBe('reliable');
        expect(router.next('new', ['decent', 'reliable'])?.member).toBe('decent');
        // A gold question goes to whoever we know least about.
        router.markGold('probe', 'ham');
        expect(router.next('probe', ['careless', 'reliable', 'stranger'])?.member).toBe('stranger');
    });

    it('stops at the label limit and when everyone available has answered', () => {
        const router = new ItemRouter({ ...policy, target: 0.9999 }, ['ham', 'spam']);
        for (const m of ['a', 'b', 'c', 'd']) {
            router.record('x', m, m === 'a' ? 'ham' : 'spam');
        }
        expect(router.isDone('x')).toBe(true);
        expect(router.next('x', ['e', 'f'])).toBeUndefined();
        router.record('y', 'a', 'ham');
        expect(router.next('y', ['a'])).toBeUndefined();
    });

    it('refuses a repeated answer and a label outside the set', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.record('x', 'a', 'ham');
        expect(() => router.record('x', 'a', 'spam')).toThrow(/'a' has already answered/);
        expect(() => router.record('x', 'b', 'eggs')).toThrow(/label 'eggs' is not one of ham, spam/);
    });

    it('re-estimates by EM without losing the direction of the labels, and aggregates every item', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        for (let i = 0; i < 30; i++) {
            const truth = i % 3 ? 'spam' : 'ham';
            router.record(`m${i}`, 'good1', truth);
            router.record(`m${i}`, 'good2', truth);
            router.record(`m${i}`, 'noisy', i % 2 ? 'spam' : 'ham');
            router.finish(`m${i}`);
        }
        router.reestimate();
        expect(router.estimates.accuracy('good1')).toBeGreaterThan(0.85);
        expect(router.estimates.accuracy('noisy')).toBeLessThan(0.7);
        const result = router.aggregateAll();
        expect(result.items).toHaveLength(30);
        expect(result.items.filter((l, i) => l.label === (i % 3 ? 'spam' : 'ham')).length).toBe(30);
    });

    it('an item restricted to some classes (a split member re-asked) has its posterior over them only and takes no other answer', () => {
        const classes = ['car', 'pickup', 'semi', 'bus'];
        const free = new ItemRouter(policy, classes);
        const router = new ItemRouter(policy, classes);
        router.restrict('f1', ['pickup', 'semi']);
        for (const r of [free, router]) {
            r.record('f1', 'alice', 'pickup');
        }
        const row = router.posterior('f1');
        expect(row[0]).toBe(0);
        expect(row[3]).toBe(0);
        expect(row[1] + row[2]).toBeCloseTo(1, 12);
        // The same answer is surer among two members than among four.
        expect(row[1]).toBeGreaterThan(free.posterior('f1')[1]);
        expect(router.allows('f1', 'car')).toBe(false);
        expect(() => router.record('f1', 'bob', 'car')).toThrow(/asked only among pickup, semi/);
        expect(router.allows('other', 'car')).toBe(true);
    });
});
