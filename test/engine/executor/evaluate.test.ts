import { beforeAll, describe, expect, test } from 'vitest';
import { evaluate, isCrop, readsLoop, resultsRead, UNKNOWN, type Scope } from '../../../engine/src/executor/evaluate.js';
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

describe('operators, as the language reference defines them', () => {
    const cmp = (op: '==' | '!=' | '<' | '<=' | '>' | '>=', a: string | number, b: string | number) =>
        evaluate({ kind: 'compare', op, left: lit(a), right: lit(b) }, scope());

    test.each([
        ['==', 2, 2, true],
        ['==', 2, 3, false],
        ['!=', 2, 2, false],
        ['!=', 2, 3, true],
        ['<', 1, 2, true],
        ['<', 2, 2, false],
        ['<=', 2, 2, true],
        ['<=', 3, 2, false],
        ['>', 3, 2, true],
        ['>', 2, 2, false],
        ['>=', 2, 2, true],
        ['>=', 1, 2, false],
    ] as const)('%s on %d and %d is %s', (op, a, b, expected) => {
        expect(cmp(op, a, b)).toBe(expected);
    });

    test('== compares values strictly: a number is not its text', () => {
        expect(cmp('==', 1, '1')).toBe(false);
        expect(cmp('!=', 1, '1')).toBe(true);
    });

    test('a comparison with an unknown side is unknown, whichever side it is', () => {
        expect(evaluate({ kind: 'compare', op: '==', left: lit(1), right: result('1:x') }, scope())).toBe(UNKNOWN);
        expect(evaluate({ kind: 'compare', op: '!=', left: result('1:x'), right: lit(1) }, scope())).toBe(UNKNOWN);
    });

    const T = lit(true);
    const F = lit(false);
    const U = result('1:pending');
    const logical = (op: 'and' | 'or', left: PlanExpression, right: PlanExpression) =>
        evaluate({ kind: 'logical', op, left, right }, scope());

    test('and/or truth tables, with unknown deciding only when the known side does not', () => {
        expect([logical('and', T, T), logical('and', T, F), logical('and', F, T), logical('and', F, F)]).toEqual([
            true,
            false,
            false,
            false,
        ]);
        expect([logical('or', T, T), logical('or', T, F), logical('or', F, T), logical('or', F, F)]).toEqual([true, true, true, false]);
        expect([logical('and', T, U), logical('and', U, T), logical('and', U, F)]).toEqual([UNKNOWN, UNKNOWN, UNKNOWN]);
        expect([logical('or', F, U), logical('or', U, F), logical('or', U, T)]).toEqual([UNKNOWN, UNKNOWN, UNKNOWN]);
        expect([logical('and', F, U), logical('or', T, U)]).toEqual([false, true]);
    });

    test('and/or give booleans even on non-boolean values', () => {
        expect(logical('and', lit('x'), lit(2))).toBe(true);
        expect(logical('or', lit(''), lit(0))).toBe(false);
    });

    test('not negates, and leaves unknown unknown', () => {
        expect(evaluate({ kind: 'not', operand: T }, scope())).toBe(false);
        expect(evaluate({ kind: 'not', operand: F }, scope())).toBe(true);
        expect(evaluate({ kind: 'not', operand: U }, scope())).toBe(UNKNOWN);
    });

    test('length counts a list’s elements or a text’s characters; unknown while its value is', () => {
        const length = (of: PlanExpression, item: unknown = {}) => evaluate({ kind: 'length', of }, scope({}, [], item));
        expect(length(field({ kind: 'item' }, 'spans'), { spans: [1, 2, 3] })).toBe(3);
        expect(length(lit('hello'))).toBe(5);
        expect(length(lit(12345))).toBe(5);
        expect(length(U)).toBe(UNKNOWN);
    });

    test('contains and matches read the text; unknown while it is', () => {
        const text = field({ kind: 'item' }, 'body');
        const on = (expr: PlanExpression, body: string) => evaluate(expr, scope({}, [], { body }));
        expect(on({ kind: 'contains', text, value: 'refund' }, 'please refund me')).toBe(true);
        expect(on({ kind: 'contains', text, value: 'refund' }, 'Refund please')).toBe(false);
        expect(evaluate({ kind: 'contains', text: U, value: 'x' }, scope())).toBe(UNKNOWN);
        const refund: PlanExpression = { kind: 'matches', text, pattern: 'refund', flags: 'i' };
        expect(on(refund, 'REFUND now')).toBe(true);
        expect(on({ kind: 'matches', text, pattern: 'refund', flags: '' }, 'REFUND now')).toBe(false);
        expect(evaluate({ kind: 'matches', text: U, pattern: 'x', flags: '' }, scope())).toBe(UNKNOWN);
    });

    test('matches with the g or y flag gives the same answer every time (the flags would make the test stateful)', () => {
        const text = field({ kind: 'item' }, 'body');
        for (const flags of ['g', 'y', 'gi']) {
            const expr: PlanExpression = { kind: 'matches', text, pattern: 'down', flags };
            const answers = [1, 2, 3].map(() => evaluate(expr, scope({}, [], { body: 'down' })));
            expect(answers).toEqual([true, true, true]);
        }
    });

    test('a field of an unknown value is unknown; of null or a missing member, a TypeError showing the value', () => {
        expect(evaluate(field(U, 'label'), scope())).toBe(UNKNOWN);
        expect(() => evaluate(field({ kind: 'item' }, 'label'), scope({}, [], null))).toThrow("the value null has no '.label'");
        expect(() => evaluate(field({ kind: 'item' }, 'label'), scope({}, [], { text: 'a' }))).toThrow(
            'the value {"text":"a"} has no \'.label\'',
        );
    });

    test('a crop is unknown while its image is; isCrop tells crops from other values', () => {
        const crop: PlanExpression = { kind: 'crop', image: U, region: lit(1) };
        expect(evaluate(crop, scope())).toBe(UNKNOWN);
        expect(isCrop({ kind: 'crop', image: 'a.png', box: {} })).toBe(true);
        expect([isCrop(null), isCrop('crop'), isCrop({ kind: 'box' })]).toEqual([false, false, false]);
    });

    test('resultsRead lists every stage an expression reads, through every kind of node', () => {
        const a = result('1:a');
        const b = result('2:b');
        const c = result('3:c');
        const tree: PlanExpression = {
            kind: 'logical',
            op: 'and',
            left: { kind: 'not', operand: { kind: 'compare', op: '<', left: { kind: 'length', of: a }, right: lit(2) } },
            right: {
                kind: 'logical',
                op: 'or',
                left: { kind: 'contains', text: field(b, 'text'), value: 'x' },
                right: { kind: 'matches', text: { kind: 'crop', image: lit('i'), region: c } as PlanExpression, pattern: 'x', flags: '' },
            },
        };
        expect(resultsRead(tree)).toEqual(['1:a', '2:b', '3:c']);
        expect(readsLoop(tree)).toBe(false);
        expect(readsLoop({ kind: 'crop', image: lit('i'), region: loop(0) })).toBe(true);
        expect(readsLoop({ kind: 'contains', text: field(loop(1), 'text'), value: 'x' })).toBe(true);
        expect(resultsRead(lit(1))).toEqual([]);
    });
});

describe('rules labelers', () => {
    // Compiled before the tests (not in the first of them), so each test runs on its own, as mutation testing runs them.
    let labeler: PlanRulesLabeler;
    beforeAll(async () => {
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
    thanks: subject contains "thanks" => ham
    accuracy 80%
}
`);
        labeler = plan.labelers[0] as PlanRulesLabeler;
    });

    test('rule conditions compile to trees: contains, matches with flags, length, strings with escapes', () => {
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

    test('a tie goes to the member of the rule written first, at accuracy times its half of the votes', () => {
        expect(runRules(labeler, item('Re: question', 'Please unsubscribe me from this list'))).toEqual({
            value: 'spam',
            score: expect.closeTo(0.4, 9),
            rules: ['unsub'],
        });
    });

    test('the majority wins even when a rule for another member fired first', () => {
        expect(runRules(labeler, item('Re: thanks', 'Free money for you, thanks a lot'))).toEqual({
            value: 'ham',
            score: expect.closeTo(0.8 * (2 / 3), 9),
            rules: ['reply', 'thanks'],
        });
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
