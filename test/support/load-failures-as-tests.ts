/**
 * A vitest reporter for the mutation run only (vitest.mutate.config.ts). A test file that throws while
 * it is loaded — a mutant that breaks a module at import, such as `MIGRATIONS[MIGRATIONS.length + 1]`
 * in store/schema.ts — has no tests, and Stryker's vitest runner, which reads only test results, would
 * count that mutant as survived (stryker-js#6150). This reporter gives each such file one failed test
 * that carries the load error, so the mutant counts as killed. It runs after the files and before
 * Stryker reads their results; a normal `npm test` does not use it.
 */
import type { RunnerTestCase, RunnerTestFile } from 'vitest';
import type { Reporter } from 'vitest/node';

export const LOAD_FAILURE_TEST = 'the test file loads';

export default class LoadFailuresAsTests implements Reporter {
    onFinished(files: RunnerTestFile[] = []): void {
        for (const file of files) {
            if (file.result?.state === 'fail' && file.tasks.length === 0) {
                file.tasks.push(failedLoad(file));
            }
        }
    }
}

/** A failed test standing for the file that did not load. */
function failedLoad(file: RunnerTestFile): RunnerTestCase {
    return {
        type: 'test',
        id: `${file.id}_load`,
        name: LOAD_FAILURE_TEST,
        mode: 'run',
        file,
        suite: file,
        meta: {},
        timeout: 0,
        context: undefined as never,
        annotations: [],
        result: { state: 'fail', errors: file.result?.errors ?? [] },
    };
}
