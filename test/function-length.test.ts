/**
 * Functions short enough to read at once: no function, method or arrow function in the project's
 * sources is longer than 80 lines (generated code excluded). A function's length runs from its
 * first line to its last (its doc comment not counted) and so includes the functions nested in
 * it: a 200-line command registration made of one inline action is one long function.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { allSourceFiles, repositoryRoot } from './support/source-files.js';

const MAX_LINES = 80;

type FunctionNode =
    | ts.FunctionDeclaration
    | ts.FunctionExpression
    | ts.ArrowFunction
    | ts.MethodDeclaration
    | ts.ConstructorDeclaration
    | ts.GetAccessorDeclaration
    | ts.SetAccessorDeclaration;

function isFunction(node: ts.Node): node is FunctionNode {
    return (
        ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)
    );
}

/** What a reader would call the function: its own name, the variable or property it is assigned to, or the call it is passed to. */
function nameOf(node: FunctionNode): string {
    if (ts.isConstructorDeclaration(node)) {
        return 'constructor';
    }
    if (node.name) {
        return node.name.getText();
    }
    const parent = node.parent;
    if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) {
        return parent.name.getText();
    }
    if (ts.isCallExpression(parent)) {
        const callee = parent.expression;
        return `(argument of ${ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText().slice(0, 40)})`;
    }
    return '(anonymous)';
}

/** Every function in `text` longer than `maxLines` lines, as "file:line name (N lines)". */
export function longFunctions(file: string, text: string, maxLines = MAX_LINES): string[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
        if (isFunction(node) && node.body) {
            const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
            const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            const lines = last - first + 1;
            if (lines > maxLines) {
                found.push(`${file}:${first + 1} ${nameOf(node)} (${lines} lines)`);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe(`no function longer than ${MAX_LINES} lines`, () => {
    test('the sources have none', () => {
        const files = allSourceFiles();
        expect(files.length).toBeGreaterThan(100);
        const offenders = files.flatMap((file) => longFunctions(file, readFileSync(path.join(repositoryRoot, file), 'utf8')));
        expect(offenders).toEqual([]);
    });

    test('the rule measures every kind of function, nested functions included, from its first line to its last', () => {
        const body = (n: number) => Array.from({ length: n }, (_, i) => `    step(${i});`).join('\n');
        const text = [
            '/** A doc comment is not counted. */',
            `function declared() {\n${body(3)}\n}`, // 5 lines: allowed at 5
            `const arrow = () => {\n${body(4)}\n};`, // 6 lines
            `class C {\n    method() {\n${body(4)}\n    }\n    constructor() {\n${body(1)}\n    }\n}`,
            `register(program, async (options) => {\n${body(4)}\n});`,
            `function outer() {\n    const inner = function () {\n${body(2)}\n    };\n}`, // outer 6, inner 4
        ].join('\n');
        expect(longFunctions('sample.ts', text, 5)).toEqual([
            'sample.ts:7 arrow (6 lines)',
            'sample.ts:14 method (6 lines)',
            'sample.ts:24 (argument of register) (6 lines)',
            'sample.ts:30 outer (6 lines)',
        ]);
    });
});
