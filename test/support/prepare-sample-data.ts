/**
 * Vitest global set-up for runs that test sources only (the mutation run, `npm run mutate`): the
 * samples' generated data exists before any test file runs, without rebuilding the bundles in out/.
 */
import { prepareDocuments } from '../../samples/documents/prepare.js';
import { prepare as prepareSpam } from '../../samples/spam/prepare.js';

export default function setup(): void {
    prepareSpam();
    prepareDocuments();
}
