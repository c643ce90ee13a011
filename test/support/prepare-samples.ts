/**
 * Vitest global set-up: the samples' generated data (never committed) exists before any test file
 * runs, so tests that compile or run a sample see the same data whatever order they run in (the
 * golden plans count the samples' items). Both scripts are idempotent: a prepared checkout costs
 * a few file checks.
 */
import { prepareDocuments } from '../../samples/documents/prepare.js';
import { prepare as prepareSpam } from '../../samples/spam/prepare.js';

export default function setup(): void {
    prepareSpam();
    prepareDocuments();
}
