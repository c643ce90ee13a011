/**
 * Runs a `rules` labeler on an item: each rule whose condition holds votes for its member; the
 * answer is the member with most votes, with confidence = the labeler's accuracy × the share of
 * votes it got. No rule firing is an abstention (the route moves on).
 */
import type { PlanRulesLabeler } from '../plan/types.js';
import { evaluate, UNKNOWN } from './evaluate.js';
import type { FlowItem } from './flow-items.js';

export interface RulesAnswer {
    value: string;
    score: number;
    /** The rules that fired for the answer. */
    rules: string[];
}

export function runRules(labeler: PlanRulesLabeler, item: FlowItem): RulesAnswer | null {
    const votes = new Map<string, string[]>();
    const scope = {
        item: () => item.fields,
        loop: () => UNKNOWN,
        result: () => UNKNOWN,
    };
    for (const rule of labeler.rules) {
        let holds: unknown;
        try {
            holds = evaluate(rule.tree, scope);
        } catch (error) {
            throw new TypeError(`rule ${labeler.name}.${rule.name}: item '${item.key}': ${(error as Error).message}`);
        }
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
