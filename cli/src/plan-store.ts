/**
 * Recording compiled plans in the label store, and finding the version compiled before. A store that
 * cannot be opened (damaged, locked, from a newer dprog) is reported with the store's own message
 * and left untouched.
 */
import { LabelStore, StoreError } from '../../engine/src/store/index.js';
import type { JsonValue } from '../../engine/src/store/types.js';
import { PlanFormatError, validatePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { UsageError } from './errors.js';

/** Opens the store for writing, turning store errors into usage errors (exit 2) with their message. */
export async function openStore(path: string): Promise<LabelStore> {
    try {
        return await LabelStore.open(path);
    } catch (error) {
        if (error instanceof StoreError) throw new UsageError(error.message);
        throw new UsageError(`${path}: cannot open the label store: ${(error as Error).message}`);
    }
}

/** The last compiled plan of a program in the store, or undefined (with why, when one is there but unusable). */
export function previousPlan(store: LabelStore, program: string): { plan?: LabelingPlan; problem?: string } {
    const stored = store.getPlan(program);
    if (!stored) return {};
    try {
        return { plan: validatePlan(stored.plan) };
    } catch (error) {
        const why = error instanceof PlanFormatError ? error.message : String(error);
        return { problem: `the stored plan of ${program} version ${stored.version} is not a dprog.plan/v1 plan (${why}); no migration is reported.` };
    }
}

export async function savePlan(store: LabelStore, plan: LabelingPlan): Promise<void> {
    await store.savePlan({
        program: plan.program,
        version: String(plan.version),
        plan: plan as unknown as JsonValue,
        contentHash: plan.hash,
        compiledAt: new Date().toISOString(),
    });
}
