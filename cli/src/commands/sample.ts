import type { RegisterCommand } from './index.js';
import { ExitCode, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore } from '../store-option.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { sampleNext } from '../../../engine/src/learning/sample-next.js';

function positiveInteger(name: string, value: string | undefined): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
        throw new UsageError(`${name} must be a positive integer, got '${value}'.`);
    }
    return n;
}

/** `dprog sample FILE --task T [--n N] [--store DB] [--seed S] [--json]`: the next train items worth labeling. */
export const registerSample: RegisterCommand = (program, setExitCode) => {
    program
        .command('sample')
        .description('Choose the next items to label (active learning; k-center cold start before any model exists).')
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--n <n>', "how many items (default: the learn block's batch)")
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--seed <seed>', "random seed (default: the learn block's seed, else 1)")
        .option('--json', 'print {"task","strategy","items":[{"key","score","split"}]}')
        .action(async (file: string, options: { task?: string; n?: string; store?: string; seed?: string; json?: boolean }) => {
            await withDataErrors(async () => {
                const n = positiveInteger('--n', options.n);
                const seed = options.seed === undefined ? undefined : Number(options.seed);
                if (seed !== undefined && !Number.isFinite(seed)) {
                    throw new UsageError(`--seed must be a number, got '${options.seed}'.`);
                }
                const learnProgram = await loadLearnProgram(file, options.task);
                const store = await openStore(file, options.store, true);
                const sessions = new SessionCache();
                try {
                    const ws = await openLearningWorkspace(learnProgram, sessions, localStorePath(file, options.store), store);
                    const { poolScores: _pool, ...result } = await sampleNext(ws, sessions, { n, seed });
                    const { items, candidates } = result;
                    if (options.json) {
                        printJson(result);
                    } else {
                        printLine(
                            result.model
                                ? `${items.length} of ${candidates} unlabeled train items by ` +
                                      result.strategy +
                                      (result.diversity > 0 ? ` with ${Math.round(result.diversity * 100)}% k-center diversity` : '') +
                                      ` (model ${result.model}):`
                                : `${items.length} of ${candidates} unlabeled train items by k-center coverage (cold start: no model yet):`,
                        );
                        for (const item of items) {
                            printLine(`  ${item.key}\t${item.score.toFixed(4)}\t${item.reason}`);
                        }
                    }
                    setExitCode(ExitCode.ok);
                } finally {
                    await sessions.releaseAll();
                    await store?.close();
                }
            });
        });
};
