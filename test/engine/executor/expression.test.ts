import { describe, expect, test } from 'vitest';
import { evaluate, parseExpression, UNKNOWN, type Environment } from '../../../engine/src/executor/expression.js';
import { runRules } from '../../../engine/src/executor/rules-runner.js';
import type { PlanRulesLabeler } from '../../../engine/src/plan/types.js';

function env(names: Record<string, unknown>, calls: Record<string, unknown> = {}): Environment {
    return {
        name: (n) => (n in names ? names[n] : n),
        call: (c, args) => (c.callee === 'length' ? String(args()[0]).length : c.callee in calls ? calls[c.callee] : UNKNOWN),
    };
}

describe('flow and rule conditions', () => {
    test('label comparisons against members, through members and calls', () => {
        const box = { label: 'truck', score: 0.4 };
        expect(evaluate(parseExpression('b.label == truck'), env({ b: box }))).toBe(true);
        expect(evaluate(parseExpression('b.label != truck or b.score >= 50%'), env({ b: box }))).toBe(false);
        expect(evaluate(parseExpression('hazard(f) == construction'), env({}, { hazard: 'construction' }))).toBe(true);
        expect(evaluate(parseExpression('not (hazard(f) == construction)'), env({}, { hazard: 'debris' }))).toBe(true);
    });

    test('a label that is not final yet leaves the condition undecided, unless the other side decides it', () => {
        expect(evaluate(parseExpression('hazard(f) == construction'), env({}))).toBe(UNKNOWN);
        expect(evaluate(parseExpression('hazard(f) == construction and 1 > 2'), env({}))).toBe(UNKNOWN);
        expect(evaluate(parseExpression('1 > 2 and hazard(f) == construction'), env({}))).toBe(false);
        expect(evaluate(parseExpression('1 < 2 or hazard(f) == construction'), env({}))).toBe(true);
    });

    test('rule conditions: contains, matches with flags, length, strings with escapes', () => {
        const fields = { body: 'Get FREE money now, "really"', subject: 'Re: hi' };
        expect(evaluate(parseExpression('body matches /free money|\\$\\$\\$/i'), env(fields))).toBe(true);
        expect(evaluate(parseExpression('body contains "\\"really\\""'), env(fields))).toBe(true);
        expect(evaluate(parseExpression('subject matches /^re:/i and length(body) > 20'), env(fields))).toBe(true);
        expect(evaluate(parseExpression('length(body) <= 5'), env(fields))).toBe(false);
    });

    test('malformed text is a SyntaxError quoting it', () => {
        expect(() => parseExpression('a == ')).toThrow(/in `a == `/);
        expect(() => parseExpression('a # b')).toThrow(SyntaxError);
    });
});

describe('rules labelers', () => {
    const labeler: PlanRulesLabeler = {
        kind: 'rules',
        name: 'keywords',
        description: null,
        dataset: 'emails',
        output: { kind: 'choice', labelSet: 'Verdict', text: 'choice<Verdict>' },
        rules: [
            { name: 'money', condition: 'body matches /free money/i', member: 'spam' },
            { name: 'unsub', condition: 'body contains "unsubscribe"', member: 'spam' },
            { name: 'reply', condition: 'subject matches /^re:/i', member: 'ham' },
        ],
        cost: 0,
        accuracy: 0.8,
        accuracySource: 'declared',
    };
    const item = (subject: string, body: string) => ({ dataset: 'emails', key: '1', split: null, fields: { subject, body } });

    test('the member with most votes wins; confidence is accuracy times its share of the votes', () => {
        expect(runRules(labeler, item('Re: offer', 'Free money! click unsubscribe'))).toEqual({
            value: 'spam',
            score: expect.closeTo(0.8 * (2 / 3)),
            rules: ['money', 'unsub'],
        });
        expect(runRules(labeler, item('hello', 'free money'))).toEqual({ value: 'spam', score: 0.8, rules: ['money'] });
    });

    test('no rule firing is an abstention', () => {
        expect(runRules(labeler, item('hello', 'see you tomorrow'))).toBeNull();
    });
});
