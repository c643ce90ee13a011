// Builds every bundle of dprog: the extension and the language server (Node, CommonJS),
// the CLI (Node, CommonJS) and the webview panels (browser, IIFE).
// `node esbuild.mjs --watch` rebuilds on change; `--minify` for packaging.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

/** Packages with native code or their own files on disk stay outside the bundles. */
// pg-native: pg's optional libpq binding, loaded only when asked for (dprog never does).
const nodeExternals = ['vscode', 'onnxruntime-node', 'better-sqlite3', 'pg-native'];

/** Entry points that do not exist yet are skipped, so a partial tree still builds. */
const existing = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

const nodeBundles = {
    entryPoints: existing({
        'extension/main': 'extension/src/main.ts',
        // What the extension needs only after activation (panels, label store, language client), loaded on first use.
        'extension/deferred': 'extension/src/deferred.ts',
        'cli/main': 'cli/src/main.ts',
    }),
    outdir: 'out',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify,
    external: nodeExternals,
    logLevel: 'info',
    // Langium and other ESM-only packages use import.meta.url; map it for CommonJS output.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

/**
 * The language server alone, as ES modules split into chunks: what only some requests need (the
 * compiler for hover's plan figures, the ONNX reader for model files) is loaded when first used,
 * so `initialize` is answered without parsing them. `out/language-server/main.cjs` (the path the
 * extension and `dprog lsp` start) is a small CommonJS file that imports it.
 */
const serverBundle = {
    entryPoints: existing({ 'language-server/server': 'language-server/src/main.ts' }),
    outdir: 'out',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'language-server/chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    minify,
    external: nodeExternals,
    logLevel: 'info',
    // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
    banner: {
        js: "import { createRequire as __dprogCreateRequire } from 'node:module'; const require = __dprogCreateRequire(import.meta.url);",
    },
};

const SERVER_SHIM = `// Starts the dprog language server (out/language-server/server.mjs); see esbuild.mjs.
import('./server.mjs').catch((error) => {
    console.error(error);
    process.exit(1);
});
`;

const webviewEntries = {
    'webview/annotate': 'webview/src/annotate/main.ts',
    'webview/preview': 'webview/src/preview/main.ts',
    'webview/plan': 'webview/src/plan/main.ts',
};

const webviewBundles = {
    entryPoints: existing(webviewEntries),
    outdir: 'out',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: true,
    minify,
    loader: { '.css': 'text' },
    logLevel: 'info',
};

function copyAssets() {
    mkdirSync('out/language-server', { recursive: true });
    writeFileSync('out/language-server/main.cjs', SERVER_SHIM);
    mkdirSync('out/wasm', { recursive: true });
    copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'out/wasm/sql-wasm.wasm');
}

// Chunk names change with their content: start from an empty folder so old ones do not pile up.
rmSync('out/language-server', { recursive: true, force: true });
const configs = [nodeBundles, serverBundle, webviewBundles].filter((c) => Object.keys(c.entryPoints).length > 0);
copyAssets();
if (watch) {
    for (const config of configs) {
        const context = await esbuild.context(config);
        await context.watch();
    }
} else {
    await Promise.all(configs.map((config) => esbuild.build(config)));
}
