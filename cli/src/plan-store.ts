/**
 * Recording compiled plans in the label store, and finding the version compiled before. A store that
 * cannot be opened (damaged, locked, from a newer dprog) is reported with the store's own message
 * and left untouched.
 */
import type { Store, StoreLocation } from '../../engine/src/store/index.js';
import type { JsonValue, StoredPlan } from '../../engine/src/store/types.js';
import { migrationRun } from '../../engine/src/migration/relabel-queue.js';
import { PlanFormatError, validatePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { UsageError } from './errors.js';
import { openAnyStoreAt } from './store-option.js';

/** Opens the store for writing, turning store errors into usage errors (exit 2) with their message. */
export async function openStore(location: StoreLocation): Promise<Store> {
    try {
        return await openAnyStoreAt(location, false);
    } catch (error) {
        if (error instanceof UsageError || !(error instanceof Error)) {
            throw error;
        }
        throw new UsageError(
            `${location.backend === 'sqljs' ? location.path : location.display}: cannot open the label store: ${error.message}`,
        );
    }
}

/** The last compiled plan of a program in the store, or undefined (with why, when one is there but unusable). */
export async function previousPlan(store: Store, program: string): Promise<{ plan?: LabelingPlan; problem?: string }> {
    return readPlan(await store.getPlan(program), program);
}

function readPlan(stored: StoredPlan | undefined, program: string): { plan?: LabelingPlan; problem?: string } {
    if (!stored) {
        return {};
    }
    try {
        return { plan: validatePlan(stored.plan) };
    } catch (error) {
        const why = error instanceof PlanFormatError ? error.message : String(error);
        return {
            problem:
                `the stored plan of ${program} version ${stored.version} is not a dprog.plan/v1 plan (${why}); no migration ` +
                `is reported.`,
        };
    }
}

/** How far below a recompiled version to look for the version before it, when no applied migration names it. */
const VERSIONS_BACK = 50;

/**
 * The plan a new compile migrates from: the last recorded version other than `plan`'s own, so
 * compiling a version again compares with the version before it (and finds its migration applied):
 * the version its applied migration came from, else the nearest lower recorded version.
 * `sameVersion` is the stored plan of `plan`'s own version, when there is one.
 */
export async function migrationBase(
    store: Store,
    plan: LabelingPlan,
): Promise<{ plan?: LabelingPlan; sameVersion?: LabelingPlan; problem?: string }> {
    const own = String(plan.version);
    const latest = await store.getPlan(plan.program);
    let base = latest && latest.version !== own ? latest : undefined;
    if (!base && latest) {
        const appliedFrom = (await store.stageStates({ run: migrationRun(plan.program), stage: 'applied' }))
            .map((s) => s.item.split('->'))
            .filter(([, to]) => to === own)
            .map(([from]) => from);
        const lower = Array.from({ length: Math.min(VERSIONS_BACK, Math.max(0, plan.version)) }, (_, i) => String(plan.version - 1 - i));
        for (const version of [...appliedFrom.reverse(), ...lower]) {
            base = await store.getPlan(plan.program, version);
            if (base) {
                break;
            }
        }
    }
    const sameVersion = readPlan(await store.getPlan(plan.program, own), plan.program).plan;
    // Changed without a new version number: the stored labels still follow the change, from the
    // content this version had when it was last compiled.
    if (!base && sameVersion && sameVersion.hash !== plan.hash) {
        return { plan: sameVersion, sameVersion };
    }
    return { ...readPlan(base, plan.program), sameVersion };
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
