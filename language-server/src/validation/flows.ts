/**
 * Flows: calls with the right number and types of arguments, `for` only over lists, conditions
 * that are booleans, comparisons of a label with a member of the same label set, statements that
 * are calls, and no cycle of flow calls.
 */
import { AstUtils, WorkspaceCache, type ValidationAcceptor, type ValidationChecks } from 'langium';
import {
    isBuiltinFunction,
    isCallExpression,
    isFlow,
    isTask,
    type BinaryExpression,
    type CallExpression,
    type DprogAstType,
    type Expression,
    type ExpressionStatement,
    type Flow,
    type ForStatement,
    type IfStatement,
    type LetStatement,
    type NotExpression,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { comparability, isAssignable } from '../types/assignability.js';
import { builtinSignatures } from '../types/builtin-types.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString, valueType } from '../types/type-descriptions.js';

export const FlowIssues = {
    /** A call with too many or too few arguments (data: expected, actual). */
    argumentCount: 'call/argument-count',
    /** An argument whose type is not assignable to its parameter (data: expected, actual). */
    argumentType: 'call/argument-type',
    /** `for x in E` where E is not a list. */
    forNonList: 'flow/for-non-list',
    /** A condition (`if`, `where`, `and`/`or`/`not` operand) that is not a boolean. */
    conditionType: 'flow/condition-type',
    /** A comparison of labels from different label sets. */
    compareLabelSets: 'flow/compare-label-sets',
    /** A comparison of values that cannot be compared. */
    compareTypes: 'flow/compare-types',
    /** A statement that is not a call: its value would be thrown away. */
    notACall: 'flow/not-a-call',
    /** `let x = f(…)` where f is a flow, which gives back no value. */
    noValue: 'flow/no-value',
    /** A flow that calls itself, directly or through other flows. */
    callCycle: 'flow/call-cycle',
} as const;

const BOOL = valueType('Bool');

export class FlowChecks {
    private readonly typeComputer: () => DprogTypeComputer;
    /** The flows each flow calls directly, then every flow it reaches; per workspace state. */
    private readonly reachable: WorkspaceCache<Flow, Set<Flow>>;

    constructor(services: DprogServices) {
        this.typeComputer = () => services.types.TypeComputer;
        this.reachable = new WorkspaceCache(services.shared);
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        CallExpression: [(call, accept) => this.checkArguments(call, accept), (call, accept) => this.checkCycle(call, accept)],
        ForStatement: (loop, accept) => this.checkFor(loop, accept),
        IfStatement: (statement: IfStatement, accept) => this.requireBool(statement.condition, 'An if condition', accept),
        BinaryExpression: (expression, accept) => this.checkBinary(expression, accept),
        NotExpression: (expression: NotExpression, accept) => this.requireBool(expression.operand, "'not'", accept),
        ExpressionStatement: (statement, accept) => this.checkStatement(statement, accept),
        LetStatement: (statement, accept) => this.checkLet(statement, accept),
    };

    private typeOf(expression: Expression): ReturnType<DprogTypeComputer['typeOf']> {
        return this.typeComputer().typeOf(expression);
    }

    private checkArguments(call: CallExpression, accept: ValidationAcceptor): void {
        const callee = call.callee?.ref;
        if (!callee) {
            return;
        }
        const parameters = isBuiltinFunction(callee)
            ? (builtinSignatures[callee.name]?.parameters ?? []).map((p) => ({ name: p.name, accepts: p.accepts, expected: p.expected }))
            : callee.params.map((p) => {
                  const type = this.typeComputer().typeOf(p);
                  return {
                      name: p.name,
                      accepts: (t: Parameters<typeof isAssignable>[0]) => isAssignable(t, type),
                      expected: typeToString(type),
                  };
              });
        const kind = isTask(callee) ? 'Task' : isFlow(callee) ? 'Flow' : 'Function';
        if (call.args.length !== parameters.length) {
            const expected = `${parameters.length} argument${parameters.length === 1 ? '' : 's'}`;
            const signature = `${callee.name}(${parameters.map((p) => `${p.name}: ${p.expected}`).join(', ')})`;
            const extra = call.args.length > parameters.length;
            accept('error', `${kind} '${callee.name}' expects ${expected}, but got ${call.args.length}: ${signature}.`, {
                node: call,
                ...(extra ? { property: 'args', index: parameters.length } : { property: 'callee' }),
                code: FlowIssues.argumentCount,
                data: { code: FlowIssues.argumentCount, expected: parameters.length, actual: call.args.length },
            } as never);
        }
        call.args.forEach((argument, index) => {
            const parameter = parameters[index];
            if (!parameter) {
                return;
            }
            const type = this.typeOf(argument);
            if (!parameter.accepts(type) && type.kind !== 'error') {
                accept('error', `Type '${typeToString(type)}' is not assignable to parameter of type '${parameter.expected}'.`, {
                    node: call,
                    property: 'args',
                    index,
                    code: FlowIssues.argumentType,
                    data: {
                        code: FlowIssues.argumentType,
                        expected: parameter.expected,
                        actual: typeToString(type),
                        parameter: parameter.name,
                    },
                });
            }
        });
    }

    private checkCycle(call: CallExpression, accept: ValidationAcceptor): void {
        const callee = call.callee?.ref;
        const caller = AstUtils.getContainerOfType(call, isFlow);
        if (!isFlow(callee) || !caller) {
            return;
        }
        if (callee === caller || this.reachableFrom(callee).has(caller)) {
            const path =
                callee === caller ? [caller.name, caller.name] : [caller.name, ...this.pathBetween(callee, caller).map((f) => f.name)];
            accept('error', `Flow '${caller.name}' calls itself: ${path.join(' → ')}. Flows may not call each other in a cycle.`, {
                node: call,
                property: 'callee',
                code: FlowIssues.callCycle,
                data: { code: FlowIssues.callCycle, cycle: path },
            });
        }
    }

    private directCallees(flow: Flow): Flow[] {
        const callees: Flow[] = [];
        for (const node of AstUtils.streamAllContents(flow)) {
            if (isCallExpression(node)) {
                const callee = node.callee?.ref;
                if (isFlow(callee)) {
                    callees.push(callee);
                }
            }
        }
        return callees;
    }

    /** Every flow reachable from `start` by one or more calls. */
    private reachableFrom(start: Flow): Set<Flow> {
        return this.reachable.get(start, () => {
            const seen = new Set<Flow>();
            const stack = this.directCallees(start);
            while (stack.length > 0) {
                const flow = stack.pop()!;
                if (!seen.has(flow)) {
                    seen.add(flow);
                    for (const callee of this.directCallees(flow)) {
                        stack.push(callee);
                    }
                }
            }
            return seen;
        });
    }

    /** A shortest chain of calls from `from` to `to`, both included. */
    private pathBetween(from: Flow, to: Flow): Flow[] {
        const previous = new Map<Flow, Flow | undefined>([[from, undefined]]);
        const queue = [from];
        while (queue.length > 0) {
            const flow = queue.shift()!;
            if (flow === to) {
                const path: Flow[] = [];
                for (let f: Flow | undefined = flow; f; f = previous.get(f)) {
                    path.unshift(f);
                }
                return path;
            }
            for (const next of this.directCallees(flow)) {
                if (!previous.has(next)) {
                    previous.set(next, flow);
                    queue.push(next);
                }
            }
        }
        return [from, to];
    }

    private checkFor(loop: ForStatement, accept: ValidationAcceptor): void {
        if (loop.iterable) {
            const type = this.typeOf(loop.iterable);
            if (type.kind !== 'list' && type.kind !== 'error') {
                accept('error', `'for' iterates over a list, but this has type '${typeToString(type)}'.`, {
                    node: loop,
                    property: 'iterable',
                    code: FlowIssues.forNonList,
                    data: { code: FlowIssues.forNonList, actual: typeToString(type) },
                });
            }
        }
        this.requireBool(loop.condition, "A 'where' condition", accept);
    }

    private requireBool(expression: Expression | undefined, what: string, accept: ValidationAcceptor): void {
        if (!expression) {
            return;
        }
        const type = this.typeOf(expression);
        if (!isAssignable(type, BOOL)) {
            accept('error', `${what} must be true or false, but this has type '${typeToString(type)}'.`, {
                node: expression,
                code: FlowIssues.conditionType,
                data: { code: FlowIssues.conditionType, actual: typeToString(type) },
            });
        }
    }

    private checkBinary(expression: BinaryExpression, accept: ValidationAcceptor): void {
        if (expression.operator === 'and' || expression.operator === 'or') {
            this.requireBool(expression.left, `'${expression.operator}'`, accept);
            this.requireBool(expression.right, `'${expression.operator}'`, accept);
            return;
        }
        if (!expression.left || !expression.right) {
            return;
        }
        const left = this.typeOf(expression.left);
        const right = this.typeOf(expression.right);
        const result = comparability(left, right, expression.operator);
        if (result.ok) {
            return;
        }
        const [l, r] = [typeToString(left), typeToString(right)];
        if (result.reason === 'label-sets') {
            accept('error', `Cannot compare '${l}' with '${r}': they are labels of different label sets.`, {
                node: expression,
                property: 'operator',
                code: FlowIssues.compareLabelSets,
                data: { code: FlowIssues.compareLabelSets },
            });
        } else if (result.reason === 'ordering') {
            accept('error', `'${expression.operator}' compares numbers, but the operands have types '${l}' and '${r}'.`, {
                node: expression,
                property: 'operator',
                code: FlowIssues.compareTypes,
                data: { code: FlowIssues.compareTypes },
            });
        } else {
            accept('error', `Cannot compare '${l}' with '${r}'.`, {
                node: expression,
                property: 'operator',
                code: FlowIssues.compareTypes,
                data: { code: FlowIssues.compareTypes },
            });
        }
    }

    private checkStatement(statement: ExpressionStatement, accept: ValidationAcceptor): void {
        if (statement.expression && !isCallExpression(statement.expression)) {
            accept('error', `A statement must be a call of a task, a flow or a built-in; this value is not used.`, {
                node: statement,
                code: FlowIssues.notACall,
                data: { code: FlowIssues.notACall },
            });
        }
    }

    private checkLet(statement: LetStatement, accept: ValidationAcceptor): void {
        if (statement.value && this.typeOf(statement.value).kind === 'void') {
            accept('error', `'${statement.name}' has no value: flows label items but give nothing back; call a task instead.`, {
                node: statement,
                property: 'value',
                code: FlowIssues.noValue,
                data: { code: FlowIssues.noValue },
            });
        }
    }
}
