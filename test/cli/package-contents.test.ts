/**
 * `npm pack` (what `npm install -g` of the tarball installs) carries the `dprog` command and every
 * bundle it loads, including the language server's chunks, and none of the sources or test data.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(__dirname, '../..');

test('the npm package holds the command and its bundles only', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const files: string[] = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    expect(files).toEqual(
        expect.arrayContaining([
            'bin/dprog.cjs',
            'out/cli/main.cjs',
            'out/language-server/main.cjs',
            'out/language-server/server.mjs',
            'out/wasm/sql-wasm.wasm',
            'package.json',
        ]),
    );
    expect(files.some((f) => /^out\/language-server\/chunks\/.+\.mjs$/.test(f))).toBe(true);
    expect(
        files.filter((f) => !/^(bin|out)\/|^package\.json$|^README\.md$|^LICENSE$|^CHANGELOG\.md$/.test(f) || f.endsWith('.map')),
    ).toEqual([]);
});
