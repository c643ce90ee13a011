/**
 * A flow as a DAG of stages. Each task call becomes a stage; a stage depends on the stages whose
 * labels its arguments or its entry conditions read. Stages come out in the order the flow's
 * statements evaluate them (nested calls before the call that uses them, conditions before their
 * branches), which is a dependency order. Calls of other flows are inlined (`via` names them).
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
    isLetStatement,
    isMemberAccess,
    isNameExpression,
    isNotExpression,
    isParameter,
    isTask,
    type Expression,
    type Flow,
    type IfStatement,
    type Statement,
} from '../generated/ast.js';
import type { PlanCondition, PlanFlow, PlanStage, PlanStageInput } from '../../../engine/src/plan/types.js';
import { planParameters } from './label-types.js';
import { sourceText } from './source-text.js';

interface Context {
    conditions: PlanCondition[];
    /** The enclosing `for` loops, outermost first. */
    loops: Array<NonNullable<PlanStage['forEach']>>;
    /** Value and label parameters of the inlined flows, bound to their arguments (outermost first). */
    bindings: NonNullable<PlanStage['bindings']>;
    via: string[];
    /** Variables (parameters, lets, loop variables) → the stages their values come from. */
    env: Map<AstNode, string[]>;
}

export function compileFlow(flow: Flow): PlanFlow {
    const stages: PlanStage[] = [];
    const active = new Set<Flow>([flow]);

    const union = (lists: readonly string[][]) => [...new Set(lists.flat())];
    const conditionReads = (ctx: Context) => ctx.conditions.flatMap((c) => c.reads);

    const visit = (expr: Expression | undefined, ctx: Context): string[] => {
        if (!expr) {
            return [];
        }
        if (isCallExpression(expr)) {
            const callee = expr.callee?.ref;
            const argDeps = expr.args.map((arg) => visit(arg, ctx));
            if (isTask(callee)) {
                const id = `${stages.length + 1}:${callee.name}`;
                stages.push({
                    id,
                    task: callee.name,
                    binds: null,
                    dependsOn: union([...argDeps, conditionReads(ctx)]),
                    conditions: ctx.conditions,
                    inputs: callee.params.map(
                        (param, i): PlanStageInput => ({
                            parameter: param.name,
                            expression: sourceText(expr.args[i]),
                            derivation: derivation(expr.args[i]),
                        }),
                    ),
                    forEach: ctx.loops.at(-1) ?? null,
                    // Only nested loops list them all, so plans without nesting stay as they were.
                    ...(ctx.loops.length > 1 ? { loops: ctx.loops } : {}),
                    ...(ctx.bindings.length > 0 ? { bindings: ctx.bindings } : {}),
                    via: ctx.via,
                });
                return [id];
            }
            if (isFlow(callee)) {
                if (active.has(callee)) {
                    return []; // a call cycle: the checker reports it
                }
                active.add(callee);
                const env = new Map<AstNode, string[]>();
                callee.params.forEach((param, i) => env.set(param, argDeps[i] ?? []));
                // The item parameter is the caller's item; any other is its argument, evaluated where the call is.
                const bindings = callee.params
                    .map((param, i) => ({ param, arg: expr.args[i] }))
                    .filter(({ param, arg }) => arg && !isDatasetTypeRef(param.type))
                    .map(({ param, arg }) => ({ name: param.name, expression: sourceText(arg) }));
                walk(callee.body, { ...ctx, bindings: [...ctx.bindings, ...bindings], via: [...ctx.via, callee.name], env });
                active.delete(callee);
                return [];
            }
            return union(argDeps);
        }
        if (isNameExpression(expr)) {
            const target = expr.target?.ref;
            return target ? (ctx.env.get(target) ?? []) : [];
        }
        if (isMemberAccess(expr)) {
            return visit(expr.receiver, ctx);
        }
        if (isBinaryExpression(expr)) {
            return union([visit(expr.left, ctx), visit(expr.right, ctx)]);
        }
        if (isNotExpression(expr)) {
            return visit(expr.operand, ctx);
        }
        return [];
    };

    const walkIf = (statement: IfStatement, ctx: Context) => {
        const reads = visit(statement.condition, ctx);
        const expression = sourceText(statement.condition);
        walk(statement.then, { ...ctx, conditions: [...ctx.conditions, { kind: 'if', expression, reads }] });
        const elseCtx: Context = { ...ctx, conditions: [...ctx.conditions, { kind: 'else', expression, reads }] };
        if (statement.elseIf) {
            walkIf(statement.elseIf, elseCtx);
        } else {
            walk(statement.else, elseCtx);
        }
    };

    const walk = (statements: Statement[], ctx: Context) => {
        for (const statement of statements) {
            if (isLetStatement(statement)) {
                const before = stages.length;
                const deps = visit(statement.value, ctx);
                if (isCallExpression(statement.value) && isTask(statement.value.callee?.ref) && stages.length > before) {
                    stages[stages.length - 1] = { ...stages[stages.length - 1], binds: statement.name };
                }
                ctx.env.set(statement, deps);
            } else if (isForStatement(statement)) {
                const over = visit(statement.iterable, ctx);
                ctx.env.set(statement.variable, over);
                const loops = [...ctx.loops, { variable: statement.variable.name, over: sourceText(statement.iterable) }];
                let conditions = ctx.conditions;
                if (statement.condition) {
                    const reads = visit(statement.condition, { ...ctx, loops });
                    conditions = [...conditions, { kind: 'where', expression: sourceText(statement.condition), reads }];
                }
                walk(statement.body, { ...ctx, loops, conditions });
            } else if (isIfStatement(statement)) {
                walkIf(statement, ctx);
            } else {
                visit(statement.expression, ctx);
            }
        }
    };

    const env = new Map<AstNode, string[]>();
    walk(flow.body, { conditions: [], loops: [], bindings: [], via: [], env });
    return { name: flow.name, description: flow.description ?? null, input: planParameters(flow.params), stages };
}

/** How a stage's argument is derived from the flow's item. */
function derivation(arg: Expression | undefined): PlanStageInput['derivation'] {
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
