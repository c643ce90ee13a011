/**
 * A flow as a DAG of stages. Each task call becomes a stage; a stage depends on the stages whose
 * labels its arguments or its entry conditions read. Stages come out in the order the flow's
 * statements evaluate them (nested calls before the call that uses them, conditions before their
 * branches), which is a dependency order. Calls of other flows are inlined (`via` names them):
 * their parameters stand for the call's arguments.
 *
 * Every expression the executor evaluates (conditions, loop lists, task arguments) becomes a
 * PlanExpression tree with its names resolved: the item, a loop's element (by depth), a stage's
 * result, a label-set member.
 */
import type { AstNode } from 'langium';
import {
    isBinaryExpression,
    isBuiltinFunction,
    isCallExpression,
    isDatasetTypeRef,
    isField,
    isFlow,
    isForStatement,
    isIfStatement,
    isLabelMember,
    isLetStatement,
    isLiteral,
    isMemberAccess,
    isNameExpression,
    isNotExpression,
    isParameter,
    isTask,
    type CallExpression,
    type Expression,
    type Flow,
    type ForStatement,
    type IfStatement,
    type NameExpression,
    type Statement,
    type Task,
} from '../generated/ast.js';
import type { PlanCompareOp, PlanCondition, PlanExpression, PlanFlow, PlanLoop, PlanStage } from '../../../engine/src/plan/types.js';
import { literalTree } from './expression-tree.js';
import { planParameters } from './label-types.js';
import { refName } from './ref-name.js';
import { sourceText } from './source-text.js';

/** An expression compiled: its tree and the stages whose labels it reads. */
interface Value {
    tree: PlanExpression;
    reads: string[];
}

interface Context {
    conditions: PlanCondition[];
    /** The enclosing `for` loops, outermost first. */
    loops: PlanLoop[];
    via: string[];
    /** Variables (parameters, lets, loop variables) → their values. */
    env: Map<AstNode, Value>;
}

/** A value of no use to anything (a flow call's, or a missing expression's in incomplete code). */
const NOTHING: Value = { tree: { kind: 'literal', value: false }, reads: [] };

const union = (lists: readonly string[][]) => [...new Set(lists.flat())];

export function compileFlow(flow: Flow): PlanFlow {
    const compiler = new FlowCompiler(flow);
    const env = new Map<AstNode, Value>();
    for (const param of flow.params) {
        if (isDatasetTypeRef(param.type)) {
            env.set(param, { tree: { kind: 'item' }, reads: [] });
        }
    }
    compiler.walk(flow.body, { conditions: [], loops: [], via: [], env });
    return { name: flow.name, description: flow.description ?? null, input: planParameters(flow.params), stages: compiler.stages };
}

class FlowCompiler {
    readonly stages: PlanStage[] = [];
    /** Flows being inlined, to stop at a call cycle (the checker reports it). */
    private readonly active: Set<Flow>;

    constructor(flow: Flow) {
        this.active = new Set([flow]);
    }

    walk(statements: Statement[], ctx: Context): void {
        for (const statement of statements) {
            if (isLetStatement(statement)) {
                const before = this.stages.length;
                const value = this.visit(statement.value, ctx);
                if (isCallExpression(statement.value) && isTask(statement.value.callee?.ref) && this.stages.length > before) {
                    this.stages[this.stages.length - 1] = { ...this.stages[this.stages.length - 1], binds: statement.name };
                }
                ctx.env.set(statement, value);
            } else if (isForStatement(statement)) {
                this.walkFor(statement, ctx);
            } else if (isIfStatement(statement)) {
                this.walkIf(statement, ctx);
            } else {
                this.visit(statement.expression, ctx);
            }
        }
    }

    private walkFor(statement: ForStatement, ctx: Context): void {
        const over = this.visit(statement.iterable, ctx);
        const variable = statement.variable.name;
        ctx.env.set(statement.variable, { tree: { kind: 'loop', depth: ctx.loops.length, variable }, reads: over.reads });
        const loops = [...ctx.loops, { variable, over: sourceText(statement.iterable), tree: over.tree }];
        let conditions = ctx.conditions;
        if (statement.condition) {
            const where = this.visit(statement.condition, { ...ctx, loops });
            conditions = [
                ...conditions,
                { kind: 'where', expression: sourceText(statement.condition), tree: where.tree, reads: where.reads },
            ];
        }
        this.walk(statement.body, { ...ctx, loops, conditions });
    }

    private walkIf(statement: IfStatement, ctx: Context): void {
        const { tree, reads } = this.visit(statement.condition, ctx);
        const expression = sourceText(statement.condition);
        this.walk(statement.then, { ...ctx, conditions: [...ctx.conditions, { kind: 'if', expression, tree, reads }] });
        const elseCtx: Context = { ...ctx, conditions: [...ctx.conditions, { kind: 'else', expression, tree, reads }] };
        if (statement.elseIf) {
            this.walkIf(statement.elseIf, elseCtx);
        } else {
            this.walk(statement.else, elseCtx);
        }
    }

