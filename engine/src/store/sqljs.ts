/**
 * Loading sql.js. The WebAssembly file is found next to the bundle when dprog runs bundled
 * (esbuild.mjs copies it to out/wasm/), and in node_modules when it runs from source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

const WASM_FILE = 'sql-wasm.wasm';

/** Environment variable that names the wasm file explicitly (packagers, unusual layouts). */
export const SQL_WASM_ENV = 'DPROG_SQL_WASM';

/**
 * Where `sql-wasm.wasm` may be, in order: $DPROG_SQL_WASM; `wasm/` beside the bundle or one folder
 * up (out/cli/main.cjs → out/wasm/); then sql.js's own copy resolved from `moduleUrl`.
 */
export function sqlWasmCandidates(moduleUrl: string, env: NodeJS.ProcessEnv = process.env): string[] {
    const candidates: string[] = [];
    if (env[SQL_WASM_ENV]) {
        candidates.push(env[SQL_WASM_ENV]);
    }
    const here = dirname(fileURLToPath(moduleUrl));
    candidates.push(join(here, 'wasm', WASM_FILE), join(here, '..', 'wasm', WASM_FILE));
    try {
        candidates.push(createRequire(moduleUrl).resolve(`sql.js/dist/${WASM_FILE}`));
    } catch {
        // sql.js is not resolvable from here (a packaged bundle): the bundle-relative paths must do.
    }
    return candidates;
}

/** The first existing candidate; a clear error listing every place looked at otherwise. */
export function locateSqlWasm(moduleUrl: string = import.meta.url, env: NodeJS.ProcessEnv = process.env): string {
    const candidates = sqlWasmCandidates(moduleUrl, env);
    const found = candidates.find((candidate) => existsSync(candidate));
    if (!found) {
        throw new Error(
            `cannot find ${WASM_FILE} (sql.js). Looked at: ${candidates.join(', ')}. ` +
                `Rebuild with \`node esbuild.mjs\` (it copies the file to out/wasm/), or set ${SQL_WASM_ENV} to its path.`,
        );
    }
    return found;
}

let loading: Promise<SqlJsStatic> | undefined;

/** sql.js, initialised once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
    if (!loading) {
        const wasmPath = locateSqlWasm();
        const wasmBinary = readFileSync(wasmPath);
        loading = initSqlJs({
            wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer,
        });
        loading.catch(() => {
            loading = undefined;
        });
    }
    return loading;
}
