/**
 * Quality: a target strictly between 0% and 100%, a gold share in [0%, 100%), at most N ≥ 1
 * labels per item, and an aggregation method that fits the task's output type: `box_consensus`
 * for boxes, `dawid_skene` and `one_coin` for choice/choices/bool, and `majority` (a vote among
 * identical answers, the compiler's default for spans, numbers and text) for every type but boxes.
 */
import { AstUtils, type ValidationAcceptor, type ValidationChecks } from 'langium';
import { isTask, type DprogAstType, type Quality } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { isBoxes, isCategorical } from '../types/assignability.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString, type DprogType } from '../types/type-descriptions.js';
import { foundShare } from './util.js';

export const QualityIssues = {
    targetRange: 'quality/target-range',
    goldRange: 'quality/gold-range',
    maxLabels: 'quality/max-labels',
    /** An aggregation method that does not fit the task's output type (data: aggregate, outputType). */
    aggregateMismatch: 'quality/aggregate-mismatch',
} as const;

export class QualityChecks {
    private readonly typeComputer: () => DprogTypeComputer;

    constructor(services: DprogServices) {
        this.typeComputer = () => services.types.TypeComputer;
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        Quality: (quality, accept) => this.check(quality, accept),
    };

    private check(quality: Quality, accept: ValidationAcceptor): void {
        if (quality.target !== undefined && !(quality.target > 0 && quality.target < 1)) {
            accept(
                'error',
                `The quality target is a share strictly between 0% and 100%; found ${foundShare(quality, 'target', quality.target)}`,
                {
                    node: quality,
                    property: 'target',
                    code: QualityIssues.targetRange,
                    data: { code: QualityIssues.targetRange },
                },
            );
        }
        if (quality.gold !== undefined && !(quality.gold >= 0 && quality.gold < 1)) {
            accept('error', `The gold share is at least 0% and below 100%; found ${foundShare(quality, 'gold', quality.gold)}`, {
                node: quality,
                property: 'gold',
                code: QualityIssues.goldRange,
                data: { code: QualityIssues.goldRange },
            });
        }
        if (quality.maxLabels !== undefined && !(Number.isInteger(quality.maxLabels) && quality.maxLabels >= 1)) {
            accept('error', `'at most N labels' needs a whole number N of at least 1; found ${quality.maxLabels}.`, {
                node: quality,
                property: 'maxLabels',
                code: QualityIssues.maxLabels,
                data: { code: QualityIssues.maxLabels },
            });
        }
        const task = AstUtils.getContainerOfType(quality, isTask);
        if (!quality.aggregate || !task?.output) {
            return;
        }
        const output = this.typeComputer().typeOf(task.output);
        if (output.kind === 'error') {
            return;
        }
        const fits = aggregationFits(quality.aggregate, output);
        if (!fits) {
            const wants =
                quality.aggregate === 'box_consensus'
                    ? "'box<L>' or 'list<box<L>>'"
                    : quality.aggregate === 'majority'
                      ? 'every label type but boxes'
                      : "'choice<L>', 'choices<L>' or 'bool'";
            const instead = isBoxes(output)
                ? " Use 'box_consensus'."
                : isCategorical(output)
                  ? " Use 'dawid_skene', 'one_coin', 'wawa', 'mace' or 'majority'."
                  : '';
            accept(
                'error',
                `'${quality.aggregate}' aggregates ${wants}, but task '${task.name}' outputs '${typeToString(output)}'.${instead}`,
                {
                    node: quality,
                    property: 'aggregate',
                    code: QualityIssues.aggregateMismatch,
                    data: { code: QualityIssues.aggregateMismatch, aggregate: quality.aggregate, outputType: typeToString(output) },
                },
            );
        }
    }
}

/** Whether an aggregation method can combine answers of this output type (see the file comment). */
export function aggregationFits(method: string, output: DprogType): boolean {
    if (method === 'box_consensus') {
        return isBoxes(output);
    }
    if (method === 'majority') {
        return !isBoxes(output);
    }
    return isCategorical(output);
}
