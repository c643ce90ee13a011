/** The live router: what the executor calls as answers arrive. */
import { describe, expect, it } from 'vitest';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { ItemRouter } from '../../../engine/src/routing/item-router.js';
import { GOLD_ANSWER_CAP } from '../../../engine/src/routing/policy.js';
import { noCalibration } from '../../../engine/src/quality/calibration.js';

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

    it('keeps asking a gold question that already looks settled, until the cap (either class)', () => {
        const router = new ItemRouter({ ...policy, target: 0.6, maxLabels: 10 }, ['ham', 'spam']);
        router.record('plain', 'p1', 'spam');
        expect(router.isDone('plain')).toBe(true); // one 0.7 answer passes a 0.6 target
        for (const label of ['ham', 'spam']) {
            const item = `gold-${label}`;
            router.markGold(item, label);
            expect(router.isGold(item)).toBe(true);
            expect(router.goldOf(item)).toBe(label);
            expect(router.isDone(item)).toBe(false);
            for (let n = 1; n < GOLD_ANSWER_CAP; n++) {
                router.record(item, `q${n}`, label);
                expect(router.isDone(item)).toBe(false);
                expect(router.next(item, ['q1', 'q2', 'q3', 'q4', 'q5'])).toBeDefined();
            }
            router.record(item, `q${GOLD_ANSWER_CAP}`, label);
            expect(router.isDone(item)).toBe(true);
            expect(router.next(item, ['q4', 'q5'])).toBeUndefined();
        }
        expect(router.isGold('plain')).toBe(false);
        expect(router.goldOf('plain')).toBeUndefined();
    });

    it('stops a gold question at the cap however much its answers disagree, and earlier at the label limit', () => {
        const router = new ItemRouter({ ...policy, target: 0.99, maxLabels: 10 }, ['ham', 'spam']);
        router.markGold('g', 'spam');
        const labels = ['ham', 'spam', 'ham', 'spam'].slice(0, GOLD_ANSWER_CAP);
        labels.forEach((label, n) => router.record('g', `p${n}`, label));
        expect(Math.max(...router.posterior('g'))).toBeLessThan(0.99);
        expect(router.isDone('g')).toBe(true);
        const capped = new ItemRouter({ ...policy, maxLabels: GOLD_ANSWER_CAP - 1 }, ['ham', 'spam']);
        capped.markGold('g', 'ham');
        for (let n = 0; n < GOLD_ANSWER_CAP - 1; n++) {
            capped.record('g', `p${n}`, 'ham');
        }
        expect(capped.isDone('g')).toBe(true);
    });

    it('scores answerers on a gold question at once, and not again when it finishes', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.markGold('g', 'spam');
        const before = router.estimates.evidence('p1').gold;
        router.record('g', 'p1', 'ham');
        expect(router.estimates.evidence('p1').gold).toBeGreaterThan(before);
        const accuracy = router.estimates.accuracy('p1');
        expect(accuracy).toBeLessThan(0.7);
        router.finish('g');
        expect(router.estimates.accuracy('p1')).toBe(accuracy);
        expect(router.estimates.evidence('p1').agreement).toBe(0);
        router.record('m', 'p1', 'ham');
        router.record('m', 'p2', 'ham');
        router.finish('m');
        expect(router.estimates.evidence('p1').agreement).toBeGreaterThan(0);
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

describe('ItemRouter, answerers and bookkeeping', () => {
    it('refuses a bad policy (every problem named) and a label set of fewer than two classes', () => {
        expect(() => new ItemRouter({ ...policy, target: 2, maxLabels: 0 }, ['ham', 'spam'])).toThrow(
            'routing policy: target 2 must be in (0, 1); at most 0 labels: must be a whole number ≥ 1',
        );
        expect(() => new ItemRouter(policy, ['ham'])).toThrow("routing needs the task's label set (at least two classes), got 1");
    });

    it('counts an answerer as the labeler of its name (crowd#2 too), anyone else in the largest human pool', () => {
        const small = { name: 'experts', kind: 'human' as const, cost: 1, accuracy: 0.9, pool: 2 };
        const router = new ItemRouter({ ...policy, labelers: [...policy.labelers, small] }, ['ham', 'spam']);
        expect(router.labeler('keywords').name).toBe('keywords');
        expect(router.labeler('experts#2').name).toBe('experts');
        expect(router.labeler('alice').name).toBe('crowd');
        const machines = new ItemRouter({ ...policy, labelers: [policy.labelers[0]] }, ['ham', 'spam']);
        expect(() => machines.labeler('alice')).toThrow(
            "answerer 'alice' is not a labeler of the route (keywords) and the route has no human labeler to count them in",
        );
    });

    it('calls the leading class current, the first of equals on a tie', () => {
        const router = new ItemRouter({ ...policy, method: 'one_coin' }, ['ham', 'spam']);
        router.record('tie', 'p1', 'spam');
        router.record('tie', 'p2', 'ham');
        expect(router.current('tie')).toMatchObject({ label: 'ham', answers: 2 });
        expect(router.current('tie')!.confidence).toBeCloseTo(0.5);
        router.record('lead', 'p1', 'spam');
        expect(router.current('lead')!.label).toBe('spam');
    });

    it('scores answerers against gold only on gold questions', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.record('plain', 'p1', 'spam');
        expect(router.estimates.evidence('p1').gold).toBe(0);
    });

    it('sends a gold question to the least known answerer, by name among equals', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        for (let n = 0; n < 4; n++) {
            router.record(`m${n}`, 'known', 'spam');
            router.record(`m${n}`, 'other', 'spam');
            router.finish(`m${n}`);
        }
        expect(router.estimates.evidence('known').agreement).toBeGreaterThan(0);
        router.markGold('probe', 'ham');
        expect(router.next('probe', ['known', 'zed', 'amy'])?.member).toBe('amy');
        expect(router.next('probe', ['known', 'zed'])?.member).toBe('zed');
    });

    it('lists the answered items in order, restores estimates, and re-estimates nothing without answers', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.reestimate();
        expect(router.itemsAnswered()).toEqual([]);
        router.record('b', 'p1', 'spam');
        router.record('a', 'p1', 'ham');
        router.markGold('g', 'ham');
        router.record('g', 'p1', 'spam');
        router.markGold('unasked', 'ham');
        expect(router.itemsAnswered()).toEqual(['b', 'a', 'g']);
        const fresh = new ItemRouter(policy, ['ham', 'spam']);
        expect(fresh.estimates.accuracy('p1')).not.toBeCloseTo(router.estimates.accuracy('p1'));
        fresh.restore(router.estimates.toRecords());
        expect(fresh.estimates.accuracy('p1')).toBeCloseTo(router.estimates.accuracy('p1'));
    });

    it('knows the label of a gold question, and of nothing else', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.markGold('g', 'spam');
        router.record('plain', 'p1', 'ham');
        expect(router.goldOf('g')).toBe('spam');
        expect(router.goldOf('plain')).toBeUndefined();
        expect(router.goldOf('never-seen')).toBeUndefined();
        expect(() => router.markGold('h', 'eggs')).toThrow("label 'eggs' is not one of ham, spam");
    });

    it('asks a gold question of equally known answerers in name order, however they are listed', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.markGold('probe', 'ham');
        expect(router.next('probe', ['dan', 'cat', 'bob', 'amy', 'eve'])?.member).toBe('amy');
    });

    it('keeps restored estimates when a refit finds no answers to refit from', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.restore([
            { labeler: 'p1', accuracy: 0.9, confusion: { ham: { ham: 0.9, spam: 0.1 }, spam: { ham: 0.1, spam: 0.9 } }, n: 40 },
        ]);
        router.reestimate();
        expect(router.estimates.accuracy('p1')).toBeCloseTo(0.9, 12);
        expect(router.estimates.labelers()).toEqual(['p1']);
    });

    it('a person of a smaller pool keeps their labeler whatever their number (experts#12)', () => {
        const experts = { name: 'experts', kind: 'human' as const, cost: 1, accuracy: 0.9, pool: 20 };
        const router = new ItemRouter({ ...policy, labelers: [...policy.labelers, experts] }, ['ham', 'spam']);
        expect(router.labeler('experts#12').name).toBe('experts');
        expect(router.labeler('experts/ann').name).toBe('experts');
        expect(router.labeler('crowd#3').name).toBe('crowd');
        expect(router.labeler('keywords/x').name).toBe('crowd'); // a rule set has no people: anyone else is the largest pool's
    });

    it('caps a target above what any item can reach just under the ceiling the floor sets', () => {
        const high = new ItemRouter({ ...policy, target: 0.99 }, ['ham', 'spam']);
        expect(high.reachableTarget()).toBeCloseTo(1 - high.estimates.calibration.floor - 0.005, 12);
        expect(high.reachableTarget()).toBeLessThan(0.99);
        const low = new ItemRouter({ ...policy, target: 0.9 }, ['ham', 'spam']);
        expect(low.reachableTarget()).toBe(0.9);
    });

    it('judges items by full confusion matrices under Dawid-Skene, by one accuracy per answerer otherwise', () => {
        // 'yea' says spam to everything on ten gold questions of each class: right on spam, wrong on ham.
        const trained = (method: RoutingPolicy['method']) => {
            const router = new ItemRouter({ ...policy, method }, ['ham', 'spam']);
            for (let n = 0; n < 20; n++) {
                router.markGold(`g${n}`, n % 2 ? 'spam' : 'ham');
                router.record(`g${n}`, 'yea', 'spam');
            }
            router.estimates.calibration = noCalibration;
            router.record('x', 'yea', 'spam');
            return router.posterior('x')[1];
        };
        // Full matrix: P(spam | spam) = 12.8/14 against P(spam | ham) = 11.2/14: a spam answer says little.
        expect(trained('dawid_skene')).toBeCloseTo(12.8 / 24, 12);
        // One coin: accuracy (2.8 + 12.8)/28 on both classes.
        for (const method of ['majority', 'one_coin', 'wawa', 'mace'] as const) {
            expect(trained(method)).toBeCloseTo(15.6 / 28, 12);
        }
    });

    it('keeps what an answerer with a single answer said in the final labels (its declared accuracy is the fit’s prior)', () => {
        // Two items the rules and two people agree on make billing the common class; the third item has one
        // answer, the pool's 'other'. Without a prior, EM explained that answer away: every row of the pool's
        // fitted matrix pointed at 'other', and the item fell to billing.
        const topics: RoutingPolicy = { ...policy, labelers: [policy.labelers[0], { ...policy.labelers[1], pool: 3 }] };
        const router = new ItemRouter(topics, ['billing', 'outage', 'other']);
        for (const item of ['a', 'b']) {
            ['keywords', 'ann', 'bob'].forEach((member) => router.record(item, member, 'billing'));
        }
        router.record('x', 'crowd', 'other');
        expect(router.current('x')?.label).toBe('other');
        const final = router.aggregateAll().items.find((i) => i.item === 'x')!;
        expect(final.label).toBe('other');
        expect(final.confidence).toBeGreaterThan(0.5);
        expect(final.confidence).toBeLessThan(0.9); // one 70% answer among three classes, not more
        // The refit between batches is the same MAP fit: the item's live aggregate still says 'other' after it.
        router.reestimate();
        expect(router.current('x')?.label).toBe('other');
        expect(router.estimates.accuracy('crowd')).toBeGreaterThan(0.5);
    });

    it('fixes gold questions in the final labels, whatever their answers said', () => {
        const router = new ItemRouter(policy, ['ham', 'spam']);
        router.markGold('g', 'ham');
        for (const p of ['p1', 'p2', 'p3']) {
            router.record('g', p, 'spam');
            router.record('x', p, 'spam');
        }
        const final = router.aggregateAll();
        expect(final.items.find((i) => i.item === 'g')).toMatchObject({ label: 'ham', confidence: 1, gold: true });
        expect(final.items.map((i) => i.item)).toEqual(['g', 'x']);
    });
});
