/**
 * Type inference: the type of every expression, parameter and declaration, cached per workspace
 * state (the cache empties whenever a document changes).
 */
import { AstUtils, WorkspaceCache, type AstNode } from 'langium';
import {
    isBinaryExpression,
    isBoolLabelType,
    isBoolLiteral,
    isBuiltinFunction,
    isBuiltinMember,
    isCallExpression,
    isClassLabelType,
    isDatasetTypeRef,
    isField,
    isFlow,
    isForStatement,
    isLabelMember,
    isLabelSet,
    isLetStatement,
    isListLabelType,
    isLoopVariable,
    isMemberAccess,
    isNameExpression,
    isNotExpression,
    isNumberLabelType,
    isNumberLiteral,
    isParameter,
    isStringLiteral,
    isTask,
    isTextLabelType,
    isValueTypeExpr,
    type Expression,
    type Field,
    type LabelType,
    type Referable,
    type TypeExpr,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { builtinMemberType, builtinSignatures } from './builtin-types.js';
import {
    classType,
    errorType,
    listType,
    valueType,
    voidType,
    type ClassKind,
    type DprogType,
    type ValueTypeName,
} from './type-descriptions.js';

export class DprogTypeComputer {
    private readonly cache: WorkspaceCache<AstNode, DprogType>;

    constructor(services: DprogServices) {
        this.cache = new WorkspaceCache(services.shared);
    }

    /** Nodes whose type is being computed: a node met again depends on itself. */
    private readonly computing = new Set<AstNode>();

    /**
     * The type of an expression, a declaration that has a value, or a written type. A type that
     * depends on itself (`for b in b.x`, or what the parser recovers from half-typed text) is an
     * error type, not an endless recursion.
     */
    typeOf(node: Expression | Referable | TypeExpr | LabelType | Field): DprogType {
        return this.cache.get(node, () => {
            if (this.computing.has(node)) {
                return errorType;
            }
            this.computing.add(node);
            try {
                return this.compute(node);
            } finally {
                this.computing.delete(node);
            }
        });
    }

    private compute(node: AstNode): DprogType {
        return this.writtenType(node) ?? this.declarationType(node) ?? this.expressionType(node) ?? errorType;
    }

    /** The type a written type stands for (`Text`, `choice<Verdict>`, `list<…>`); undefined for other nodes. */
    private writtenType(node: AstNode): DprogType | undefined {
        if (isValueTypeExpr(node)) {
            return valueType(node.name as ValueTypeName);
        }
        if (isDatasetTypeRef(node)) {
            const dataset = node.dataset?.ref;
            return dataset ? { kind: 'dataset', dataset } : errorType;
        }
        if (isClassLabelType(node)) {
            return classType(node.kind as ClassKind, node.labelSet?.ref, node.labelSet?.$refText);
        }
        if (isTextLabelType(node)) {
            return { kind: 'text' };
        }
        if (isNumberLabelType(node)) {
            return { kind: 'number', min: node.min, max: node.max };
        }
        if (isBoolLabelType(node)) {
            return { kind: 'bool' };
        }
        if (isListLabelType(node)) {
            return node.element ? listType(this.typeOf(node.element)) : errorType;
        }
        return undefined;
    }

    /** The type of a declaration's value (a parameter, `let`, loop variable, field or label member); undefined for other nodes. */
    private declarationType(node: AstNode): DprogType | undefined {
        if (isParameter(node)) {
            return node.type ? this.typeOf(node.type) : errorType;
        }
        if (isLetStatement(node)) {
            return node.value ? this.typeOf(node.value) : errorType;
        }
        if (isLoopVariable(node)) {
            const loop = AstUtils.getContainerOfType(node, isForStatement);
            const iterable = loop?.iterable ? this.typeOf(loop.iterable) : errorType;
            return iterable.kind === 'list' ? iterable.element : errorType;
        }
        if (isField(node)) {
            return valueType(node.type as ValueTypeName);
        }
        if (isLabelMember(node)) {
            const labelSet = AstUtils.getContainerOfType(node, isLabelSet);
            return classType('choice', labelSet);
        }
        return undefined;
    }

    /** The type of an expression's value; undefined for other nodes. */
    private expressionType(node: AstNode): DprogType | undefined {
        if (isNameExpression(node)) {
            const target = node.target?.ref;
            return target ? this.typeOf(target) : errorType;
        }
        if (isMemberAccess(node)) {
            const member = node.member?.ref;
            if (isField(member)) {
                return valueType(member.type as ValueTypeName);
            }
            return isBuiltinMember(member) ? (builtinMemberType(member.name, this.typeOf(node.receiver)) ?? errorType) : errorType;
        }
        if (isCallExpression(node)) {
            return this.callType(node.callee?.ref);
        }
        if (isStringLiteral(node)) {
            return valueType('String');
        }
        if (isNumberLiteral(node)) {
            return valueType('Number');
        }
        if (isBoolLiteral(node) || isBinaryExpression(node) || isNotExpression(node)) {
            return valueType('Bool');
        }
        return undefined;
    }

    /** What a call returns: a task's output, nothing for a flow, a builtin's declared result. */
    private callType(callee: AstNode | undefined): DprogType {
        if (isTask(callee)) {
            return callee.output ? this.typeOf(callee.output) : errorType;
        }
        if (isFlow(callee)) {
            return voidType;
        }
        if (isBuiltinFunction(callee)) {
            return builtinSignatures[callee.name]?.returns ?? errorType;
        }
        return errorType;
    }
}
