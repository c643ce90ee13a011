/**
 * The mutation run's reporter that turns a test file which failed to load into a failed test
 * (test/support/load-failures-as-tests.ts): Stryker reads only test results, so without it a mutant
 * that breaks a module at import would count as survived.
 */
import type { RunnerTestFile } from 'vitest';
import { describe, expect, it } from 'vitest';
import LoadFailuresAsTests, { LOAD_FAILURE_TEST } from '../support/load-failures-as-tests.js';

function file(name: string, result: RunnerTestFile['result'], tasks: RunnerTestFile['tasks'] = []): RunnerTestFile {
    return {
        type: 'suite',
        id: name,
        name,
        filepath: `/repo/${name}`,
        projectName: '',
        mode: 'run',
        meta: {},
        tasks,
        file: undefined as never,
        result,
    };
}

describe('a test file that fails to load, in the mutation run', () => {
    it('gets one failed test that carries the load error, named after the file', () => {
        const error = { name: 'TypeError', message: "Cannot read properties of undefined (reading 'version')" };
        const broken = file('schema.test.ts', { state: 'fail', errors: [error] });
        new LoadFailuresAsTests().onFinished([broken]);
        expect(broken.tasks).toHaveLength(1);
        const [test] = broken.tasks;
        expect(test).toMatchObject({ type: 'test', name: LOAD_FAILURE_TEST, mode: 'run', result: { state: 'fail', errors: [error] } });
        expect(test.file).toBe(broken);
        expect(test.suite).toBe(broken);
    });

    it('leaves files that loaded alone, whether their tests passed or failed', () => {
        const passed = file('a.test.ts', { state: 'pass' });
        const failedTest = file('b.test.ts', { state: 'fail' }, [
            {
                type: 'test',
                id: 'b1',
                name: 'x',
                mode: 'run',
                meta: {},
                timeout: 0,
                annotations: [],
                context: undefined as never,
                file: undefined as never,
            },
        ]);
        new LoadFailuresAsTests().onFinished([passed, failedTest]);
        expect(passed.tasks).toEqual([]);
        expect(failedTest.tasks.map((t) => t.name)).toEqual(['x']);
    });
});
