import type { RegisterCommand } from './index.js';
import { aggregate, aggregationMethods, isAggregationMethod } from '../../../engine/src/quality/aggregate.js';
import { aggregateChoices } from '../../../engine/src/quality/choices.js';
import { accuracyAgainst } from '../../../engine/src/quality/posterior.js';
import type { AggregationMethod, AggregationResult, ItemAggregate, WorkerEstimate } from '../../../engine/src/quality/result.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { formatTable } from '../table.js';
import { DataError } from '../../../engine/src/data/errors.js';
import {
    readAnswersCsv,
    readEncodedAnswersCsv,
    type AnswerColumns,
    type ReadAnswersOptions,
    type RecordedAnswers,
} from '../../../engine/src/data/answers-csv.js';
import type { EncodedAnswers } from '../../../engine/src/quality/answers.js';
import { estimateAccuracy, type AccuracyEstimate } from '../../../engine/src/quality/accuracy-estimate.js';

interface AggregateOptions {
    item: string;
    worker: string;
    label: string;
    gold?: string;
    method: string;
    fixGold?: boolean;
    separator?: string;
    limit: string;
    json?: boolean;
}

/** Reads the answers CSV: file and column problems exit 2, data problems (not CSV, not UTF-8, an empty cell) exit 1. */
export function readAnswers(file: string, columns: AnswerColumns, options: ReadAnswersOptions = {}): RecordedAnswers {
    return asCliErrors(() => readAnswersCsv(file, columns, options));
}

function asCliErrors<T>(read: () => T): T {
    try {
        return read();
    } catch (error) {
        if (error instanceof DataError) {
            throw error.fault === 'usage' ? new UsageError(error.message) : new ProgramError(error.message);
        }
        throw error;
    }
}

/** Single labels: read straight into ids (no string per answer), aggregate, and estimate accuracy without gold. */
function aggregateLabels(file: string, method: AggregationMethod, options: AggregateOptions) {
    const { encoded, gold } = asCliErrors(() => readEncodedAnswersCsv(file, options, { fixGold: options.fixGold }));
    let result: ReturnType<typeof aggregate>;
    try {
        result = aggregate(method, encoded);
    } catch (error) {
        throw new ProgramError(`${file}: ${(error as Error).message}`);
    }
    return { encoded, gold, result, estimate: estimateOf(encoded, result.items, result.calibration) };
}

function estimateOf(
    encoded: EncodedAnswers,
    labels: readonly ItemAggregate[],
    calibration: AggregationResult['calibration'],
): AccuracyEstimate | undefined {
    if (!calibration) {
        return undefined;
    }
    return estimateAccuracy(
        labels.filter((l) => !l.gold).map((l) => l.confidence),
        calibration,
        encoded.classes.length,
    );
}

