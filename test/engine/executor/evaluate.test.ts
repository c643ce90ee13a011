import { describe, expect, test } from 'vitest';
import { evaluate, readsLoop, UNKNOWN, type Scope } from '../../../engine/src/executor/evaluate.js';
import { runRules } from '../../../engine/src/executor/rules-runner.js';
import type { PlanExpression, PlanRulesLabeler } from '../../../engine/src/plan/types.js';
import { compileText } from '../../language-server/compiler/compile-helpers.js';

const scope = (results: Record<string, unknown> = {}, elements: unknown[] = [], item: unknown = {}): Scope => ({
    item: () => item,
    loop: (depth) => (depth < elements.length ? elements[depth] : UNKNOWN),
    result: (stage) => (stage in results ? results[stage] : UNKNOWN),
});
const lit = (value: string | number | boolean): PlanExpression => ({ kind: 'literal', value });
const member = (name: string): PlanExpression => ({ kind: 'labelMember', name });
const loop = (depth: number): PlanExpression => ({ kind: 'loop', depth, variable: `v${depth}` });
const field = (of: PlanExpression, name: string): PlanExpression => ({ kind: 'field', of, name });
const eq = (left: PlanExpression, right: PlanExpression): PlanExpression => ({ kind: 'compare', op: '==', left, right });
const result = (stage: string): PlanExpression => ({ kind: 'result', stage });

describe('expression trees', () => {
    test('label comparisons against members, through fields, loop elements and stage results', () => {
        const box = { label: 'truck', score: 0.4 };
        expect(evaluate(eq(field(loop(0), 'label'), member('truck')), scope({}, [box]))).toBe(true);
        const lowOrNotTruck: PlanExpression = {
            kind: 'logical',
            op: 'or',
            left: { kind: 'compare', op: '!=', left: field(loop(0), 'label'), right: member('truck') },
            right: { kind: 'compare', op: '>=', left: field(loop(0), 'score'), right: lit(0.5) },
        };
        expect(evaluate(lowOrNotTruck, scope({}, [box]))).toBe(false);
        expect(evaluate(eq(result('1:hazard'), member('construction')), scope({ '1:hazard': 'construction' }))).toBe(true);
        expect(evaluate({ kind: 'not', operand: eq(result('1:hazard'), member('construction')) }, scope({ '1:hazard': 'debris' }))).toBe(
            true,
        );
        expect(evaluate(field({ kind: 'item' }, 'subject'), scope({}, [], { subject: 'Re: hi' }))).toBe('Re: hi');
    });

    test('a label that is not final yet leaves the condition undecided, unless the other side decides it', () => {
        const pending = eq(result('1:hazard'), member('construction'));
        const no = { kind: 'compare', op: '>', left: lit(1), right: lit(2) } as const;
        const yes = { kind: 'compare', op: '<', left: lit(1), right: lit(2) } as const;
        expect(evaluate(pending, scope())).toBe(UNKNOWN);
        expect(evaluate({ kind: 'logical', op: 'and', left: pending, right: no }, scope())).toBe(UNKNOWN);
        expect(evaluate({ kind: 'logical', op: 'and', left: no, right: pending }, scope())).toBe(false);
        expect(evaluate({ kind: 'logical', op: 'or', left: yes, right: pending }, scope())).toBe(true);
        expect(evaluate(field(loop(1), 'label'), scope({}, [{ label: 'a' }]))).toBe(UNKNOWN);
    });

    test('crop makes a crop of the image to the region, unknown while the region is', () => {
        const crop: PlanExpression = { kind: 'crop', image: field({ kind: 'item' }, 'image'), region: loop(0) };
        const box = { x: 1, y: 2, w: 3, h: 4, label: 'truck' };
        expect(evaluate(crop, scope({}, [box], { image: 'a.png' }))).toEqual({ kind: 'crop', image: 'a.png', box });
        expect(evaluate(crop, scope({}, [], { image: 'a.png' }))).toBe(UNKNOWN);
    });

    test('a value without the member read is a TypeError naming the member', () => {
        expect(() => evaluate(field(lit('x'), 'label'), scope())).toThrow(/has no '.label'/);
        expect(() => evaluate({ kind: 'parameter', name: 'r' }, scope())).toThrow(/'r' has no value/);
    });

    test('readsLoop finds a loop element anywhere in the tree', () => {
        expect(readsLoop(eq(field(loop(0), 'label'), member('a')))).toBe(true);
        expect(readsLoop(eq(result('1:x'), member('a')))).toBe(false);
    });
});

describe('rules labelers', () => {
    let labeler: PlanRulesLabeler;
    test('rule conditions compile to trees: contains, matches with flags, length, strings with escapes', async () => {
        const plan = await compileText(`dataset emails from jsonl "e.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Verdict { spam, ham }
rules keywords on emails -> choice<Verdict> {
    money: body matches /free money|\\$\\$\\$/i => spam
    unsub: body contains "unsubscribe" => spam
    reply: subject matches /^re:/i and length(body) > 20 => ham
    quote: not (body contains "\\"really\\"") and length(body) <= 5 => ham
    accuracy 80%
}
`);
        labeler = plan.labelers[0] as PlanRulesLabeler;
        expect(labeler.rules[0].tree).toEqual({
            kind: 'matches',
            text: { kind: 'field', of: { kind: 'item' }, name: 'body' },
            pattern: 'free money|\\$\\$\\$',
            flags: 'i',
        });
        expect(labeler.rules[3].tree).toMatchObject({ kind: 'logical', op: 'and', left: { kind: 'not', operand: { value: '"really"' } } });
    });

    const item = (subject: string, body: string) => ({ dataset: 'emails', key: '1', split: null, fields: { subject, body } });

    test('the member with most votes wins; confidence is accuracy times its share of the votes', () => {
        expect(runRules(labeler, item('Re: offer', 'Free money! click unsubscribe'))).toEqual({
            value: 'spam',
            score: expect.closeTo(0.8 * (2 / 3)),
            rules: ['money', 'unsub'],
        });
        expect(runRules(labeler, item('hello', 'FREE MONEY'))).toEqual({ value: 'spam', score: 0.8, rules: ['money'] });
        expect(runRules(labeler, item('hi', 'ok'))).toEqual({ value: 'ham', score: 0.8, rules: ['quote'] });
        expect(runRules(labeler, item('hi', 'ok "really"'))).toBeNull();
    });

    test('no rule firing is an abstention', () => {
        expect(runRules(labeler, item('hello', 'see you tomorrow'))).toBeNull();
    });

    test('an item without the field a rule reads fails naming the rule and the item', () => {
        expect(() => runRules(labeler, { dataset: 'emails', key: '7', split: null, fields: { subject: 'x' } })).toThrow(
            /rule keywords\.money: item '7'/,
        );
    });
});
