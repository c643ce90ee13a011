/**
 * v1 UPGRADE ONLY. Upgrades a `dprog.plan/v1` plan (expressions as source text) to v2 (expression
 * trees), resolving each name exactly as the v1 executor did: a called flow's parameter is its
 * argument, then loop variables innermost first, the flow's item, a `let` bound to a stage, and
 * otherwise a label-set member; a task call is the stage of that task the expression's stage
 * depends on. The result keeps the v1 plan's hash (it names the program as compiled then).
 * What cannot be resolved so is refused: the caller says to recompile the program.
 */
import type { PlanExpression, PlanFlow, PlanLoop, PlanRule, PlanStage } from '../types.js';
import { PLAN_SCHEMA } from '../types.js';
import { parseTextExpression, type TextExpr } from './text-expression.js';

/** A v1 plan that cannot be upgraded exactly; `at` says where in the plan. */
export class PlanUpgradeError extends Error {
    constructor(
        message: string,
        readonly at: string,
    ) {
        super(message);
    }
}

type V1Loop = { variable: string; over: string };
type V1Stage = Omit<PlanStage, 'forEach' | 'loops' | 'conditions' | 'inputs'> & {
    forEach: V1Loop | null;
    loops?: V1Loop[];
    bindings?: Array<{ name: string; expression: string }>;
    conditions: Array<{ kind: 'where' | 'if' | 'else'; expression: string; reads: string[] }>;
    inputs: Array<{ parameter: string; expression: string; derivation: 'item' | 'field' | 'crop' | 'value' }>;
};
type V1Flow = Omit<PlanFlow, 'stages'> & { stages: V1Stage[] };
type V1Rules = { kind: 'rules'; name: string; rules: Array<Omit<PlanRule, 'tree'>> };
type V1Plan = { flows: V1Flow[]; labelers: Array<{ kind: string } & Record<string, unknown>> } & Record<string, unknown>;

/** The v2 plan of a v1 plan value (not yet validated: the caller validates the result). */
export function upgradePlanV1(value: unknown): unknown {
    const plan = value as V1Plan;
    if (!Array.isArray(plan.flows) || !Array.isArray(plan.labelers)) {
        throw new PlanUpgradeError('a v1 plan without flows or labelers', '');
    }
    const labelers = plan.labelers.map((labeler, i) =>
        labeler.kind === 'rules' ? upgradeRules(labeler as unknown as V1Rules, `labelers[${i}]`) : labeler,
    );
    const flows = plan.flows.map((flow, f) => ({
        ...flow,
        stages: flow.stages.map((stage, s) => new StageUpgrade(plan.flows, flow, stage, `flows[${f}].stages[${s}]`).upgrade()),
    }));
    return { ...plan, schema: PLAN_SCHEMA, labelers, flows };
}

function upgradeRules(labeler: V1Rules, at: string): unknown {
    return {
        ...labeler,
        rules: labeler.rules.map((rule, i) => ({
            ...rule,
            tree: parsed(rule.condition, `${at}.rules[${i}]`, (e) => ruleTree(e, `${at}.rules[${i}]`)),
        })),
    };
}

/** A rule condition: names are the item's fields; `length` is the only function. */
function ruleTree(e: TextExpr, at: string): PlanExpression {
    const tree = (x: TextExpr) => ruleTree(x, at);
    switch (e.kind) {
        case 'name':
            return { kind: 'field', of: { kind: 'item' }, name: e.name };
        case 'call':
            if (e.callee === 'length' && e.args.length === 1) {
                return { kind: 'length', of: tree(e.args[0]) };
            }
            throw new PlanUpgradeError(`unknown function '${e.callee}' in a rule`, at);
        default:
            return common(e, tree, at);
    }
}

/** The kinds that resolve the same in rules and flows. */
function common(e: TextExpr, tree: (e: TextExpr) => PlanExpression, at: string): PlanExpression {
    switch (e.kind) {
        case 'literal':
            return { kind: 'literal', value: e.value };
        case 'member':
            return { kind: 'field', of: tree(e.receiver), name: e.member };
        case 'not':
            return { kind: 'not', operand: tree(e.operand) };
        case 'binary':
            return binary(e, tree, at);
        default:
            throw new PlanUpgradeError(`unexpected ${e.kind} in an expression`, at);
    }
}

