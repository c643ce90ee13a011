/**
 * People's answers on a route (tasks the routing policy does not route): who is asked next, and
 * when the answers so far are final.
 */
import { describe, expect, test } from 'vitest';
import { afterPeople } from '../../../engine/src/executor/people-step.js';
import type { Open } from '../../../engine/src/executor/stage-item.js';
import type { LabelingPlan, PlanRouteStage, PlanTask } from '../../../engine/src/plan/types.js';
import type { Label } from '../../../engine/src/store/types.js';

const plan = {
    labelers: [
        { name: 'crowd', kind: 'human', accuracy: 0.7 },
        { name: 'lead', kind: 'human', accuracy: 0.99 },
    ],
} as unknown as LabelingPlan;
const person = (labeler: string, accuracy: number, answers: number): PlanRouteStage =>
    ({ labeler, kind: 'human', accuracy, answers, accuracyPerCost: 1 }) as PlanRouteStage;
const people = [person('crowd', 0.7, 3), person('lead', 0.99, 1)];
const choice = (target: number, maxLabels = 10) =>
    ({ classes: ['billing', 'outage', 'other'], quality: { target, maxLabels } }) as PlanTask;
const text = { classes: [] as string[], quality: { target: 0.9, maxLabels: 5 } } as unknown as PlanTask;
let at = 0;
const answer = (labeler: string, value: Label['value']): Label => ({
    id: `a${++at}`,
    task: 't',
    item: 'T-1',
    labeler,
    labelerKind: 'human',
    value,
    gold: false,
    createdAt: `2026-01-01T00:00:${String(at).padStart(2, '0')}Z`,
});
const open = (): Pick<Open, 'given' | 'best'> => ({ given: [], best: undefined });

describe('afterPeople', () => {
    test('nobody has answered: the first person on the route is waited for', () => {
        expect(afterPeople(plan, choice(0.9), open(), [], people)).toBe('crowd');
        expect(afterPeople(plan, choice(0.9), open(), [], people.slice(1))).toBe('lead');
    });

    test('a text answer is a review: the latest stands, with its labeler’s accuracy (the route’s prior for an unknown id)', () => {
        const o = open();
        const first = answer('crowd', 'Dashboard down');
        const later = answer('lead', 'Dashboard down since 9am');
        expect(afterPeople(plan, text, o, [first, later], people)).toBeNull();
        expect(o.best).toEqual({ value: 'Dashboard down since 9am', score: 0.99, labeler: 'lead' });
        const byId = open();
        expect(afterPeople(plan, text, byId, [answer('worker-17', 'Outage')], people)).toBeNull();
        expect(byId.best).toEqual({ value: 'Outage', score: 0.7, labeler: 'worker-17' });
    });

    test('choices add up: one 70% vote is short of 90%, so the same crowd is asked again while its pool lasts', () => {
        const o = open();
        expect(afterPeople(plan, choice(0.9), o, [answer('crowd', 'outage')], people)).toBe('crowd');
        expect(o.best).toMatchObject({ value: 'outage', score: expect.closeTo(0.7, 9), labeler: 'crowd' });
        // Two agreeing crowd votes: 0.7² / (0.7² + 2·0.15²) = 0.916 ≥ 90%.
        const two = open();
        expect(afterPeople(plan, choice(0.9), two, [answer('crowd', 'outage'), answer('crowd', 'outage')], people)).toBeNull();
        expect(two.best?.score).toBeCloseTo(0.49 / (0.49 + 2 * 0.0225), 9);
    });

    test('a yes/no choice (two classes) adds votes up too: two that disagree are short of the target', () => {
        const yesNo = { classes: ['true', 'false'], quality: { target: 0.9, maxLabels: 10 } } as unknown as PlanTask;
        expect(afterPeople(plan, yesNo, open(), [answer('crowd', true), answer('crowd', false)], people)).toBe('crowd');
    });

    test('exactly at the target is final', () => {
        expect(afterPeople(plan, choice(0.7), open(), [answer('crowd', 'outage')], people)).toBeNull();
    });

    test('the crowd’s pool used up without agreement: the next person; everyone asked: the best stands', () => {
        const votes = [answer('crowd', 'billing'), answer('crowd', 'other'), answer('crowd', 'outage')];
        expect(afterPeople(plan, choice(0.9), open(), votes, people)).toBe('lead');
        // Answers under ids the program does not declare (who gave them is not known) count against every person's pool.
        expect(afterPeople(plan, choice(0.9), open(), [answer('w1', 'billing'), answer('w2', 'other')], people)).toBe('crowd');
        const byIds = [answer('w1', 'billing'), answer('w2', 'other'), answer('w3', 'outage')];
        expect(afterPeople(plan, choice(0.9), open(), byIds, people)).toBeNull();
        const o = open();
        expect(afterPeople(plan, choice(0.999), o, [...votes, answer('lead', 'billing')], people)).toBeNull();
        expect(o.best).toMatchObject({ value: 'billing' });
    });

    test('`at most N labels` ends the asking, counting the automatic answers already given', () => {
        const o = { ...open(), given: [{ value: 'billing', score: 0.6, labeler: 'rules' }] };
        expect(afterPeople(plan, choice(0.99, 2), o, [answer('crowd', 'other')], people)).toBeNull();
        expect(afterPeople(plan, choice(0.99, 3), { ...o, given: [...o.given] }, [answer('crowd', 'other')], people)).toBe('crowd');
    });
});
