import type { RegisterCommand } from './index.js';
import { ExitCode, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { openStore, storePathFor } from '../store-option.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { scoreModel } from '../../../engine/src/learning/scoring.js';
import { projectRows } from '../../../engine/src/learning/k-center.js';
import { selectBatch } from '../../../engine/src/learning/select-batch.js';

function positiveInteger(name: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${value}'.`);
    return n;
}

/** `dprog sample FILE --task T [--n N] [--store DB] [--seed S] [--json]`: the next train items worth labeling. */
export const registerSample: RegisterCommand = (program, setExitCode) => {
    program
        .command('sample')
        .description('Choose the next items to label (active learning; k-center cold start before any model exists).')
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--n <n>', 'how many items (default: the learn block\'s batch)')
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--seed <seed>', 'random seed (default: the learn block\'s seed, else 1)')
        .option('--json', 'print {"task","strategy","items":[{"key","score","split"}]}')
        .action(async (file: string, options: { task?: string; n?: string; store?: string; seed?: string; json?: boolean }) => {
            await withDataErrors(async () => {
                const n = positiveInteger('--n', options.n);
                const seed = options.seed === undefined ? undefined : Number(options.seed);
                if (seed !== undefined && !Number.isFinite(seed)) throw new UsageError(`--seed must be a number, got '${options.seed}'.`);
                const learnProgram = await loadLearnProgram(file, options.task);
                const store = await openStore(file, options.store, true);
                const sessions = new SessionCache();
                try {
                    const ws = await openLearningWorkspace(learnProgram, sessions, storePathFor(file, options.store), store);
                    const candidates = ws.splits.flatMap((s, i) => (s === 'train' && !ws.known.has(i) ? [i] : []));
                    let probabilities: Float32Array | undefined;
                    if (ws.modelPath) {
                        const rows = candidates;
                        const scores = await scoreModel(sessions, ws.modelPath, ws.features.select(rows));
                        // Scatter the candidates' probabilities back to row positions.
                        probabilities = new Float32Array(ws.items.length * scores.classes);
                        rows.forEach((r, i) => probabilities!.set(scores.values.subarray(i * scores.classes, (i + 1) * scores.classes), r * scores.classes));
                    }
                    const learn = learnProgram.learn;
                    const picks = selectBatch({
                        candidates,
                        labeled: [...ws.known.keys()],
                        points: projectRows(ws.features, undefined, seed ?? learn.seed),
                        pointDims: Math.min(ws.features.dims, 64),
                        probabilities,
                        classes: probabilities ? learnProgram.labels.length : undefined,
                        strategy: learn.strategy,
                        diversity: learn.diversity,
                        size: n ?? learn.batch,
                        seed: seed ?? learn.seed,
                    });
                    const items = picks.map((p) => ({ key: ws.items[p.position].key, score: Number(p.score.toFixed(6)), split: ws.splits[p.position], reason: p.reason }));
                    const result = {
                        task: learnProgram.task,
                        strategy: learn.strategy,
                        coldStart: !ws.modelPath,
                        model: ws.modelPath ?? null,
                        diversity: learn.diversity,
                        labeled: ws.known.size,
                        candidates: candidates.length,
                        items,
                    };
                    if (options.json) {
                        printJson(result);
                    } else {
                        printLine(
                            ws.modelPath
                                ? `${items.length} of ${candidates.length} unlabeled train items by ${learn.strategy}${learn.diversity > 0 ? ` with ${Math.round(learn.diversity * 100)}% k-center diversity` : ''} (model ${ws.modelPath}):`
                                : `${items.length} of ${candidates.length} unlabeled train items by k-center coverage (cold start: no model yet):`,
                        );
                        for (const item of items) printLine(`  ${item.key}\t${item.score.toFixed(4)}\t${item.reason}`);
                    }
                    setExitCode(ExitCode.ok);
                } finally {
                    await sessions.releaseAll();
                    await store?.close();
                }
            });
        });
};
