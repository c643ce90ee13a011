/**
 * The dependency rules of architecture.md, checked on the sources: no `vscode` outside extension/,
 * no Node module in webview/, the engine independent of the language server and the extension.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
    const full = path.join(root, dir);
    let entries: string[];
    try {
        entries = readdirSync(full);
    } catch {
        return [];
    }
    return entries.flatMap((entry) => {
        const file = path.join(full, entry);
        if (statSync(file).isDirectory()) {
            return sourceFiles(path.join(dir, entry));
        }
        return /\.tsx?$/.test(entry) ? [file] : [];
    });
}

function importsOf(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    return [
        ...text.matchAll(
            /^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/gm,
        ),
    ].map((m) => m[1] ?? m[2] ?? m[3]);
}

function offenders(dirs: string[], forbidden: (specifier: string, file: string) => boolean): string[] {
    return dirs.flatMap(sourceFiles).flatMap((file) =>
        importsOf(file)
            .filter((s) => forbidden(s, file))
            .map((s) => `${path.relative(root, file)} imports '${s}'`),
    );
}

/** The source files `file` imports through relative paths, transitively, itself included. */
function reachableFrom(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) {
        return seen;
    }
    seen.add(file);
    for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
        reachableFrom(path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'), seen);
    }
    return seen;
}

const nodeModules = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The engine modules the language server may import: plan types, the routing policy's estimates and small pure helpers. */
const SERVER_MAY_USE = [
    'plan',
    'routing/policy.js',
    'routing/policy-estimate.js',
    'quality/reachable.js',
    'learning/onnx-signature',
    'data/regular-file',
];

describe('architecture', () => {
    test('only extension/ imports vscode', () => {
        expect(offenders(['engine', 'language-server', 'cli', 'webview'], (s) => s === 'vscode')).toEqual([]);
    });

    test('webview/ imports no Node module', () => {
        expect(offenders(['webview'], (s) => nodeModules.has(s) || s.startsWith('node:'))).toEqual([]);
    });

    test('engine/ depends on neither the language server, the extension nor the CLI', () => {
        expect(offenders(['engine'], (s) => /(^|\/)(language-server|extension|cli)\//.test(s))).toEqual([]);
    });

    test(
        'language-server/ uses only the engine plan types, the pure routing policy (its estimates run the policy that runs), pure ' +
            'estimators and the regular-file check',
        () => {
            expect(
                offenders(
                    ['language-server'],
                    (s) => /engine\/src\//.test(s) && !SERVER_MAY_USE.some((allowed) => s.includes(`engine/src/${allowed}`)),
                ),
            ).toEqual([]);
        },
    );

    test('quality/ and routing/ are pure: nothing they import, directly or not, touches files, processes or packages', () => {
        const impure = ['engine/src/quality', 'engine/src/routing'].flatMap(sourceFiles).flatMap((file) =>
            [...reachableFrom(file)].flatMap((reached) =>
                importsOf(reached)
                    .filter((s) => !s.startsWith('.'))
                    .map((s) => `${path.relative(root, file)} reaches ${path.relative(root, reached)}, which imports '${s}'`),
            ),
        );
        expect(impure).toEqual([]);
    });

    test('an item run sees its run only through RunContext: nothing it imports, directly or not, imports executor.ts', () => {
        const reached = [...reachableFrom(path.join(root, 'engine/src/executor/item-run.ts'))].map((f) => path.relative(root, f));
        expect(reached).toContain('engine/src/executor/run-context.ts');
        expect(reached).not.toContain('engine/src/executor/executor.ts');
    });

    test('only the v1 plan upgrade reads expression source text (the plan carries expression trees)', () => {
        const readers = offenders(['engine', 'language-server', 'cli', 'extension', 'webview'], (s) => s.includes('text-expression'));
        expect(readers).toEqual(["engine/src/plan/v1/upgrade.ts imports './text-expression.js'"]);
    });

    test('the rules find real imports', () => {
        // Guards the regular expression itself: this file imports node:fs.
        expect(importsOf(__filename)).toContain('node:fs');
    });
});
