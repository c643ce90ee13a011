import { defineConfig } from 'vitest/config';

/** The end-to-end suites: a real VS Code (code-server + Chromium), run by .ci/e2e.sh, not by `npm test`. */
export default defineConfig({
    test: {
        include: ['test/e2e/**/*.e2e.ts'],
        pool: 'forks',
        fileParallelism: false,
        testTimeout: 300_000,
        hookTimeout: 600_000,
        reporters: ['default', './test/support/summary-reporter.ts'],
    },
});
