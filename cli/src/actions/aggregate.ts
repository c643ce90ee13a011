/**
 * `dprog aggregate`: crowd answers (one CSV row per answer) into one label per item, with
 * confidences, worker accuracies, accuracy against gold when there is gold and an estimate of it
 * without.
 */
import { readEncodedAnswersCsv } from '../../../engine/src/data/answers-csv.js';
import { type AccuracyEstimate, estimateAccuracy } from '../../../engine/src/quality/accuracy-estimate.js';
import { aggregate } from '../../../engine/src/quality/aggregate.js';
import type { EncodedAnswers } from '../../../engine/src/quality/answers.js';
import { aggregateChoices } from '../../../engine/src/quality/choices.js';
import { accuracyAgainst } from '../../../engine/src/quality/posterior.js';
import type { AggregationMethod, AggregationResult, ItemAggregate, WorkerEstimate } from '../../../engine/src/quality/result.js';
import { readAnswers, withAnswerErrors } from '../answers-file.js';
import { ProgramError } from '../errors.js';

export interface AggregateOptions {
    /** The CSV's columns. */
    item: string;
    worker: string;
    label: string;
    gold?: string;
    method: AggregationMethod;
    /** Treat the gold column as planted gold questions: fixed during aggregation (accuracy then covers the other items). */
    fixGold?: boolean;
    /** Labels are sets (choices<L>) joined by this separator. */
    separator?: string;
}

export interface AggregateReport {
    method: AggregationMethod;
    labels: ItemAggregate[];
    workers: Pick<WorkerEstimate, 'worker' | 'accuracy' | 'answers' | 'confusion'>[];
    answers: number;
    /** Accuracy against gold over `scored` items (the fixed gold items left out), when there is gold to score on. */
    accuracy?: number;
    scored?: number;
    /** Whether every item with an answer had fixed gold, so no accuracy could be measured. */
    allFixed: boolean;
    ties: number;
    /** Accuracy estimated without gold, with its 90% interval (single labels with a calibrated method). */
    estimate?: AccuracyEstimate;
    /** Method-specific fields: the classes and EM's iterations, or the members of label sets. */
    extra: Record<string, unknown>;
}

type Aggregated = Pick<AggregateReport, 'labels' | 'workers' | 'answers' | 'estimate' | 'extra'> & {
    gold: ReadonlyMap<string, string> | undefined;
};

export function aggregateAnswers(file: string, options: AggregateOptions): AggregateReport {
    const run = options.separator ? aggregateSets(file, options, options.separator) : aggregateLabels(file, options);
    const fixed = options.fixGold ? run.gold : undefined;
    const scored = run.gold ? accuracyAgainst(fixed ? run.labels.filter((l) => !fixed.has(l.item)) : run.labels, run.gold) : undefined;
    const measured = scored && scored.scored > 0 ? { accuracy: scored.accuracy, scored: scored.scored } : {};
    return {
        method: options.method,
        labels: run.labels,
        workers: run.workers,
        answers: run.answers,
        ...measured,
        allFixed: fixed !== undefined && measured.accuracy === undefined,
        ties: run.labels.filter((l) => l.tie).length,
        estimate: run.estimate,
        extra: run.extra,
    };
}

/** Single labels: read straight into ids (no string per answer), aggregate, and estimate accuracy without gold. */
function aggregateLabels(file: string, options: AggregateOptions): Aggregated {
    const { encoded, gold } = withAnswerErrors(() => readEncodedAnswersCsv(file, options, { fixGold: options.fixGold }));
    let result: ReturnType<typeof aggregate>;
    try {
        result = aggregate(options.method, encoded);
    } catch (error) {
        throw new ProgramError(`${file}: ${(error as Error).message}`);
    }
    const { iterations, converged } = result;
    return {
        gold,
        answers: encoded.itemOf.length,
        labels: result.items,
        workers: result.workers,
        estimate: estimateOf(encoded, result.items, result.calibration),
        extra: { classes: result.classes, ...(iterations !== undefined ? { iterations, converged } : {}) },
    };
}

/** Label sets: each member aggregated as a yes/no question. */
function aggregateSets(file: string, options: AggregateOptions, separator: string): Aggregated {
    const recorded = readAnswers(file, options, { emptyLabelIsAnswer: true });
    const gold = recorded.gold;
    const split = (s: string) =>
        s
            .split(separator)
            .map((m) => m.trim())
            .filter(Boolean);
    const fixedSets = options.fixGold && gold ? new Map([...gold].map(([item, set]) => [item, split(set)])) : undefined;
    const result = aggregateChoices(
        recorded.answers.map((a) => ({ item: a.item, worker: a.worker, labels: split(a.label) })),
        options.method,
        { gold: fixedSets },
    );
    return {
        gold,
        answers: recorded.answers.length,
        labels: result.items.map((i) => ({
            item: i.item,
            label: i.labels.join(separator),
            confidence: i.confidence,
            ...(i.tied ? { tie: i.tied } : {}),
        })),
        workers: result.workers,
        extra: { members: result.members },
    };
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
