import type { RegisterCommand } from './index.js';
import { aggregationMethods, isAggregationMethod } from '../../../engine/src/quality/aggregate.js';
import { ExitCode, UsageError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { formatTable } from '../table.js';
import { type AggregateReport, aggregateAnswers } from '../actions/aggregate.js';

interface AggregateFlags {
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

/** `dprog aggregate CSV --item COL --worker COL --label COL [--gold COL] [--method M] [--json]`: the options and the printing. */
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
        .action((file: string, flags: AggregateFlags) => {
            const method = flags.method;
            if (!isAggregationMethod(method)) {
                throw new UsageError(
                    `--method ${method}: unknown method; use one of ${aggregationMethods.join(', ')} (box_consensus needs ` +
                        `boxes, not a CSV of labels)`,
                );
            }
            if (flags.fixGold && !flags.gold) {
                throw new UsageError('--fix-gold needs --gold COLUMN');
            }
            const limit = Number(flags.limit);
            if (!(Number.isInteger(limit) && limit >= 0)) {
                throw new UsageError(`--limit ${flags.limit}: expected a whole number ≥ 0`);
            }
            const report = aggregateAnswers(file, { ...flags, method });
            if (flags.json) {
                printJson(reportJson(report));
            } else {
                printReport(report, limit);
            }
            setExitCode(ExitCode.ok);
        });
};

function reportJson(report: AggregateReport) {
    const { method, labels, workers, accuracy, estimate } = report;
    return {
        method,
        items: labels.length,
        ...(accuracy !== undefined ? { accuracy, scored: report.scored } : {}),
        answers: report.answers,
        ties: report.ties,
        ...(estimate ? { estimatedAccuracy: estimate.estimatedAccuracy, accuracyInterval: estimate.accuracyInterval } : {}),
        ...report.extra,
        labels: labels.map(({ item, label, confidence, tie }) => ({ item, label, confidence, ...(tie ? { tie } : {}) })),
        workers: workers.map(({ worker, accuracy: a, answers: n, confusion }) => ({
            worker,
            accuracy: a,
            answers: n,
            ...(confusion ? { confusion } : {}),
        })),
    };
}

function printReport(report: AggregateReport, limit: number): void {
    const { labels, workers, ties, estimate } = report;
    printLine(
        `${report.method}: ${labels.length} items, ${report.answers} answers, ${workers.length} ` +
            `workers${ties ? `, ${ties} tie(s) left undecided` : ''}`,
    );
    if (estimate) {
        const [lo, hi] = estimate.accuracyInterval;
        printLine(
            `estimated accuracy (without gold): ${estimate.estimatedAccuracy.toFixed(4)}, ` +
                `90% interval [${lo.toFixed(4)}, ${hi.toFixed(4)}]`,
        );
    }
    if (report.accuracy !== undefined) {
        printLine(`accuracy against gold: ${report.accuracy.toFixed(4)} (${report.scored} items${ties ? '; a tie counts 1/k' : ''})`);
    } else if (report.allFixed) {
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
