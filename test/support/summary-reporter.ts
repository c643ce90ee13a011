/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own report,
 * so that CI logs state the count in a runner-independent form.
 */
import type { Reporter } from 'vitest/reporters';
import type { RunnerTestFile, RunnerTask } from 'vitest';

function collect(tasks: RunnerTask[], counts: { passed: number; failed: number; skipped: number }): void {
    for (const task of tasks) {
        if (task.type === 'test') {
            const state = task.result?.state;
            if (state === 'pass') {
                counts.passed++;
            } else if (state === 'fail') {
                counts.failed++;
            } else {
                counts.skipped++;
            }
        } else if ('tasks' in task) {
            collect(task.tasks, counts);
        }
    }
}

export default class SummaryReporter implements Reporter {
    onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
        const counts = { passed: 0, failed: 0, skipped: 0 };
        collect(files, counts);
        // A file that failed to load has no tests: count it as a failure.
        const brokenFiles = files.filter((f) => f.result?.state === 'fail' && f.tasks.length === 0).length;
        counts.failed += brokenFiles + errors.length;
        process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    }
}
