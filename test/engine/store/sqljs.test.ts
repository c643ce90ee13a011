/** Finding sql-wasm.wasm from source (node_modules) and from a bundle (out/wasm/ beside out/cli/). */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSqlJs, locateSqlWasm, SQL_WASM_ENV, sqlWasmCandidates } from '../../../engine/src/store/sqljs.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const realWasm = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');

describe('loadSqlJs', () => {
    it('initialises sql.js once per process', async () => {
        const [first, second] = [loadSqlJs(), loadSqlJs()];
        expect(second).toBe(first);
        expect(await second).toBe(await first);
    });
});

describe('locateSqlWasm', () => {
    it('finds sql.js in node_modules when running from source', () => {
        const fromSource = pathToFileURL(join(process.cwd(), 'engine/src/store/sqljs.ts')).href;
        expect(locateSqlWasm(fromSource, {})).toBe(realWasm);
    });

    it('finds out/wasm/ beside a bundle that has no node_modules around it', () => {
        mkdirSync(join(dir, 'out', 'cli'), { recursive: true });
        mkdirSync(join(dir, 'out', 'wasm'));
        copyFileSync(realWasm, join(dir, 'out', 'wasm', 'sql-wasm.wasm'));
        writeFileSync(join(dir, 'out', 'cli', 'main.cjs'), '');
        const bundle = pathToFileURL(join(dir, 'out', 'cli', 'main.cjs')).href;
        expect(sqlWasmCandidates(bundle, {})).toEqual([
            join(dir, 'out', 'cli', 'wasm', 'sql-wasm.wasm'),
            join(dir, 'out', 'wasm', 'sql-wasm.wasm'),
        ]);
        expect(locateSqlWasm(bundle, {})).toBe(join(dir, 'out', 'wasm', 'sql-wasm.wasm'));
    });

    it('prefers an explicit path from the environment', () => {
        const bundle = pathToFileURL(join(dir, 'main.cjs')).href;
        expect(locateSqlWasm(bundle, { [SQL_WASM_ENV]: realWasm })).toBe(realWasm);
    });

    it('says where it looked and what to do when the file is nowhere', () => {
        const bundle = pathToFileURL(join(dir, 'out', 'cli', 'main.cjs')).href;
        expect(() => locateSqlWasm(bundle, {})).toThrow(
            `Looked at: ${join(dir, 'out', 'cli', 'wasm', 'sql-wasm.wasm')}, ${join(dir, 'out', 'wasm', 'sql-wasm.wasm')}. `,
        );
        expect(() => locateSqlWasm(bundle, {})).toThrow(
            /cannot find sql-wasm\.wasm .*Looked at: .*out\/wasm\/sql-wasm\.wasm.*node esbuild\.mjs.*DPROG_SQL_WASM/,
        );
    });
});
