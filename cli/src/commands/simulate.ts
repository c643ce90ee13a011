import type { RegisterCommand } from './index.js';
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import { policyFromPlanTask } from '../../../engine/src/routing/plan-policy.js';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { simulateReplay, type SimulationResult } from '../../../engine/src/routing/simulate.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import type { SimulateJson } from '../json-contracts.js';
import { printJson, printLine } from '../output.js';
import { formatTable } from '../table.js';
import { planOf } from '../compiled-program.js';
import { formatDiagnostic } from '../program.js';
import { readAnswers } from './aggregate.js';

interface SimulateOptions {
    replay: string;
    item: string;
    worker: string;
    label: string;
    gold?: string;
    task?: string;
    target?: string[];
    seed?: string;
    json?: boolean;
}

/** `dprog simulate FILE --replay CSV --item COL --worker COL --label COL [--gold COL] [--task T] [--json]`. */
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
        .action(async (file: string, options: SimulateOptions) => {
            const plan = await loadPlan(file);
            const task = chooseTask(plan, options.task, file);
            let policy: RoutingPolicy;
            try {
                policy = policyFromPlanTask(task);
            } catch (error) {
                throw new ProgramError(`${file}: ${(error as Error).message}`);
            }
            const targets = (options.target ?? [])
                .flatMap((t) => t.split(','))
                .filter(Boolean)
                .map(parseTarget);
            const seed = options.seed === undefined ? undefined : Number(options.seed);
            if (seed !== undefined && !Number.isInteger(seed)) {
                throw new UsageError(`--seed ${options.seed}: expected a whole number`);
            }
            const { answers, gold } = readAnswers(options.replay, options);
            const run = (target: number) => {
                try {
                    return simulateReplay({ ...policy, target }, answers, { truth: gold, classes: task.classes, seed });
                } catch (error) {
                    throw new ProgramError(`${options.replay}: ${(error as Error).message}`);
                }
            };
            const runs = (targets.length ? targets : [policy.target]).map((target) => ({ target, result: run(target) }));
            const main = runs[0].result;
            if (options.json) {
                printJson({
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
                } satisfies SimulateJson);
            } else {
                printLine(
                    `simulate ${task.name}: route ${policy.strategy} ${policy.labelers.map((l) => l.name).join(', ')}; ` +
                        `${policy.method}, at most ${policy.maxLabels} labels, gold ${pct(policy.goldShare)}`,
                );
                printLine(
                    `replaying ${answers.length} recorded answers of ${main.items + main.goldItems} items (${main.goldItems} used ` +
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
                const [lo, hi] = main.accuracyInterval;
                printLine(
                    `\nat target ${pct(runs[0].target)}, estimated accuracy without the gold column: ` +
                        `${pct(main.estimatedAccuracy)} (90%: ${pct(lo)}–${pct(hi)}); ` +
                        main.targetReached
                        ? 'target reached'
                        : main.targetOutOfReach
                          ? 'the target is out of reach for these labelers'
                          : 'target not shown to be reached',
                );
                if (main.accuracy === undefined) {
                    printLine('(no --gold column: accuracy cannot be measured)');
                }
            }
            setExitCode(ExitCode.ok);
        });
};

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

/** The plan of a .dprog file (checked and compiled) or of a plan .json; a program with errors stops here (exit 1). */
async function loadPlan(file: string): Promise<LabelingPlan> {
    const { plan, diagnostics } = await planOf(file);
    if (!plan) {
        const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        throw new ProgramError(`${file} has errors; fix them first:\n${errors.join('\n')}`);
    }
    return plan;
}

function chooseTask(plan: LabelingPlan, name: string | undefined, file: string): PlanTask {
    const routable = plan.tasks.filter((t) => t.output.kind === 'choice' || t.output.kind === 'bool');
    if (name !== undefined) {
        const task = plan.tasks.find((t) => t.name === name);
        if (!task) {
            throw new UsageError(`${file}: no task '${name}'; the tasks are: ${plan.tasks.map((t) => t.name).join(', ') || '(none)'}`);
        }
        if (!routable.includes(task)) {
            throw new UsageError(`${file}: task ${name} labels ${task.output.text}; replay simulates choice and bool tasks`);
        }
        return task;
    }
    if (routable.length === 1) {
        return routable[0];
    }
    throw new UsageError(
        routable.length === 0
            ? `${file}: no choice or bool task to simulate`
            : `${file}: several tasks could be simulated (${routable.map((t) => t.name).join(', ')}); name one with --task`,
    );
}
