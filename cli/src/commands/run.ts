import * as path from 'node:path';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { RegisterCommand } from './index.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { DataError } from '../../../engine/src/data/errors.js';
import {
    flowsToRun,
    runPlan,
    type RunOptions as RunPlanOptions,
    type RunSummary,
    type TaskRoutingSummary,
} from '../../../engine/src/executor/executor.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { arrivalOrder } from '../../../engine/src/routing/arrival-order.js';
import { recordedAnswers } from '../../../engine/src/routing/simulate.js';
import { readAnswers } from './aggregate.js';
import { peopleQueue, type QueuedWork } from '../../../engine/src/executor/people-queue.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { ModelError } from '../../../engine/src/learning/errors.js';
import type { Migration } from '../../../engine/src/plan/migration.js';
import { applyMigration } from '../../../engine/src/migration/apply-migration.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import { compileProgramFile } from '../compiled-program.js';
import { printJson, printLine } from '../output.js';
import { openStore, previousPlan, savePlan } from '../plan-store.js';
import { formatDiagnostic } from '../program.js';
import { storeLocationFor } from '../store-option.js';

/** How many queued items --json lists. */
const QUEUE_SHOWN = 20;

interface RunOptions {
    store?: string;
    limit?: string;
    json?: boolean;
    replay?: string;
    item?: string;
    worker?: string;
    label?: string;
    gold?: string;
    seed?: string;
}

/**
 * `dprog run FILE [--store DB] [--limit N] [--json]`: execute the plan — rules and models label
 * what they can, finished outputs move down each flow, work for people is queued — recording every
 * step in the label store, so an interrupted run resumes and a changed program redoes only what
 * its migration says. Items that fail (an unreadable image, a model output of the wrong shape) are
 * reported and the run goes on; the exit code is then 1.
 */
export const registerRun: RegisterCommand = (program, setExitCode) => {
    program
        .command('run')
        .description('Execute the plan: run rule and model labelers, move finished outputs down each flow, queue what needs people.')
        .argument('<file>', 'the .dprog program')
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--limit <n>', "at most N items of each flow's dataset")
        .option('--replay <csv>', 'people answer from recorded answers (one row per answer, with a header row) instead of later')
        .option('--item <column>', 'with --replay: the column naming the item')
        .option('--worker <column>', 'with --replay: the column naming who answered')
        .option('--label <column>', 'with --replay: the column with the answer')
        .option(
            '--gold <column>',
            'with --replay: the column with the known answer, from which gold questions are drawn at the planned share',
        )
        .option('--seed <n>', 'with --replay: shuffle the order items arrive in (the same order as `dprog simulate --seed N`)')
        .option('--json', 'print {"stages":[{"task","done","pending","waitingForPeople"}],"labels":{"<labeler>":count},"queue":[…], …}')
        .action(async (file: string, options: RunOptions) => {
            let limit: number | undefined;
            if (options.limit !== undefined) {
                limit = Number(options.limit);
                if (!Number.isInteger(limit) || limit < 1) {
                    throw new UsageError(`--limit must be a positive integer, got '${options.limit}'.`);
                }
            }
            const { plan, diagnostics } = await compileProgramFile(file);
            if (!plan) {
                throw new ProgramError(
                    `${file} has errors; fix them first:\n${diagnostics
                        .filter((d) => d.severity === 'error')
                        .map(formatDiagnostic)
                        .join('\n')}`,
                );
            }
            const replay = replayOf(plan, options);
            const location = storeLocationFor(file, options.store);
            const store = await openStore(location);
            const programDir = path.dirname(path.resolve(file));
            // Crops for people to review go beside the embedded store, or beside the program for a team store.
            const storeDir = location.backend === 'sqljs' ? path.dirname(location.path) : path.join(programDir, '.dprog');
            const sessions = new SessionCache();
            const bars =
                !options.json && process.stderr.isTTY
                    ? new MultiBar(
                          { format: '{flow} {bar} {value}/{total} items', hideCursor: true, clearOnComplete: false },
                          Presets.shades_classic,
                      )
                    : undefined;
            const flowBars = new Map<string, SingleBar>();
            let summary: RunSummary;
            let queue: QueuedWork[];
            let migration: Migration | undefined;
            try {
                const previous = (await previousPlan(store, plan.program)).plan;
                if (previous && previous.hash !== plan.hash) {
                    migration = diffPlans(previous, plan);
                    // As `compile --store` does (once): renamed labels follow, split members' items are re-asked among their members.
                    if (migration.problems.length === 0) {
                        await applyMigration(store, migration);
                    }
                }
                summary = await runPlan({
                    plan,
                    programDir,
                    store,
                    sessions,
                    limit,
                    migration,
                    replay,
                    derivedDir: path.join(storeDir, 'derived', plan.program),
                    onProgress: ({ flow, done, total }) => {
                        if (!bars) {
                            return;
                        }
                        let bar = flowBars.get(flow);
                        if (!bar) {
                            bar = bars.create(total, 0, { flow });
                            flowBars.set(flow, bar);
                        }
                        bar.update(done, { flow });
                    },
                });
                queue = await peopleQueue(store, plan, flowsToRun(plan));
                // Recorded once the run has gone through: the next run's migration starts from here.
                await savePlan(store, plan);
            } catch (error) {
                if (error instanceof DataError || error instanceof ModelError) {
                    throw new ProgramError(error.message);
                }
                throw error;
            } finally {
                bars?.stop();
                await sessions.releaseAll();
                await store.close();
            }
            if (summary.failures.length > 0) {
                setExitCode(ExitCode.programError);
            }
            if (options.json) {
                printJson({
                    stages: summary.stages,
                    labels: summary.labels,
                    failures: summary.failures,
                    // The first work for people, least certain first (the store holds the whole queue).
                    queue: queue.slice(0, QUEUE_SHOWN).map(({ task, item, waitingFor, score }) => ({ task, item, waitingFor, score })),
                    ...routingJson(summary.routing),
                    ...(migration ? { migration: migration.tasks.map((t) => ({ task: t.task, action: t.action })) } : {}),
                });
                return;
            }
            const where = location.backend === 'sqljs' ? path.relative(process.cwd(), location.path) || location.path : location.display;
            printLine(`${plan.program}: ${where}`);
            for (const s of summary.stages) {
                printLine(
                    `  ${s.flow} ${s.stage.padEnd(24)} done ${s.done}  waiting for people ${s.waitingForPeople}  pending ${s.pending}` +
                        (s.failed ? `  failed ${s.failed}` : '') +
                        (s.skipped ? `  skipped ${s.skipped}` : ''),
                );
            }
            const labels = Object.entries(summary.labels);
            printLine(`labels: ${labels.length === 0 ? 'none yet' : labels.map(([l, n]) => `${l} ${n}`).join(', ')}`);
            if (queue.length > 0) {
                printLine(`next for people (${queue.length} waiting, least certain first):`);
                for (const q of queue.slice(0, 5)) {
                    printLine(
                        `  ${q.task} ${q.item} → ` +
                            q.waitingFor +
                            (q.among ? ` (only among ${q.among.join(', ')})` : '') +
                            (q.score === null
                                ? ''
                                : ` (model ${(q.score * 100).toFixed(1)}% sure` +
                                  `${typeof q.proposal === 'string' ? `: "${q.proposal}"` : ''})`),
                    );
                }
            }
            for (const r of summary.routing) {
                printLine(routingLine(r));
            }
            for (const f of summary.failures) {
                printLine(`failed: ${f.flow} ${f.stage} ${f.item}: ${f.message}`);
            }
        });
};

