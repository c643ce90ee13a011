/**
 * A user's clone is all there is: no source, test, benchmark, script or document of the project
 * may reach for files beside the repository (the design folder the project was specified in is
 * not shipped). Data the tests need lives in the repository with its license (samples/crowd/),
 * and the language reference is docs/language.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
const roots = ['engine', 'cli', 'extension', 'language-server', 'grammar', 'webview', 'samples', 'test', 'bench', 'docs', '.ci', 'bin'];
const topLevelFiles = ['README.md', 'package.json', 'esbuild.mjs', 'tsconfig.json', 'vitest.config.ts', 'langium-config.json'];
const skippedFolders = new Set(['node_modules', 'out', 'dist', 'data', '.cache', 'generated']);
const textFile = /\.(ts|mts|cts|js|mjs|cjs|json|md|langium|dprog|sh|yaml|yml|html|css)$|^run$/;
/** `..` + `/shared` — spelled apart so that this file does not match itself. */
const outside = ['..', '/shared'].join('');

function filesUnder(dir: string): string[] {
    let entries: string[];
    try {
        entries = readdirSync(dir);
    } catch {
        return [];
    }
    return entries.flatMap((entry) => {
        const file = path.join(dir, entry);
        if (statSync(file).isDirectory()) {
            return skippedFolders.has(entry) ? [] : filesUnder(file);
        }
        return textFile.test(entry) ? [file] : [];
    });
}

test(`nothing in the repository refers to ${outside}`, () => {
    const files = [...roots.flatMap((dir) => filesUnder(path.join(root, dir))), ...topLevelFiles.map((f) => path.join(root, f))];
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) =>
        readFileSync(file, 'utf8')
            .split('\n')
            .flatMap((line, i) => (line.includes(outside) ? [`${path.relative(root, file)}:${i + 1}`] : [])),
    );
    expect(offenders).toEqual([]);
});