function binary(e: Extract<TextExpr, { kind: 'binary' }>, tree: (e: TextExpr) => PlanExpression, at: string): PlanExpression {
    const left = tree(e.left);
    if (e.op === 'and' || e.op === 'or') {
        return { kind: 'logical', op: e.op, left, right: tree(e.right) };
    }
    if (e.op === 'contains' && e.right.kind === 'literal') {
        return { kind: 'contains', text: left, value: String(e.right.value) };
    }
    if (e.op === 'matches' && e.right.kind === 'regex') {
        return { kind: 'matches', text: left, pattern: e.right.pattern, flags: e.right.flags };
    }
    if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
        return { kind: 'compare', op: e.op as '==', left, right: tree(e.right) };
    }
    throw new PlanUpgradeError(`'${e.op}' cannot take these operands`, at);
}

function parsed(text: string, at: string, tree: (e: TextExpr) => PlanExpression): PlanExpression {
    let e: TextExpr;
    try {
        e = parseTextExpression(text);
    } catch (error) {
        throw new PlanUpgradeError((error as Error).message, at);
    }
    return tree(e);
}

/** One v1 stage's expressions, resolved as the v1 executor resolved them. */
class StageUpgrade {
    private readonly loops: V1Loop[];
    private readonly bindings: Array<{ name: string; expression: string }>;
    private readonly items: Set<string>;
    /** Loops whose variables the expression being resolved sees (a loop's list sees only the loops around it). */
    private visibleLoops: number;

    constructor(
        flows: V1Flow[],
        private readonly flow: V1Flow,
        private readonly stage: V1Stage,
        private readonly at: string,
    ) {
        this.loops = stage.loops ?? (stage.forEach ? [stage.forEach] : []);
        this.bindings = stage.bindings ?? [];
        this.visibleLoops = this.loops.length;
        // The flow's item, under its own parameter's name and those of the flows inlined into it.
        const inputs = [flow, ...stage.via.map((name) => flows.find((f) => f.name === name))].map((f) => f?.input[0]);
        this.items = new Set(inputs.filter((p) => p?.type.kind === 'dataset').map((p) => p!.name));
    }

    upgrade(): PlanStage {
        const { bindings: _bindings, forEach, loops, ...rest } = this.stage;
        void _bindings;
        const loop = (l: V1Loop, i: number): PlanLoop => {
            this.visibleLoops = i;
            return { ...l, tree: this.tree(l.over, `loops[${i}]`) };
        };
        const upgraded = this.loops.map(loop);
        this.visibleLoops = this.loops.length;
        return {
            ...rest,
            conditions: this.stage.conditions.map((c, i) => ({ ...c, tree: this.tree(c.expression, `conditions[${i}]`) })),
            inputs: this.stage.inputs.map((input, i) => ({ ...input, tree: this.tree(input.expression, `inputs[${i}]`) })),
            forEach: forEach ? upgraded[upgraded.length - 1] : null,
            ...(loops ? { loops: upgraded } : {}),
            via: this.stage.via,
        };
    }

    private tree(text: string, where: string): PlanExpression {
        const at = `${this.at}.${where}`;
        return parsed(text, at, (e) => this.resolve(e, this.bindings.length, at));
    }

    /** `e` with names resolved; only the first `bindings` bindings are visible (a binding sees those before it). */
    private resolve(e: TextExpr, bindings: number, at: string): PlanExpression {
        const tree = (x: TextExpr) => this.resolve(x, bindings, at);
        if (e.kind === 'name') {
            return this.name(e.name, bindings, at);
        }
        if (e.kind !== 'call') {
            return common(e, tree, at);
        }
        if (e.callee === 'crop' && e.args.length === 2) {
            return { kind: 'crop', image: tree(e.args[0]), region: tree(e.args[1]) };
        }
        if (e.callee === 'length' && e.args.length === 1) {
            return { kind: 'length', of: tree(e.args[0]) };
        }
        const candidates = this.flow.stages.filter((s) => s.task === e.callee);
        const reads = (s: V1Stage) => this.stage.dependsOn.includes(s.id) || this.stage.conditions.some((c) => c.reads.includes(s.id));
        const source = candidates.find(reads) ?? candidates[0];
        if (!source) {
            throw new PlanUpgradeError(`'${e.callee}(…)' calls a task no stage of flow ${this.flow.name} runs`, at);
        }
        return { kind: 'result', stage: source.id };
    }

    private name(name: string, bindings: number, at: string): PlanExpression {
        for (let i = bindings - 1; i >= 0; i--) {
            if (this.bindings[i].name === name) {
                return parsed(this.bindings[i].expression, at, (e) => this.resolve(e, i, at));
            }
        }
        for (let depth = this.visibleLoops - 1; depth >= 0; depth--) {
            if (this.loops[depth].variable === name) {
                return { kind: 'loop', depth, variable: name };
            }
        }
        if (this.items.has(name)) {
            return { kind: 'item' };
        }
        const bound = this.flow.stages.find((s) => s.binds === name);
        return bound ? { kind: 'result', stage: bound.id } : { kind: 'labelMember', name };
    }
}
