import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { RegisterCommand } from './index.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore, storeExists } from '../store-option.js';
import { versionNumber } from '../../../engine/src/learning/model-versions.js';
import { StoreModelVersions } from '../../../engine/src/learning/store-model-versions.js';
import type { Store } from '../../../engine/src/store/index.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { openLearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { ActiveLearner, type StopReason } from '../../../engine/src/learning/active-learning.js';
import { SimulatedRouting } from '../../../engine/src/routing/simulated-routing.js';
import { seededRng } from '../../../engine/src/learning/random.js';

interface LearnOptions {
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

/**
 * `dprog learn FILE --task T --simulate [--rounds N] [--gold FIELD] [--store DB]`: active-learning rounds
 * answered by simulated people (each answers from the gold field with its declared accuracy),
 * retraining every N labels, until the accuracy target, the label budget or N rounds.
 */
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
        .action(async (file: string, options: LearnOptions) => {
            await withDataErrors(async () => {
                const maxRounds = options.rounds === undefined ? Infinity : Number(options.rounds);
                if (!(maxRounds >= 1) || (Number.isFinite(maxRounds) && !Number.isInteger(maxRounds))) {
                    throw new UsageError(`--rounds must be a positive integer, got '${options.rounds}'.`);
                }
                if (!options.simulate) {
                    throw new UsageError(
                        'dprog learn needs people to answer: label in the VS Code annotation panel (then `dprog retrain`), or pass ' +
                            '--simulate to draw answers from a gold field.',
                    );
                }
                const learnProgram = await loadLearnProgram(file, options.task);
                if (learnProgram.people.length === 0) {
                    throw new ProgramError(
                        `${file}: task ${options.task} routes to no human labeler; --simulate needs people (e.g. \`labeler crowd: ` +
                            `human { accuracy 80% }\` on the route).`,
                    );
                }
                const sessions = new SessionCache();
                // Simulated answers never mix with real labels: they go to a store of their own.
                const simulationDir = path.join(path.dirname(path.resolve(file)), '.dprog', 'simulation');
                const storeOption = options.store ?? path.join(simulationDir, 'labels.sqlite');
                if (options.fresh && options.store) {
                    throw new UsageError(
                        '--fresh only starts the default simulation store over; it never clears a store given with --store.',
                    );
                }
                // Data, model and stored labels are read first (read-only): bad input fails before anything is written.
                const reader = options.fresh || !storeExists(file, storeOption) ? undefined : await openStore(file, storeOption, true);
                let store: Store | undefined;
                const progress =
                    !options.json && process.stderr.isTTY
                        ? new SingleBar(
                              { format: 'labels {bar} {value}/{total} | round {round} | accuracy {accuracy}', hideCursor: true },
                              Presets.shades_classic,
                          )
                        : undefined;
                try {
                    const ws = await openLearningWorkspace(learnProgram, sessions, localStorePath(file, storeOption), reader);
                    const { labels, learn } = learnProgram;
                    const gold = ws.items.map((item) => {
                        const value = item.record[options.gold];
                        if (typeof value !== 'string' || !labels.includes(value)) {
                            throw new ProgramError(
                                `${learnProgram.dataset.path}:${item.line}: --simulate needs field '${options.gold}' with one of ` +
                                    `${labels.join(', ')} on every item; found ${JSON.stringify(value)}`,
                            );
                        }
                        return labels.indexOf(value);
                    });
                    await reader?.close();
                    if (options.fresh) {
                        rmSync(simulationDir, { recursive: true, force: true });
                    }
                    store = (await openStore(file, storeOption, false))!;
                    ws.versions = await StoreModelVersions.open(store, [learnProgram.model.name]);
                    const stopSplit = learn.stopSplit;
                    const validationLabels = new Map(
                        ws.splits.flatMap((s, i) => (s === stopSplit ? [[i, gold[i]] as [number, number]] : [])),
                    );
                    const rng = seededRng(options.seed === undefined ? learn.seed : Number(options.seed));
                    if (!learnProgram.policy) {
                        throw new ProgramError(
                            `${file}: task ${options.task} routes to nobody but the model being trained; --simulate needs people ` +
                                `or rules on the route.`,
                        );
                    }
                    const routing = new SimulatedRouting(
                        learnProgram.policy,
                        labels,
                        learnProgram.moneyBudget ?? Number.POSITIVE_INFINITY,
                        rng,
                    );
                    let answers = 0;
                    let correct = 0;
                    const learner = new ActiveLearner(
                        { keys: ws.items.map((i) => i.key), features: ws.features, splits: ws.splits, labels, validationLabels },
                        learn,
                        {
                            task: learnProgram.task,
                            labeler: learnProgram.model.name,
                            sessions,
                            versions: ws.versions,
                            modelDir: ws.modelDir,
                            initialModel: ws.modelPath,
                            known: ws.known,
                            label: async (picks) => {
                                const results = picks.map((p) => routing.label(ws.items[p.position].key, labels[gold[p.position]]));
                                await store!.addLabels(
                                    picks.flatMap((p, i) =>
                                        results[i].answers.map((a) => ({
                                            task: learnProgram.task,
                                            item: ws.items[p.position].key,
                                            labeler: a.member,
                                            labelerKind: a.kind,
                                            value: a.label,
                                            programVersion: learnProgram.programVersion,
                                        })),
                                    ),
                                );
                                const labeled = picks.flatMap((p, i) => (results[i].label === null ? [] : [{ p, r: results[i] }]));
                                await store!.setAggregates(
                                    labeled.map(({ p, r }) => ({
                                        task: learnProgram.task,
                                        item: ws.items[p.position].key,
                                        value: r.label,
                                        confidence: r.confidence,
                                        method: routing.policy.method,
                                        answers: r.answers.length,
                                    })),
                                );
                                results.forEach((r, i) => {
                                    answers += r.answers.length;
                                    if (r.label === labels[gold[picks[i].position]]) {
                                        correct++;
                                    }
                                });
                                return results.map((r) => r.label);
                            },
                        },
                    );
                    const start = await learner.start();
                    const totalBudget = Number.isFinite(learn.budget) ? learn.budget : ws.splits.filter((s) => s === 'train').length;
                    if (!options.json) {
                        printLine(
                            `${learnProgram.program} v${learnProgram.programVersion}: learn ${learnProgram.task} using ` +
                                `${learnProgram.model.name} — ${learn.strategy}, diversity ${Math.round(learn.diversity * 100)}%, ` +
                                `batch ${learn.batch}, budget ${totalBudget} labels`,
                        );
                        printLine(
                            `${ws.items.length} items (${ws.splits.filter((s) => s === 'train').length} train), ${ws.known.size} ` +
                                `already labeled; people: ` +
                                `${learnProgram.people.map((p) => `${p.name} (${pct(p.accuracy).trim()})`).join(', ')}`,
                        );
                        printLine(
                            start
                                ? `starting model ${path.relative(process.cwd(), start.onnxPath)}: ` +
                                      `${pct(start.validationAccuracy).trim()} on ${stopSplit}`
                                : 'no model yet: the first batch is chosen by k-center coverage (cold start)',
                        );
                    }
                    progress?.start(totalBudget, learner.labelsSpent, { round: 0, accuracy: pct(learner.accuracy) });
                    let rounds = 0;
                    let stop: StopReason | undefined = learner.stopReason();
                    while (!stop && rounds < maxRounds && !routing.budgetStop) {
                        const report = await learner.round();
                        rounds++;
                        progress?.update(report.labelsSpent, { round: report.round, accuracy: pct(learner.accuracy) });
                        if (report.retrained) {
                            if (!options.json) {
                                progress?.stop();
                                printLine(
                                    `round ${report.round}: ${report.labelsSpent} labels → model v${report.retrained.version}, ` +
                                        `${stopSplit} accuracy ${pct(report.retrained.validationAccuracy).trim()}`,
                                );
                                progress?.start(totalBudget, report.labelsSpent, { round: report.round, accuracy: pct(learner.accuracy) });
                            }
                        }
                        stop = learner.stopReason();
                    }
                    progress?.stop();
                    const summary = {
                        task: learnProgram.task,
                        model: learnProgram.model.name,
                        strategy: learn.strategy,
                        rounds,
                        labelsSpent: learner.labelsSpent,
                        answers,
                        cost: Number(routing.spent.toFixed(2)),
                        ...(learnProgram.moneyBudget != null ? { budget: learnProgram.moneyBudget } : {}),
                        labelAccuracy: answers > 0 ? correct / Math.max(1, learner.labelsSpent - ws.known.size) : undefined,
                        accuracy: learner.accuracy,
                        split: stopSplit,
                        stopped: routing.budgetStop ? 'money' : (stop ?? 'rounds'),
                        curve: ws.versions.list(learnProgram.model.name).map((v) => ({
                            version: versionNumber(v),
                            labels: v.labelsUsed,
                            accuracy: v.validationAccuracy,
                            path: v.onnxPath,
                        })),
                    };
                    if (options.json) {
                        printJson(summary);
                    } else {
                        printLine('');
                        printLine(`labels   ${stopSplit} accuracy   model`);
                        for (const v of ws.versions.list(learnProgram.model.name)) {
                            printLine(
                                `${String(v.labelsUsed).padStart(6)}   ${pct(v.validationAccuracy).padStart(8)}            ` +
                                    `v${v.version} ${path.relative(process.cwd(), v.onnxPath)}`,
                            );
                        }
                        const money = routing.budgetStop
                            ? `stopped for the budget: $${routing.budgetStop.spent.toFixed(2)} of ` +
                              `$${learnProgram.moneyBudget!.toFixed(2)} spent, and the next answer would cost ` +
                              `$${routing.budgetStop.next.toFixed(2)}`
                            : undefined;
                        const why =
                            money ??
                            {
                                accuracy: 'accuracy target reached',
                                budget: 'label budget spent',
                                exhausted: 'every train item is labeled',
                                rounds: `${rounds} round(s) done`,
                            }[stop ?? 'rounds'];
                        printLine(
                            `\n${learner.labelsSpent} items labeled (${answers} answers from simulated labelers in the route's ` +
                                `order, $${routing.spent.toFixed(2)}; aggregated labels ${pct(summary.labelAccuracy).trim()} correct); ` +
                                `${stopSplit} accuracy ${pct(learner.accuracy).trim()} — ${why}.`,
                        );
                    }
                    setExitCode(ExitCode.ok);
                } finally {
                    progress?.stop();
                    await sessions.releaseAll();
                    await reader?.close();
                    await store?.close();
                }
            });
        });
};
