/**
 * Vitest global set-up: the samples' generated data (never committed) exists before any test file
 * runs, so tests that compile or run a sample see the same data whatever order they run in (the
 * golden plans count the samples' items). Both scripts are idempotent: a prepared checkout costs
 * a few file checks. It also rebuilds the bundles in out/ when a source is newer (fresh-bundles.ts).
 */
import { ensureFreshBundles } from './fresh-bundles.js';
import prepareSampleData from './prepare-sample-data.js';

export default function setup(): void {
    prepareSampleData();
    ensureFreshBundles();
}
