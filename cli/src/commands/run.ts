import * as path from 'node:path';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { RegisterCommand } from './index.js';
import type { TaskRoutingSummary } from '../../../engine/src/executor/executor.js';
import { ExitCode, UsageError } from '../errors.js';
import type { RunJson } from '../json-contracts.js';
import { printJson, printLine } from '../output.js';
import { type ReplayOptions, type RunOutcome, runProgram } from '../actions/run.js';

/** How many queued items --json lists. */
const QUEUE_SHOWN = 20;

interface RunFlags {
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
 * `dprog run FILE [--store DB] [--limit N] [--replay CSV …] [--json]`: the options, the progress bars
 * and the printing; the run is actions/run.ts. Items that fail (an unreadable image, a model output
 * of the wrong shape) are reported and the run goes on; the exit code is then 1.
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
        .action(async (file: string, flags: RunFlags) => {
            const limit = limitOf(flags.limit);
            const replay = replayOptions(flags);
            const bars = !flags.json && process.stderr.isTTY ? new FlowBars() : undefined;
            let outcome: RunOutcome;
            try {
                outcome = await runProgram(file, { store: flags.store, limit, replay, onProgress: bars?.onProgress });
            } finally {
                bars?.stop();
            }
            if (outcome.summary.failures.length > 0) {
                setExitCode(ExitCode.programError);
            }
            if (flags.json) {
                printJson(runJson(outcome));
            } else {
                printRun(outcome);
            }
        });
};

function limitOf(text: string | undefined): number | undefined {
    if (text === undefined) {
        return undefined;
    }
    const limit = Number(text);
    if (!Number.isInteger(limit) || limit < 1) {
        throw new UsageError(`--limit must be a positive integer, got '${text}'.`);
    }
    return limit;
}

/** `--replay CSV --item C --worker C --label C [--gold C] [--seed N]`; the column flags only mean something with --replay. */
function replayOptions(flags: RunFlags): ReplayOptions | undefined {
    const columns = ['item', 'worker', 'label'] as const;
    if (flags.replay === undefined) {
        const stray = [...columns, 'gold', 'seed'].filter((c) => flags[c as keyof RunFlags] !== undefined);
        if (stray.length > 0) {
            throw new UsageError(`--${stray.join(', --')} only mean something with --replay CSV.`);
        }
        return undefined;
    }
    const missing = columns.filter((c) => flags[c] === undefined);
    if (missing.length > 0) {
        throw new UsageError(`--replay needs --${missing.join(', --')} (the CSV's columns).`);
    }
    const seed = flags.seed === undefined ? undefined : Number(flags.seed);
    if (seed !== undefined && !Number.isInteger(seed)) {
        throw new UsageError(`--seed ${flags.seed}: expected a whole number`);
    }
    return { csv: flags.replay, item: flags.item!, worker: flags.worker!, label: flags.label!, gold: flags.gold, seed };
}

/** One progress bar per flow on a terminal's standard error. */
class FlowBars {
    private readonly bars = new MultiBar(
        { format: '{flow} {bar} {value}/{total} items', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
    );
    private readonly byFlow = new Map<string, SingleBar>();

    readonly onProgress = ({ flow, done, total }: { flow: string; done: number; total: number }): void => {
        let bar = this.byFlow.get(flow);
        if (!bar) {
            bar = this.bars.create(total, 0, { flow });
            this.byFlow.set(flow, bar);
        }
        bar.update(done, { flow });
    };

    stop(): void {
        this.bars.stop();
    }
}

function runJson({ summary, queue, migration }: RunOutcome): RunJson {
    return {
        stages: summary.stages,
        labels: summary.labels,
        failures: summary.failures,
        // The first work for people, least certain first (the store holds the whole queue).
        queue: queue.slice(0, QUEUE_SHOWN).map(({ task, item, waitingFor, score }) => ({ task, item, waitingFor, score })),
        ...routingJson(summary.routing),
        ...(migration ? { migration: migration.tasks.map((t) => ({ task: t.task, action: t.action })) } : {}),
    };
}

function printRun({ plan, location, summary, queue }: RunOutcome): void {
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
            const proposal = typeof q.proposal === 'string' ? `: "${q.proposal}"` : '';
            const among = q.among ? ` (only among ${q.among.join(', ')})` : '';
            const sure = q.score === null ? '' : ` (model ${(q.score * 100).toFixed(1)}% sure${proposal})`;
            printLine(`  ${q.task} ${q.item} → ${q.waitingFor}${among}${sure}`);
        }
    }
    for (const r of summary.routing) {
        printLine(routingLine(r));
    }
    for (const f of summary.failures) {
        printLine(`failed: ${f.flow} ${f.stage} ${f.item}: ${f.message}`);
    }
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