/** `dprog aggregate CSV --item COL --worker COL --label COL [--gold COL] [--method M] [--json]`. */
export const registerAggregate: RegisterCommand = (program, setExitCode) => {
    program
        .command('aggregate')
        .description('Aggregate crowd answers (one row per answer) into one label per item, with confidences and worker accuracies.')
        .argument('<csv>', 'answers, one row per answer, with a header row')
        .requiredOption('--item <column>', 'column naming the item')
        .requiredOption('--worker <column>', 'column naming who answered')
        .requiredOption('--label <column>', 'column with the answer')
        .option('--gold <column>', 'column with the known right answer: accuracy is measured against it')
        .option('--method <method>', `${aggregationMethods.join(' | ')}`, 'dawid_skene')
        .option(
            '--fix-gold',
            'treat the gold column as planted gold questions: fixed during aggregation and used to calibrate confidences (accuracy ' +
                'then covers the other items only)',
        )
        .option(
            '--separator <sep>',
            'labels are sets (choices<L>) joined by this separator; each member is aggregated as a yes/no question',
        )
        .option('--limit <n>', 'rows of each table in the text output', '20')
        .option('--json', 'print the result as one JSON document')
        .action((file: string, options: AggregateOptions) => {
            if (!isAggregationMethod(options.method)) {
                throw new UsageError(
                    `--method ${options.method}: unknown method; use one of ${aggregationMethods.join(', ')} (box_consensus needs ` +
                        `boxes, not a CSV of labels)`,
                );
            }
            if (options.fixGold && !options.gold) {
                throw new UsageError('--fix-gold needs --gold COLUMN');
            }
            const limit = Number(options.limit);
            if (!(Number.isInteger(limit) && limit >= 0)) {
                throw new UsageError(`--limit ${options.limit}: expected a whole number ≥ 0`);
            }
            const method: AggregationMethod = options.method;
            let labels: ItemAggregate[];
            let workers: Pick<WorkerEstimate, 'worker' | 'accuracy' | 'answers' | 'confusion'>[];
            let extra: Record<string, unknown> = {};
            let gold: ReadonlyMap<string, string> | undefined;
            let answerCount: number;
            let estimate: AccuracyEstimate | undefined;
            if (options.separator) {
                const recorded = readAnswers(file, options, { emptyLabelIsAnswer: true });
                gold = recorded.gold;
                answerCount = recorded.answers.length;
                const split = (s: string) =>
                    s
                        .split(options.separator!)
                        .map((m) => m.trim())
                        .filter(Boolean);
                const fixedSets = options.fixGold && gold ? new Map([...gold].map(([item, set]) => [item, split(set)])) : undefined;
                const result = aggregateChoices(
                    recorded.answers.map((a) => ({ item: a.item, worker: a.worker, labels: split(a.label) })),
                    method,
                    { gold: fixedSets },
                );
                labels = result.items.map((i) => ({
                    item: i.item,
                    label: i.labels.join(options.separator),
                    confidence: i.confidence,
                    ...(i.tied ? { tie: i.tied } : {}),
                }));
                workers = result.workers;
                extra = { members: result.members };
            } else {
                const run = aggregateLabels(file, method, options);
                gold = run.gold;
                answerCount = run.encoded.itemOf.length;
                labels = run.result.items;
                workers = run.result.workers;
                estimate = run.estimate;
                const { iterations, converged } = run.result;
                extra = { classes: run.result.classes, ...(iterations !== undefined ? { iterations, converged } : {}) };
            }
            const fixed = options.fixGold ? gold : undefined;
            const scored = gold ? accuracyAgainst(fixed ? labels.filter((l) => !fixed.has(l.item)) : labels, gold) : undefined;
            const accuracy = scored && scored.scored > 0 ? scored.accuracy : undefined;
            const ties = labels.filter((l) => l.tie).length;
            if (options.json) {
                printJson({
                    method,
                    items: labels.length,
                    ...(accuracy !== undefined ? { accuracy, scored: scored!.scored } : {}),
                    answers: answerCount,
                    ties,
                    ...(estimate ? { estimatedAccuracy: estimate.estimatedAccuracy, accuracyInterval: estimate.accuracyInterval } : {}),
                    ...extra,
                    labels: labels.map(({ item, label, confidence, tie }) => ({ item, label, confidence, ...(tie ? { tie } : {}) })),
                    workers: workers.map(({ worker, accuracy: a, answers: n, confusion }) => ({
                        worker,
                        accuracy: a,
                        answers: n,
                        ...(confusion ? { confusion } : {}),
                    })),
                });
            } else {
                printLine(
                    `${method}: ${labels.length} items, ${answerCount} answers, ${workers.length} ` +
                        `workers${ties ? `, ${ties} tie(s) left undecided` : ''}`,
                );
                if (estimate) {
                    const [lo, hi] = estimate.accuracyInterval;
                    printLine(
                        `estimated accuracy (without gold): ${estimate.estimatedAccuracy.toFixed(4)}, 90% interval ` +
                            `[${lo.toFixed(4)}, ${hi.toFixed(4)}]`,
                    );
                }
                if (accuracy !== undefined) {
                    printLine(`accuracy against gold: ${accuracy.toFixed(4)} (${scored!.scored} items${ties ? '; a tie counts 1/k' : ''})`);
                } else if (fixed) {
                    printLine(`every item with an answer has gold and was fixed: no item is left to measure accuracy on`);
                }
                printLine();
                const shown = labels.slice(0, limit);
                printLine(
                    formatTable(
                        ['item', 'label', 'confidence'],
                        shown.map((l) => [l.item, l.tie ? `tie: ${l.tie.join(' | ')}` : String(l.label), l.confidence.toFixed(3)]),
                    ),
                );
                if (labels.length > shown.length) {
                    printLine(`… ${labels.length - shown.length} more items (--limit N, or --json for all)`);
                }
                printLine();
                const ranked = [...workers].sort((a, b) => b.answers - a.answers).slice(0, limit);
                printLine(
                    formatTable(
                        ['worker', 'answers', 'accuracy'],
                        ranked.map((w) => [w.worker, String(w.answers), w.accuracy.toFixed(3)]),
                    ),
                );
                if (workers.length > ranked.length) {
                    printLine(`… ${workers.length - ranked.length} more workers`);
                }
            }
            setExitCode(ExitCode.ok);
        });
};
