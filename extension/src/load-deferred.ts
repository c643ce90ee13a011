/**
 * Loads out/extension/deferred.cjs (see deferred.ts) on first use. A computed path keeps esbuild
 * from inlining it into the activation bundle.
 */
import * as path from 'node:path';

type Deferred = typeof import('./deferred.js');

let loaded: Deferred | undefined;

export function deferred(): Deferred {
    loaded ??= require(path.join(__dirname, 'deferred.cjs')) as Deferred;
    return loaded;
}