    private visit(expr: Expression | undefined, ctx: Context): Value {
        if (isCallExpression(expr)) {
            return this.visitCall(expr, ctx);
        }
        if (isNameExpression(expr)) {
            return this.visitName(expr, ctx);
        }
        if (isMemberAccess(expr)) {
            const receiver = this.visit(expr.receiver, ctx);
            return { tree: { kind: 'field', of: receiver.tree, name: refName(expr.member) }, reads: receiver.reads };
        }
        if (isBinaryExpression(expr)) {
            const left = this.visit(expr.left, ctx);
            const right = this.visit(expr.right, ctx);
            const reads = union([left.reads, right.reads]);
            if (expr.operator === 'and' || expr.operator === 'or') {
                return { tree: { kind: 'logical', op: expr.operator, left: left.tree, right: right.tree }, reads };
            }
            return { tree: { kind: 'compare', op: expr.operator as PlanCompareOp, left: left.tree, right: right.tree }, reads };
        }
        if (isNotExpression(expr)) {
            const operand = this.visit(expr.operand, ctx);
            return { tree: { kind: 'not', operand: operand.tree }, reads: operand.reads };
        }
        if (isLiteral(expr)) {
            return { tree: literalTree(expr), reads: [] };
        }
        return NOTHING;
    }

    private visitName(expr: NameExpression, ctx: Context): Value {
        const target = expr.target?.ref;
        const bound = target ? ctx.env.get(target) : undefined;
        if (bound) {
            return bound;
        }
        if (isLabelMember(target)) {
            return { tree: { kind: 'labelMember', name: target.name }, reads: [] };
        }
        return { tree: { kind: 'parameter', name: isParameter(target) ? target.name : (expr.target?.$refText ?? '') }, reads: [] };
    }

    private visitCall(expr: CallExpression, ctx: Context): Value {
        const callee = expr.callee?.ref;
        const args = expr.args.map((arg) => this.visit(arg, ctx));
        if (isTask(callee)) {
            return this.stage(callee, expr, args, ctx);
        }
        if (isFlow(callee)) {
            this.inline(callee, args, ctx);
            return NOTHING;
        }
        if (isBuiltinFunction(callee) && callee.name === 'crop' && args.length === 2) {
            return { tree: { kind: 'crop', image: args[0].tree, region: args[1].tree }, reads: union(args.map((a) => a.reads)) };
        }
        return { ...NOTHING, reads: union(args.map((a) => a.reads)) };
    }

    /** A task call: a new stage, whose value is its result. */
    private stage(task: Task, call: CallExpression, args: Value[], ctx: Context): Value {
        const id = `${this.stages.length + 1}:${task.name}`;
        this.stages.push({
            id,
            task: task.name,
            binds: null,
            dependsOn: union([...args.map((a) => a.reads), ...ctx.conditions.map((c) => c.reads)]),
            conditions: ctx.conditions,
            inputs: task.params.map((param, i) => ({
                parameter: param.name,
                expression: sourceText(call.args[i]),
                tree: (args[i] ?? NOTHING).tree,
                derivation: derivation(call.args[i]),
            })),
            forEach: ctx.loops.at(-1) ?? null,
            // Only nested loops list them all, so plans without nesting stay as they were.
            ...(ctx.loops.length > 1 ? { loops: ctx.loops } : {}),
            via: ctx.via,
        });
        return { tree: { kind: 'result', stage: id }, reads: [id] };
    }

    /** A flow call: the callee's statements, its parameters standing for the call's arguments. */
    private inline(callee: Flow, args: Value[], ctx: Context): void {
        if (this.active.has(callee)) {
            return; // a call cycle: the checker reports it
        }
        this.active.add(callee);
        const env = new Map<AstNode, Value>();
        callee.params.forEach((param, i) => env.set(param, args[i] ?? NOTHING));
        this.walk(callee.body, { ...ctx, via: [...ctx.via, callee.name], env });
        this.active.delete(callee);
    }
}

/** How a stage's argument is derived from the flow's item. */
function derivation(arg: Expression | undefined): PlanStage['inputs'][number]['derivation'] {
    if (isNameExpression(arg) && isParameter(arg.target?.ref) && isDatasetTypeRef(arg.target?.ref.type)) {
        return 'item';
    }
    if (isMemberAccess(arg) && isField(arg.member?.ref)) {
        return 'field';
    }
    if (isCallExpression(arg) && isBuiltinFunction(arg.callee?.ref) && arg.callee?.ref.name === 'crop') {
        return 'crop';
    }
    return 'value';
}
