/**
 * `dprog learn FILE --simulate [--task T] [--rounds N] [--gold FIELD] [--store DB]`: the options, the
 * progress bar and the printing; the rounds themselves are actions/learn.ts.
 */
import * as path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { RegisterCommand } from './index.js';
import { ExitCode, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { learn, type LearnObserver, type LearnStart, type LearnSummary } from '../actions/learn.js';

interface LearnFlags {
    task?: string;
    rounds?: string;
    simulate?: boolean;
    gold: string;
    store?: string;
    fresh?: boolean;
    seed?: string;
    json?: boolean;
}

const pct = (v: number | undefined) => (v === undefined ? '   n/a' : `${(v * 100).toFixed(1).padStart(5)}%`);

export const registerLearn: RegisterCommand = (program, setExitCode) => {
    program
        .command('learn')
        .description('Run active-learning rounds with retraining (people simulated from a gold field with --simulate).')
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--rounds <n>', 'stop after this many rounds (default: until the stop condition or the budget)')
        .option('--simulate', 'answer with simulated people drawing from the gold field')
        .option('--gold <field>', 'the data field holding the known answer, for --simulate', 'gold')
        .option(
            '--store <db>',
            'label store (default with --simulate: .dprog/simulation/labels.sqlite beside the program, apart from real labels)',
        )
        .option('--fresh', 'start the simulation over (clears .dprog/simulation/; never a real store)')
        .option('--seed <seed>', "seed of the simulated answers (default: the learn block's seed)")
        .option('--json', 'print the summary as JSON')
        .action(async (file: string, flags: LearnFlags) => {
            const maxRounds = roundLimit(flags.rounds);
            if (!flags.simulate) {
                throw new UsageError(
                    'dprog learn needs people to answer: label in the VS Code annotation panel (then `dprog retrain`), or pass ' +
                        '--simulate to draw answers from a gold field.',
                );
            }
            const options = { ...flags, maxRounds, seed: flags.seed === undefined ? undefined : Number(flags.seed) };
            const progress = !flags.json && process.stderr.isTTY ? new LearnProgress() : undefined;
            try {
                const summary = await learn(file, options, flags.json ? {} : textObserver(progress));
                if (flags.json) {
                    const { budgetStop: _shownInText, ...json } = summary;
                    printJson(json);
                } else {
                    printSummary(summary);
                }
            } finally {
                progress?.stop();
            }
            setExitCode(ExitCode.ok);
        });
};

function roundLimit(rounds: string | undefined): number {
    const maxRounds = rounds === undefined ? Infinity : Number(rounds);
    if (!(maxRounds >= 1) || (Number.isFinite(maxRounds) && !Number.isInteger(maxRounds))) {
        throw new UsageError(`--rounds must be a positive integer, got '${rounds}'.`);
    }
    return maxRounds;
}

/** A progress bar on a terminal's standard error: labels spent out of the budget. */
class LearnProgress {
    private readonly bar = new SingleBar(
        { format: 'labels {bar} {value}/{total} | round {round} | accuracy {accuracy}', hideCursor: true },
        Presets.shades_classic,
    );
    private total = 0;

    start(total: number, labels: number, round: number, accuracy: number | undefined): void {
        this.total = total;
        this.bar.start(total, labels, { round, accuracy: pct(accuracy) });
    }

    update(labels: number, round: number, accuracy: number | undefined): void {
        this.bar.update(labels, { round, accuracy: pct(accuracy) });
    }

    /** Prints a line above the bar. */
    interrupt(line: string, labels: number, round: number, accuracy: number | undefined): void {
        this.bar.stop();
        printLine(line);
        this.start(this.total, labels, round, accuracy);
    }

    stop(): void {
        this.bar.stop();
    }
}

function textObserver(progress: LearnProgress | undefined): LearnObserver {
    let split = '';
    return {
        started(start) {
            split = start.program.learn.stopSplit;
            printHeader(start);
            progress?.start(start.totalBudget, start.labelsSpent, 0, start.accuracy);
        },
        roundDone({ round, labelsSpent, accuracy, retrained }) {
            progress?.update(labelsSpent, round, accuracy);
            if (retrained) {
                const line =
                    `round ${round}: ${labelsSpent} labels → model v${retrained.version}, ` +
                    `${split} accuracy ${pct(retrained.validationAccuracy).trim()}`;
                if (progress) {
                    progress.interrupt(line, labelsSpent, round, accuracy);
                } else {
                    printLine(line);
                }
            }
        },
    };
}

function printHeader({ program, items, trainItems, alreadyLabeled, totalBudget, startingModel }: LearnStart): void {
    const { learn } = program;
    printLine(
        `${program.program} v${program.programVersion}: learn ${program.task} using ${program.model.name} — ${learn.strategy}, ` +
            `diversity ${Math.round(learn.diversity * 100)}%, batch ${learn.batch}, budget ${totalBudget} labels`,
    );
    printLine(
        `${items} items (${trainItems} train), ${alreadyLabeled} already labeled; people: ` +
            `${program.people.map((p) => `${p.name} (${pct(p.accuracy).trim()})`).join(', ')}`,
    );
    printLine(
        startingModel
            ? `starting model ${path.relative(process.cwd(), startingModel.path)}: ` +
                  `${pct(startingModel.validationAccuracy).trim()} on ${learn.stopSplit}`
            : 'no model yet: the first batch is chosen by k-center coverage (cold start)',
    );
}

const STOP_REASONS = {
    accuracy: 'accuracy target reached',
    budget: 'label budget spent',
    exhausted: 'every train item is labeled',
};

function printSummary(summary: LearnSummary): void {
    const { split, budgetStop } = summary;
    printLine('');
    printLine(`labels   ${split} accuracy   model`);
    for (const v of summary.curve) {
        const model = `v${v.version} ${path.relative(process.cwd(), v.path)}`;
        printLine(`${String(v.labels).padStart(6)}   ${pct(v.accuracy).padStart(8)}            ${model}`);
    }
    const why = budgetStop
        ? `stopped for the budget: $${budgetStop.spent.toFixed(2)} of $${budgetStop.budget.toFixed(2)} spent, and the next answer ` +
          `would cost $${budgetStop.next.toFixed(2)}`
        : summary.stopped === 'rounds' || summary.stopped === 'money'
          ? `${summary.rounds} round(s) done`
          : STOP_REASONS[summary.stopped];
    printLine(
        `\n${summary.labelsSpent} items labeled (${summary.answers} answers from simulated labelers in the route's order, ` +
            `$${summary.cost.toFixed(2)}; aggregated labels ${pct(summary.labelAccuracy).trim()} correct); ` +
            `${split} accuracy ${pct(summary.accuracy).trim()} — ${why}.`,
    );
}
