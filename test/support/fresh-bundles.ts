/**
 * Tests that spawn `bin/dprog.cjs` run the bundles in out/, not the sources. So that no test ever
 * runs a stale bundle after a source edit, the global set-up rebuilds them (and regenerates the
 * parser from the grammar) whenever any source they are built from is newer than the oldest
 * bundle. After `npm test`'s own build this costs a walk over the source folders.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const sourceFolders = ['engine/src', 'cli/src', 'language-server/src', 'extension/src', 'webview/src', 'grammar'];
const bundles = [
    'out/cli/main.cjs',
    'out/language-server/main.cjs',
    'out/language-server/server.mjs',
    'out/extension/main.cjs',
    'out/webview/annotate.js',
];

/** The newest modification time of any file below `dir` (0 for a missing folder). */
export function newestModification(dir: string): number {
    if (!existsSync(dir)) {
        return 0;
    }
    return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
        const file = path.join(dir, entry.name);
        const time = entry.isDirectory() ? newestModification(file) : statSync(file).mtimeMs;
        return Math.max(newest, time);
    }, 0);
}

function oldestBundle(): number {
    const files = bundles.map((f) => path.join(root, f));
    return files.every(existsSync) ? Math.min(...files.map((f) => statSync(f).mtimeMs)) : 0;
}

/** Rebuilds out/ when it is missing or older than a source; returns whether it did. */
export function ensureFreshBundles(): boolean {
    const grammar = statSync(path.join(root, 'grammar/dprog.langium')).mtimeMs;
    if (grammar > newestModification(path.join(root, 'language-server/src/generated'))) {
        execFileSync(process.execPath, [path.join(root, 'node_modules/langium-cli/bin/langium.js'), 'generate'], {
            cwd: root,
            stdio: 'pipe',
        });
    }
    const sources = Math.max(...sourceFolders.map((dir) => newestModification(path.join(root, dir))));
    if (oldestBundle() > sources) {
        return false;
    }
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
    return true;
}
