/**
 * `.score` is a model's confidence in its output (builtins/builtin-library.ts). On the labels of a
 * task whose route names no model there is no such confidence: the program would read a number
 * that means nothing. (Without a route, the default route may reach a model of any loaded file.)
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import {
    isCallExpression,
    isForStatement,
    isLetStatement,
    isLoopVariable,
    isMemberAccess,
    isModelLabeler,
    isNameExpression,
    isTask,
    type DprogAstType,
    type Expression,
    type MemberAccess,
    type Task,
} from '../generated/ast.js';

export const ScoreIssues = {
    /** `.score` on the labels of a task without a model (data: task). */
    noModel: 'score/no-model',
} as const;

export class ScoreChecks {
    readonly checks: ValidationChecks<DprogAstType> = {
        MemberAccess: (access, accept) => this.check(access, accept),
    };

    private check(access: MemberAccess, accept: ValidationAcceptor): void {
        if (access.member?.$refText !== 'score') {
            return;
        }
        const task = producingTask(access.receiver);
        if (task?.route && !task.route.labelers.some((ref) => isModelLabeler(ref.ref))) {
            const route = task.route.labelers.map((l) => l.$refText).join(', ');
            accept(
                'error',
                `'.score' is a model's confidence, but the labels of task '${task.name}' come from no model: its route (${route}) ` +
                    `names no model. Compare the label itself, or add a model to the route.`,
                {
                    node: access,
                    property: 'member',
                    code: ScoreIssues.noModel,
                    data: { code: ScoreIssues.noModel, task: task.name },
                },
            );
        }
    }
}

/** The task whose labels an expression is: a call, a `let` bound to one, or a loop variable over one. */
function producingTask(expression: Expression | undefined, depth = 0): Task | undefined {
    if (!expression || depth > 8) {
        return undefined;
    }
    if (isCallExpression(expression)) {
        const callee = expression.callee?.ref;
        return isTask(callee) ? callee : undefined;
    }
    if (isMemberAccess(expression)) {
        return undefined; // `b.label.score` and the like: a built-in's value, not a task's label
    }
    if (isNameExpression(expression)) {
        const target = expression.target?.ref;
        if (isLetStatement(target)) {
            return producingTask(target.value, depth + 1);
        }
        if (isLoopVariable(target) && isForStatement(target.$container)) {
            return producingTask(target.$container.iterable, depth + 1);
        }
    }
    return undefined;
}
