/**
 * Runs a `rules` labeler on an item: each rule whose condition holds votes for its member; the
 * answer is the member with most votes, with confidence = the labeler's accuracy × the share of
 * votes it got. No rule firing is an abstention (the route moves on).
 */
import type { PlanRulesLabeler } from '../plan/types.js';
import { evaluate, parseExpression, type Expr } from './expression.js';
import type { FlowItem } from './flow-items.js';

export interface RulesAnswer {
    value: string;
    score: number;
    /** The rules that fired for the answer. */
    rules: string[];
}

const parsed = new WeakMap<PlanRulesLabeler, Array<{ name: string; member: string; condition: Expr }>>();

function compiledRules(labeler: PlanRulesLabeler) {
    let rules = parsed.get(labeler);
    if (!rules) {
        rules = labeler.rules.map((r) => ({ name: r.name, member: r.member, condition: parseExpression(r.condition) }));
        parsed.set(labeler, rules);
    }
    return rules;
}

export function runRules(labeler: PlanRulesLabeler, item: FlowItem): RulesAnswer | null {
    const votes = new Map<string, string[]>();
    for (const rule of compiledRules(labeler)) {
        const holds = evaluate(rule.condition, {
            name: (name) => {
                if (!(name in item.fields)) {
                    throw new TypeError(`rule ${labeler.name}.${rule.name}: item '${item.key}' has no field '${name}'`);
                }
                return item.fields[name];
            },
            call: (call, args) => {
                if (call.callee === 'length') {
                    return String(args()[0]).length;
                }
                throw new TypeError(`rule ${labeler.name}.${rule.name}: unknown function '${call.callee}'`);
            },
        });
        if (holds === true) {
            votes.set(rule.member, [...(votes.get(rule.member) ?? []), rule.name]);
        }
    }
    if (votes.size === 0) {
        return null;
    }
    const total = [...votes.values()].reduce((n, v) => n + v.length, 0);
    const [member, rules] = [...votes.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    return { value: member, score: labeler.accuracy * (rules.length / total), rules };
}