/** `--replay CSV --item C --worker C --label C [--gold C] [--seed N]`: the recorded answers, in the order simulate replays them. */
function replayOf(plan: LabelingPlan, options: RunOptions): RunPlanOptions['replay'] {
    const columns = ['item', 'worker', 'label'] as const;
    if (options.replay === undefined) {
        const stray = [...columns, 'gold', 'seed'].filter((c) => options[c as keyof RunOptions] !== undefined);
        if (stray.length > 0) {
            throw new UsageError(`--${stray.join(', --')} only mean something with --replay CSV.`);
        }
        return undefined;
    }
    const missing = columns.filter((c) => options[c] === undefined);
    if (missing.length > 0) {
        throw new UsageError(`--replay needs --${missing.join(', --')} (the CSV's columns).`);
    }
    const seed = options.seed === undefined ? undefined : Number(options.seed);
    if (seed !== undefined && !Number.isInteger(seed)) {
        throw new UsageError(`--seed ${options.seed}: expected a whole number`);
    }
    const { answers, gold } = readAnswers(options.replay, {
        item: options.item!,
        worker: options.worker!,
        label: options.label!,
        gold: options.gold,
    });
    const classes = [...new Set(plan.tasks.flatMap((t) => t.classes))];
    const unknown = answers.find((a) => !classes.includes(a.label));
    if (unknown) {
        throw new ProgramError(
            `${options.replay}: item '${unknown.item}', worker '${unknown.worker}': label '${unknown.label}' is not a member of ` +
                `any task's label set (${classes.join(', ')})`,
        );
    }
    const recorded = recordedAnswers(answers, classes);
    return { answers: recorded, truth: gold, order: arrivalOrder([...recorded.keys()], seed) };
}

/** The routing outcome for --json: per task, and the single routed task's numbers at the top (the contract's fields). */
function routingJson(routing: readonly TaskRoutingSummary[]) {
    const json = routing.map((r) => ({
        task: r.task,
        labelsUsed: r.labelsUsed,
        cost: r.cost,
        unasked: r.unasked,
        goldItems: r.goldItems,
        estimatedAccuracy: r.estimatedAccuracy,
        accuracyInterval: r.accuracyInterval,
        targetReached: r.targetReached,
        targetOutOfReach: r.targetOutOfReach,
        labels: r.labels.map(({ item, label, confidence }) => ({ item, label, confidence })),
    }));
    if (json.length !== 1) {
        return json.length === 0 ? {} : { routing: json };
    }
    const { labels: final, task: _task, ...only } = json[0];
    return { ...only, final, routing: json };
}

function routingLine(r: TaskRoutingSummary): string {
    const interval = r.accuracyInterval.map((x) => `${(x * 100).toFixed(1)}%`).join('–');
    return (
        `${r.task}: ${r.labels.length} items labeled, ${r.labelsUsed} answers bought this run ($${r.cost.toFixed(2)})` +
        (r.unasked ? `, ${r.unasked} never asked` : '') +
        `; estimated accuracy ${(r.estimatedAccuracy * 100).toFixed(1)}% (90%: ${interval})${r.targetReached ? ', target reached' : ''}` +
        (r.targetOutOfReach
            ? `\n  the evidence says the target is out of reach for these labelers: add a more accurate labeler, allow more labels ` +
              `or lower the target`
            : '')
    );
}
