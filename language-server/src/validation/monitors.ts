/**
 * Monitors: bounds within [0%, 100%] with the lower first, `warn` below `alert`, a field to watch
 * for dataset shift, and class rates only for models that output classes.
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { isDataset, isModelLabeler, type Bounds, type DprogAstType, type PredictionMonitor, type ShiftMonitor } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { isCategorical } from '../types/assignability.js';
import { typeToString } from '../types/type-descriptions.js';
import { percent } from './util.js';

export const MonitorIssues = {
    /** `within [a, b]` with a > b. */
    boundsOrder: 'monitor/bounds-order',
    /** A bound outside [0%, 100%]. */
    boundsRange: 'monitor/bounds-range',
    /** `warn above` not below `alert above`. */
    warnAlert: 'monitor/warn-alert',
    /** `monitor shift of D` without a field of D. */
    shiftField: 'monitor/shift-field',
    /** `rate of M` on a model that does not output classes. */
    rateOutput: 'monitor/rate-output',
} as const;

export class MonitorChecks {
    /** The services are read when a check runs: the validator is built before all of them exist. */
    constructor(private readonly services: DprogServices) {}

    readonly checks: ValidationChecks<DprogAstType> = {
        Bounds: checkBounds,
        ShiftMonitor: checkShift,
        PredictionMonitor: (monitor, accept) => this.checkPredictions(monitor, accept),
    };

    private checkPredictions(monitor: PredictionMonitor, accept: ValidationAcceptor): void {
        const model = monitor.model?.ref;
        if (!model?.output || monitor.rates.length === 0) {
            return;
        }
        const output = this.services.types.TypeComputer.typeOf(model.output);
        if (!isCategorical(output) || output.kind === 'bool') {
            accept('error', `'rate of' watches the share of a class, but model '${model.name}' outputs '${typeToString(output)}'.`, {
                node: monitor.rates[0],
                keyword: 'rate',
                code: MonitorIssues.rateOutput,
                data: { code: MonitorIssues.rateOutput },
            });
        }
    }
}

function checkBounds(bounds: Bounds, accept: ValidationAcceptor): void {
    for (const property of ['min', 'max'] as const) {
        const value = bounds[property];
        if (value !== undefined && (value < 0 || value > 1)) {
            accept('error', `A bound is a share between 0% and 100%; found ${percent(value)}.`, {
                node: bounds,
                property,
                code: MonitorIssues.boundsRange,
                data: { code: MonitorIssues.boundsRange },
            });
        }
    }
    if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
        accept(
            'error',
            `Bounds are out of order: the lower bound ${percent(bounds.min)} is above the upper bound ${percent(bounds.max)}.`,
            {
                node: bounds,
                code: MonitorIssues.boundsOrder,
                data: { code: MonitorIssues.boundsOrder, min: bounds.min, max: bounds.max },
            },
        );
    }
}

function checkShift(monitor: ShiftMonitor, accept: ValidationAcceptor): void {
    if (monitor.warn !== undefined && monitor.alert !== undefined && monitor.warn >= monitor.alert) {
        accept('error', `'warn above ${monitor.warn}' must be below 'alert above ${monitor.alert}': a warning comes before an alert.`, {
            node: monitor,
            property: 'warn',
            code: MonitorIssues.warnAlert,
            data: { code: MonitorIssues.warnAlert },
        });
    }
    const source = monitor.source?.ref;
    if (isDataset(source) && !monitor.field) {
        const example = source.fields.find((f) => !f.key)?.name ?? 'field';
        accept('error', `Say which field of '${source.name}' to watch, e.g. 'monitor shift of ${source.name}.${example}'.`, {
            node: monitor,
            property: 'source',
            code: MonitorIssues.shiftField,
            data: { code: MonitorIssues.shiftField },
        });
    } else if (isModelLabeler(source) && monitor.field) {
        accept('error', `A model's shift is watched on its inputs; write 'monitor shift of ${source.name}' without a field.`, {
            node: monitor,
            property: 'field',
            code: MonitorIssues.shiftField,
            data: { code: MonitorIssues.shiftField },
        });
    }
}
