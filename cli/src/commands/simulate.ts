import type { RegisterCommand } from './index.js';
import type { SimulationResult } from '../../../engine/src/routing/simulate.js';
import { ExitCode, UsageError } from '../errors.js';
import type { SimulateJson } from '../json-contracts.js';
import { printJson, printLine } from '../output.js';
import { formatTable } from '../table.js';
import { type SimulateOptions, type SimulateReport, simulate } from '../actions/simulate.js';

/** The options as commander gives them: the action's, with the targets and the seed still text. */
interface SimulateFlags extends Omit<SimulateOptions, 'targets' | 'seed'> {
    target?: string[];
    seed?: string;
    json?: boolean;
}

/** `dprog simulate FILE --replay CSV --item COL --worker COL --label COL [--gold COL] [--task T] [--json]`: options, printing. */
export const registerSimulate: RegisterCommand = (program, setExitCode) => {
    program
        .command('simulate')
        .description(
            "Run a task's routing and quality rule against recorded real answers: who would have been asked, how many answers, " +
                'what accuracy, what cost.',
        )
        .argument('<file>', 'the .dprog program (or a plan compiled with `dprog compile --out`)')
        .requiredOption('--replay <csv>', 'recorded answers, one row per answer, with a header row')
        .requiredOption('--item <column>', 'column naming the item')
        .requiredOption('--worker <column>', 'column naming who answered (a labeler of the route, or a person of its human pool)')
        .requiredOption('--label <column>', 'column with the answer')
        .option(
            '--gold <column>',
            'column with the known right answer: accuracy is measured against it, and gold questions are drawn from it',
        )
        .option('--task <name>', 'the task to simulate (default: the only choice task)')
        .option(
            '--target <p...>',
            "quality targets to try instead of the plan's, e.g. 0.9 0.95 98% — several print the accuracy/answers curve",
        )
        .option('--seed <n>', 'shuffle the order items arrive in (default: the order of the CSV)')
        .option('--json', 'print the result as one JSON document')
        .action(async (file: string, flags: SimulateFlags) => {
            const targets = (flags.target ?? [])
                .flatMap((t) => t.split(','))
                .filter(Boolean)
                .map(parseTarget);
            const seed = flags.seed === undefined ? undefined : Number(flags.seed);
            if (seed !== undefined && !Number.isInteger(seed)) {
                throw new UsageError(`--seed ${flags.seed}: expected a whole number`);
            }
            const report = await simulate(file, { ...flags, targets, seed });
            if (flags.json) {
                printJson(reportJson(report));
            } else {
                printReport(report);
            }
            setExitCode(ExitCode.ok);
        });
};

function reportJson({ task, policy, runs }: SimulateReport): SimulateJson {
    const main = runs[0].result;
    return {
        task: task.name,
        ...summary(main),
        target: runs[0].target,
        policy: {
            strategy: policy.strategy,
            labelers: policy.labelers.map((l) => l.name),
            maxLabels: policy.maxLabels,
            method: policy.method,
            goldShare: policy.goldShare,
        },
        goldItems: main.goldItems,
        goldShare: main.goldShare,
        reachedTarget: main.reachedTarget,
        unasked: main.unasked,
        estimatedAccuracy: main.estimatedAccuracy,
        accuracyInterval: main.accuracyInterval,
        targetReached: main.targetReached,
        targetOutOfReach: main.targetOutOfReach,
        byLabeler: main.byLabeler,
        labels: main.labels.map(({ item, label, confidence }) => ({ item, label, confidence })),
        ...(runs.length > 1 ? { curve: runs.map(({ target, result }) => ({ target, ...summary(result) })) } : {}),
    };
}

function printReport({ task, policy, answers, runs }: SimulateReport): void {
    const main = runs[0].result;
    printLine(
        `simulate ${task.name}: route ${policy.strategy} ${policy.labelers.map((l) => l.name).join(', ')}; ` +
            `${policy.method}, at most ${policy.maxLabels} labels, gold ${pct(policy.goldShare)}`,
    );
    printLine(
        `replaying ${answers} recorded answers of ${main.items + main.goldItems} items (${main.goldItems} used ` +
            `as gold questions${main.unasked ? `; ${main.unasked} never asked` : ''})`,
    );
    printLine();
    printLine(
        formatTable(
            ['target', 'accuracy', 'answers used', 'share', 'per item', 'reached target', 'cost'],
            runs.map(({ target, result: r }) => [
                pct(target),
                r.accuracy === undefined ? '-' : r.accuracy.toFixed(4),
                String(r.labelsUsed),
                pct(r.labelsUsed / r.labelsAvailable),
                (r.labelsUsed / (r.items + r.goldItems)).toFixed(2),
                pct(r.reachedTarget / Math.max(1, r.items)),
                `$${r.cost.toFixed(2)}`,
            ]),
        ),
    );
    const spent = Object.entries(main.byLabeler);
    if (spent.length > 1) {
        printLine();
        printLine(`at target ${pct(runs[0].target)}, by labeler:`);
        printLine(
            formatTable(
                ['labeler', 'answers', 'cost'],
                spent.map(([name, s]) => [name, String(s.answers), `$${s.cost.toFixed(2)}`]),
            ),
        );
    }
    printLine(`\n${estimateLine(runs[0].target, main)}`);
    if (main.accuracy === undefined) {
        printLine('(no --gold column: accuracy cannot be measured)');
    }
}

/** What the answers themselves say of the accuracy reached (without the gold column), and whether that meets the target. */
function estimateLine(target: number, main: SimulationResult): string {
    const [lo, hi] = main.accuracyInterval;
    const verdict = main.targetReached
        ? 'target reached'
        : main.targetOutOfReach
          ? 'the target is out of reach for these labelers'
          : 'target not shown to be reached';
    return (
        `at target ${pct(target)}, estimated accuracy without the gold column: ` +
        `${pct(main.estimatedAccuracy)} (90%: ${pct(lo)}–${pct(hi)}); ${verdict}`
    );
}

function summary(r: SimulationResult) {
    return {
        items: r.items,
        labelsUsed: r.labelsUsed,
        labelsAvailable: r.labelsAvailable,
        ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
        cost: r.cost,
    };
}

function pct(share: number): string {
    return `${Math.round(share * 1000) / 10}%`;
}

/** `0.95`, `95%` or `95` (a percentage) → 0.95. */
function parseTarget(text: string): number {
    const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text) > 1 ? Number(text) / 100 : Number(text);
    if (!(value > 0 && value < 1)) {
        throw new UsageError(`--target ${text}: expected a share in (0, 1) such as 0.95 or 95%`);
    }
    return value;
}
