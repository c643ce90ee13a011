import { describe, expect, it } from 'vitest';
import { encodeAnswers } from '../../../engine/src/quality/answers.js';
import { aggregate } from '../../../engine/src/quality/aggregate.js';
import { aggregateChoices, type SetAnswer } from '../../../engine/src/quality/choices.js';
import { seededRandom } from './synthetic.js';

describe('choices<L>: each member aggregated as its own yes/no question', () => {
    const members = ['cat', 'dog', 'bird'];

    /** 400 photos, each with a random true set; 8 workers who see each member right with their accuracy. */
    function crowd() {
        const random = seededRandom(21);
        const accuracy = [0.95, 0.9, 0.9, 0.85, 0.8, 0.6, 0.55, 0.5];
        const truth = new Map<string, string[]>();
        const answers: SetAnswer[] = [];
        for (let i = 0; i < 400; i++) {
            const item = `photo${i}`;
            const set = members.filter(() => random() < 0.4);
            truth.set(item, set);
            for (let w = 0; w < accuracy.length; w++) {
                if (random() < 0.5) {
                    continue; // about half the workers see each photo
                }
                const said = members.filter((m) => (random() < accuracy[w] ? set.includes(m) : !set.includes(m)));
                answers.push({ item, worker: `w${w}`, labels: said });
            }
        }
        return { truth, answers };
    }

    it('recovers most whole sets and reports a per-member verdict with confidence', () => {
        const { truth, answers } = crowd();
        const result = aggregateChoices(answers, 'dawid_skene', { members });
        expect(result.members).toEqual(members);
        const exact = result.items.filter((i) => [...i.labels].sort().join() === [...truth.get(i.item)!].sort().join()).length;
        expect(exact / result.items.length).toBeGreaterThan(0.8);
        const first = result.items[0];
        expect(first.members.map((m) => m.member)).toEqual(members);
        const product = first.members.reduce((p, m) => p * m.confidence, 1);
        expect(first.confidence).toBeCloseTo(product, 12);
        // Better workers are estimated better, averaged over the three member questions.
        const acc = new Map(result.workers.map((w) => [w.worker, w.accuracy]));
        expect(acc.get('w0')!).toBeGreaterThan(acc.get('w7')! + 0.2);
    });

    it('a worker who chose nothing said "no" to every member', () => {
        const result = aggregateChoices(
            [
                { item: 'x', worker: 'a', labels: [] },
                { item: 'x', worker: 'b', labels: [] },
                { item: 'x', worker: 'c', labels: ['cat'] },
            ],
            'majority',
            { members },
        );
        expect(result.items[0].labels).toEqual([]);
        expect(result.items[0].members.find((m) => m.member === 'cat')).toMatchObject({ present: false });
    });

    it('reports a member the majority ties on, rather than deciding it', () => {
        const result = aggregateChoices(
            [
                { item: 'x', worker: 'a', labels: ['cat', 'dog'] },
                { item: 'x', worker: 'b', labels: ['cat'] },
            ],
            'majority',
            { members },
        );
        expect(result.items[0].labels).toEqual(['cat']);
        expect(result.items[0].tied).toEqual(['dog']);
    });

    it('fixes gold sets per member', () => {
        const result = aggregateChoices(
            [
                { item: 'x', worker: 'a', labels: ['cat'] },
                { item: 'x', worker: 'b', labels: ['cat'] },
            ],
            'dawid_skene',
            { members, gold: new Map([['x', ['dog']]]) },
        );
        expect(result.items[0].labels).toEqual(['dog']);
        expect(result.items[0].confidence).toBe(1);
    });

    it('rejects a member outside the label set', () => {
        expect(() => aggregateChoices([{ item: 'x', worker: 'a', labels: ['fish'] }], 'majority', { members })).toThrow(
            /'fish' is not one of cat, dog, bird/,
        );
    });

    it('without a label set takes the members chosen, sorted; a worker’s accuracy is the mean over the member questions', () => {
        const answers: SetAnswer[] = [
            { item: 'x', worker: 'a', labels: ['dog', 'cat'] },
            { item: 'x', worker: 'b', labels: ['cat'] },
            { item: 'x', worker: 'c', labels: ['cat'] },
            { item: 'y', worker: 'a', labels: [] },
            { item: 'y', worker: 'b', labels: ['dog'] },
            { item: 'y', worker: 'c', labels: [] },
        ];
        const result = aggregateChoices(answers, 'wawa');
        expect(result.method).toBe('wawa');
        expect(result.members).toEqual(['cat', 'dog']);
        expect(result.items.map((i) => [i.item, i.labels])).toEqual([
            ['x', ['cat']],
            ['y', []],
        ]);
        const perMember = ['cat', 'dog'].map((member) => {
            const binary = answers.map((a) => ({ item: a.item, worker: a.worker, label: a.labels.includes(member) ? 'yes' : 'no' }));
            return aggregate('wawa', encodeAnswers(binary, { classes: ['no', 'yes'] }));
        });
        for (const [w, worker] of ['a', 'b', 'c'].entries()) {
            const mean = (perMember[0].workers[w].accuracy + perMember[1].workers[w].accuracy) / 2;
            expect(result.workers[w]).toEqual({ worker, accuracy: expect.closeTo(mean, 12), answers: 2 });
        }
        const y = result.items[1];
        expect(y.members.map((m) => m.confidence)).toEqual(perMember.map((r) => r.items[1].confidence));
        expect(y.tied).toBeUndefined();
    });
});
