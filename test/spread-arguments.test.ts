/**
 * No spread of an array of unknown length into a call's arguments (`queue.push(...waiting)`,
 * `Math.max(...scores)`, `String.fromCharCode(...bytes)`, `f.apply(null, list)`): each element
 * becomes an argument on the stack, and beyond roughly 100,000 of them the call throws
 * "Maximum call stack size exceeded" (a `dprog run` with 170,000 items waiting for people died so).
 * Allowed: spreading an array literal or a choice between array literals, whose length the code
 * fixes, and passing on a rest parameter, whose length its own callers' checked calls fix.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { allSourceFiles, repositoryRoot } from './support/source-files.js';

function unwrap(node: ts.Expression): ts.Expression {
    return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) ? unwrap(node.expression) : node;
}

/** An expression whose length the code fixes: an array literal, or a choice between such. */
function boundedLength(node: ts.Expression): boolean {
    const e = unwrap(node);
    if (ts.isArrayLiteralExpression(e)) {
        return e.elements.every((element) => !ts.isSpreadElement(element) || boundedLength(element.expression));
    }
    if (ts.isConditionalExpression(e)) {
        return boundedLength(e.whenTrue) && boundedLength(e.whenFalse);
    }
    return false;
}

/** Whether `name` is a rest parameter of a function around `node`. */
function isRestParameter(node: ts.Node, name: string): boolean {
    for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
        if (ts.isFunctionLike(scope) && scope.parameters.some((p) => p.dotDotDotToken && ts.isIdentifier(p.name) && p.name.text === name)) {
            return true;
        }
    }
    return false;
}

function allowedSpread(spread: ts.SpreadElement): boolean {
    const e = unwrap(spread.expression);
    return boundedLength(e) || (ts.isIdentifier(e) && isRestParameter(spread, e.text));
}

/** `f.apply(thisArg, list)` with a list that is not a literal. */
function isUnboundedApply(call: ts.CallExpression): boolean {
    const callee = call.expression;
    return (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'apply' &&
        call.arguments.length === 2 &&
        !boundedLength(call.arguments[1])
    );
}

/** Every call in `text` that spreads (or applies) an array of unknown length, as "file:line: call". */
function unboundedSpreads(file: string, text: string): string[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const report = (node: ts.Node) =>
        found.push(
            `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().split('\n')[0].slice(0, 100)}`,
        );
    const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
            const unbounded = (node.arguments ?? []).some((a) => ts.isSpreadElement(a) && !allowedSpread(a));
            if (unbounded || (ts.isCallExpression(node) && isUnboundedApply(node))) {
                report(node);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe('no spread of unbounded arrays into call arguments', () => {
    test('the sources have none', () => {
        const offenders = allSourceFiles().flatMap((file) => unboundedSpreads(file, readFileSync(path.join(repositoryRoot, file), 'utf8')));
        expect(offenders).toEqual([]);
    });

    test('the rule finds the spreads that crash and lets bounded ones through', () => {
        const text = [
            'queue.push(...waiting);',
            'const top = Math.max(...scores, 0);',
            'const s = String.fromCharCode(...bytes);',
            'const m = Math.max.apply(null, values);',
            'new Set(...lists);',
            'show(message, ...(changed ? ["A", "B"] : ["B"]));',
            'list.push(...[a, b]);',
            'function h(...children) { parent.append(...children); }',
            'const copy = [...waiting];',
        ].join('\n');
        expect(unboundedSpreads('sample.ts', text).map((found) => found.split(':')[1])).toEqual(['1', '2', '3', '4', '5']);
    });
});
