/** `learn` and `monitor` blocks as plan entries, with the defaults the program leaves out. */
import { isShiftMonitor, type Learn, type Monitor } from '../generated/ast.js';
import type { PlanLearn, PlanMonitor } from '../../../engine/src/plan/types.js';
import { refName } from './ref-name.js';

/** Defaults for an active-learning loop (language.md §9 leaves them to the tool). */
export const DEFAULT_LEARN = { strategy: 'margin', diversity: 0, batch: 50, seed: 0 } as const;

export function planLearn(learn: Learn): PlanLearn {
    return {
        task: refName(learn.task),
        model: refName(learn.model),
        strategy: (learn.strategy ?? DEFAULT_LEARN.strategy) as PlanLearn['strategy'],
        diversity: learn.diversity ?? DEFAULT_LEARN.diversity,
        batch: learn.batch ?? DEFAULT_LEARN.batch,
        budgetLabels: learn.budget ?? null,
        retrainEvery: learn.retrainEvery ?? null,
        stop: learn.stopAccuracy !== undefined && learn.stopSplit ? { accuracy: learn.stopAccuracy, split: learn.stopSplit } : null,
        features: learn.encoder ?? null,
        seed: learn.seed ?? DEFAULT_LEARN.seed,
        // Only train-bucket items are ever sampled (language.md §9).
        sampleSplit: 'train',
    };
}

export function planMonitor(monitor: Monitor): PlanMonitor {
    if (isShiftMonitor(monitor)) {
        return {
            kind: 'shift',
            source: refName(monitor.source),
            field: monitor.field ? refName(monitor.field) : null,
            metric: (monitor.metric ?? 'psi') as 'psi' | 'ks',
            warn: monitor.warn ?? null,
            alert: monitor.alert ?? null,
        };
    }
    return {
        kind: 'predictions',
        model: refName(monitor.model),
        confidence:
            monitor.confidence && monitor.confidence.min !== undefined && monitor.confidence.max !== undefined
                ? { min: monitor.confidence.min, max: monitor.confidence.max }
                : null,
        rates: monitor.rates
            .filter((r) => r.member)
            .map((r) => ({ member: refName(r.member), min: r.bounds?.min ?? 0, max: r.bounds?.max ?? 1 })),
    };
}
