import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        include: ['test/**/*.test.ts'],
        // Generates the samples' data (idempotent) before any test file runs.
        globalSetup: ['./test/support/prepare-samples.ts'],
        // onnxruntime-node is unreliable inside worker threads; separate processes are safe.
        pool: 'forks',
        testTimeout: 120_000,
        hookTimeout: 300_000,
        reporters: ['default', './test/support/summary-reporter.ts'],
    },
});
