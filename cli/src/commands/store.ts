/**
 * `dprog store copy FROM TO` and `dprog store info STORE`: move a label store between backends
 * (a file ↔ postgres://…), checked by row counts and a content hash; describe a store.
 */
import type { RegisterCommand } from './index.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { dumpCounts, dumpHash, type Store } from '../../../engine/src/store/index.js';
import { openAnyStoreAt, storeLocationFor } from '../store-option.js';

async function withStore<T>(where: string, readonly: boolean, work: (store: Store) => Promise<T>): Promise<T> {
    const store = await openAnyStoreAt(storeLocationFor(undefined, where, 'store'), readonly);
    try {
        return await work(store);
    } finally {
        await store.close();
    }
}

/** Copies every row of `from` into the empty store `to`, then reads `to` back and compares. */
async function copyStore(from: Store, to: Store): Promise<{ counts: Record<string, number>; hash: string }> {
    const existing = await to.countLabels({ includeSuperseded: true });
    if (existing > 0) {
        throw new UsageError(`${to.location}: already holds ${existing} label(s); copy into a new, empty store.`);
    }
    const dump = await from.dump();
    await to.load(dump);
    const copied = await to.dump();
    const counts = dumpCounts(dump);
    const hash = dumpHash(dump);
    const copiedCounts = dumpCounts(copied);
    const differs = Object.entries(counts).filter(([table, n]) => copiedCounts[table as keyof typeof copiedCounts] !== n);
    if (differs.length > 0) {
        throw new ProgramError(
            `${to.location}: the copy is incomplete ` +
                `(${differs.map(([t, n]) => `${t}: ${n} read, ${copiedCounts[t as keyof typeof copiedCounts]} written`).join('; ')}).`,
        );
    }
    if (dumpHash(copied) !== hash) {
        throw new ProgramError(`${to.location}: the copy's content differs from ${from.location} (content hash mismatch); do not use it.`);
    }
    return { counts, hash };
}

export const registerStore: RegisterCommand = (program, setExitCode) => {
    const store = program.command('store').description('Move a label store between a file and PostgreSQL; describe a store.');

    store
        .command('copy')
        .description(
            'Copy every label, aggregate, estimate, plan, model version, evaluation and stage state into an empty store, and ' +
                'check the copy.',
        )
        .argument('<from>', 'a store file or postgres://user@host:port/db')
        .argument('<to>', 'an empty (or new) store file or postgres://user@host:port/db')
        .option('--json', 'print the result as one JSON document')
        .action(async (from: string, to: string, options: { json?: boolean }) => {
            const result = await withStore(from, true, (source) =>
                withStore(to, false, async (target) => ({
                    from: source.location,
                    to: target.location,
                    ...(await copyStore(source, target)),
                })),
            );
            if (options.json) {
                printJson({ ...result, verified: true });
            } else {
                printLine(
                    `copied ${Object.entries(result.counts)
                        .map(([t, n]) => `${n} ${t}`)
                        .join(', ')} from ${result.from} to ${result.to}; counts and content hash ${result.hash.slice(0, 16)}… match`,
                );
            }
            setExitCode(ExitCode.ok);
        });

    store
        .command('info')
        .description('Backend, schema version and labels per task of a store.')
        .argument('<store>', 'a store file or postgres://user@host:port/db')
        .option('--json', 'print the result as one JSON document')
        .action(async (where: string, options: { json?: boolean }) => {
            const info = await withStore(where, true, async (s) => {
                const tasks = await s.countsPerTask();
                return {
                    backend: s.backend,
                    location: s.location,
                    schemaVersion: s.schemaVersion,
                    labels: Object.values(tasks).reduce((a, b) => a + b, 0),
                    tasks,
                    estimates: await estimatesPerTask(s),
                };
            });
            if (options.json) {
                printJson(info);
            } else {
                printLine(
                    `${info.location}: ${info.backend === 'sqljs' ? 'embedded (sql.js)' : 'PostgreSQL'}, schema version ` +
                        `${info.schemaVersion}, ${info.labels} label(s)`,
                );
                for (const [task, n] of Object.entries(info.tasks)) {
                    printLine(`  ${task}: ${n}`);
                }
                for (const [task, estimates] of Object.entries(info.estimates)) {
                    printLine(`estimated accuracy in ${task} (labeler or pool/person, answers of evidence):`);
                    for (const e of estimates) {
                        printLine(`  ${e.labeler.padEnd(28)} ${(e.accuracy * 100).toFixed(1).padStart(5)}%  ${e.n.toFixed(0)}`);
                    }
                }
            }
            setExitCode(ExitCode.ok);
        });
};

/** Every task's labeler estimates (people of a pool as `pool/person`), best first. */
async function estimatesPerTask(store: Store): Promise<Record<string, Array<{ labeler: string; accuracy: number; n: number }>>> {
    const out: Record<string, Array<{ labeler: string; accuracy: number; n: number }>> = {};
    for (const e of await store.labelerEstimates()) {
        (out[e.task] ??= []).push({ labeler: e.labeler, accuracy: e.accuracy, n: e.n });
    }
    for (const list of Object.values(out)) {
        list.sort((a, b) => b.accuracy - a.accuracy || (a.labeler < b.labeler ? -1 : 1));
    }
    return out;
}
