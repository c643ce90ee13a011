/**
 * The routing policy answered by simulated labelers (dry runs: `dprog learn --simulate`): every
 * labeler of the route answers from a known label with its declared accuracy, asked in the order
 * the policy chooses (a cascade in route order, `best` by value per cost), until the policy says
 * the item is done — or until the next answer would take the money spent past the budget, where it
 * stops and says so.
 */
import type { Rng } from '../learning/random.js';
import { PolicyRun } from './policy-run.js';
import { policyMembers, type RoutingPolicy } from './policy.js';

export interface SimulatedItem {
    /** The item's label so far; null when it got no answer (the budget ran out first). */
    label: string | null;
    confidence: number;
    answers: Array<{ labeler: string; member: string; kind: 'human' | 'model' | 'rules'; label: string }>;
    cost: number;
}

export class SimulatedRouting {
    readonly run: PolicyRun;
    private readonly members: Array<{ member: string; accuracy: number }>;
    /** Set when an answer was not bought because it would pass the budget. */
    budgetStop: { spent: number; next: number } | undefined;

    constructor(
        readonly policy: RoutingPolicy,
        readonly classes: readonly string[],
        private readonly budget: number,
        private readonly rng: Rng,
    ) {
        this.run = new PolicyRun({ ...policy, goldShare: 0 }, classes);
        this.members = policyMembers(policy);
    }

    get spent(): number {
        return this.run.totals.cost;
    }

    /** Labels one item whose true label is `truth`, as far as the budget allows. */
    label(item: string, truth: string): SimulatedItem {
        const answers: SimulatedItem['answers'] = [];
        const before = this.spent;
        if (this.budgetStop) {
            return { label: null, confidence: 0, answers, cost: 0 };
        }
        const accuracy = new Map(this.members.map((m) => [m.member, m.accuracy]));
        this.run.route(
            item,
            this.members.map((m) => m.member),
            (_, c) => {
                if (this.spent + c.labeler.cost > this.budget + 1e-9) {
                    this.budgetStop = { spent: this.spent, next: c.labeler.cost };
                    return 'wait';
                }
                const label = this.answer(truth, accuracy.get(c.member)!);
                answers.push({ labeler: c.labeler.name, member: c.member, kind: c.labeler.kind, label });
                return label;
            },
        );
        const current = this.run.router.current(item);
        return { label: current?.label ?? null, confidence: current?.confidence ?? 0, answers, cost: this.spent - before };
    }

    /** Right with the labeler's accuracy, otherwise one of the other classes evenly. */
    private answer(truth: string, accuracy: number): string {
        if (this.rng() < accuracy) {
            return truth;
        }
        const wrong = this.classes.filter((c) => c !== truth);
        return wrong[Math.floor(this.rng() * wrong.length)];
    }
}
