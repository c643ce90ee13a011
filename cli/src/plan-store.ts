/**
 * Recording compiled plans in the label store, and finding the version compiled before. A store that
 * cannot be opened (damaged, locked, from a newer dprog) is reported with the store's own message
 * and left untouched.
 */
import { EmbeddedStore, type Store, type StoreLocation } from '../../engine/src/store/index.js';
import type { JsonValue } from '../../engine/src/store/types.js';
import { PlanFormatError, validatePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { UsageError } from './errors.js';
import { openAnyStoreAt } from './store-option.js';

/** Opens the store for writing, turning store errors into usage errors (exit 2) with their message. */
export async function openStore(location: StoreLocation): Promise<Store> {
    try {
        return await openAnyStoreAt(location, false);
    } catch (error) {
        if (error instanceof UsageError || !(error instanceof Error)) throw error;
        throw new UsageError(`${location.backend === 'sqljs' ? location.path : location.display}: cannot open the label store: ${error.message}`);
    }
}

/** The embedded store behind `store` (the plan executor reads it synchronously). */
export function embedded(store: Store): EmbeddedStore {
    if (store instanceof EmbeddedStore) return store;
    throw new UsageError(`${store.location}: this command runs on the embedded store only for now.`);
}

/** The last compiled plan of a program in the store, or undefined (with why, when one is there but unusable). */
export async function previousPlan(store: Store, program: string): Promise<{ plan?: LabelingPlan; problem?: string }> {
    const stored = await store.getPlan(program);
    if (!stored) return {};
    try {
        return { plan: validatePlan(stored.plan) };
    } catch (error) {
        const why = error instanceof PlanFormatError ? error.message : String(error);
        return { problem: `the stored plan of ${program} version ${stored.version} is not a dprog.plan/v1 plan (${why}); no migration is reported.` };
    }
}

export async function savePlan(store: Store, plan: LabelingPlan): Promise<void> {
    await store.savePlan({
        program: plan.program,
        version: String(plan.version),
        plan: plan as unknown as JsonValue,
        contentHash: plan.hash,
        compiledAt: new Date().toISOString(),
    });
}
