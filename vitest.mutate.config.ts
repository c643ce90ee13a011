/**
 * The tests that `npm run mutate` (StrykerJS, stryker.config.json) runs against each mutant: only the
 * folders that exercise the mutated modules in-process. Tests that spawn the CLI bundle (bin/dprog.cjs,
 * out/) are left out: a mutant in the sources never reaches the bundle. MUTATE_TESTS (comma-separated
 * globs) narrows the set for a run over one module, e.g. MUTATE_TESTS='test/engine/routing/**'.
 * A test file that fails to load counts as a failed test here (test/support/load-failures-as-tests.ts),
 * so a mutant that breaks a module at import counts as killed, not survived (stryker-js#6150).
 */
import { defineConfig } from 'vitest/config';
import LoadFailuresAsTests from './test/support/load-failures-as-tests.js';

const allFolders = [
    'test/engine/store/**/*.test.ts',
    'test/engine/quality/**/*.test.ts',
    'test/engine/routing/**/*.test.ts',
    'test/engine/executor/**/*.test.ts',
    'test/engine/migration/**/*.test.ts',
    'test/language-server/compiler/migration.test.ts',
];

/** Test files that run the CLI bundle in a child process. */
const spawningTheCli = ['**/*-cli.test.ts', 'test/engine/executor/{bad-answers,replay-run,tickets-flow}.test.ts'];

export default defineConfig({
    test: {
        include: process.env.MUTATE_TESTS?.split(',') ?? allFolders,
        exclude: ['**/node_modules/**', ...spawningTheCli],
        // One PostgreSQL cluster for the run, not one per file and mutant (test/support/postgres-shared.ts).
        globalSetup: ['./test/support/prepare-sample-data.ts', './test/support/postgres-shared.ts'],
        reporters: ['default', new LoadFailuresAsTests()],
        testTimeout: 120_000,
        hookTimeout: 300_000,
    },
});
