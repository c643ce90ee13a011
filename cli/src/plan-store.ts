/**
 * Recording compiled plans in the label store, and finding the version compiled before. A store that
 * cannot be opened (damaged, locked, from a newer dprog) is reported with the store's own message
 * and left untouched.
 */
import { LabelStore, StoreError } from '../../engine/src/store/index.js';
import type { JsonValue, StoredPlan } from '../../engine/src/store/types.js';
import { PlanFormatError, validatePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { AstUtils } from 'langium';
import type { DprogFile } from '../../language-server/src/generated/ast.js';
import type { PreviousMembersProvider } from '../../language-server/src/validation/previous-versions.js';
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

/**
 * The plan a new compile migrates from: the last recorded version other than `plan`'s own, so
 * compiling a version again compares with the version before it (and finds its migration applied).
 * `sameVersion` is the stored plan of `plan`'s own version, when there is one.
 */
export function migrationBase(store: LabelStore, plan: LabelingPlan): { plan?: LabelingPlan; sameVersion?: LabelingPlan; problem?: string } {
    const versions = store.planVersions(plan.program);
    const own = versions.filter((v) => v.version === String(plan.version)).at(-1);
    const other = versions.filter((v) => v.version !== String(plan.version)).at(-1);
    const read = (stored: StoredPlan | undefined): { plan?: LabelingPlan; problem?: string } => {
        if (!stored) return {};
        try {
            return { plan: validatePlan(stored.plan) };
        } catch (error) {
            const why = error instanceof PlanFormatError ? error.message : String(error);
            return { problem: `the stored plan of ${plan.program} version ${stored.version} is not a dprog.plan/v1 plan (${why}); no migration is reported.` };
        }
    };
    const base = read(other);
    return { plan: base.plan, problem: base.problem, sameVersion: read(own).plan };
}

/**
 * The checker's view of the previous version (language.md §10): a label set's members in the plan
 * a compile of this program would migrate from, so a `from` naming an unknown member is an error
 * at its place in the file.
 */
export function previousMembers(store: LabelStore): PreviousMembersProvider {
    return (labelSet) => {
        const header = AstUtils.getDocument(labelSet).parseResult.value.$type === 'DprogFile' ? (AstUtils.getDocument(labelSet).parseResult.value as DprogFile).header : undefined;
        if (!header || header.version === undefined) return undefined;
        const base = store.planVersions(header.name).filter((p) => p.version !== String(header.version)).at(-1);
        if (!base) return undefined;
        try {
            return validatePlan(base.plan).labelSets.find((l) => l.name === labelSet.name)?.members.map((m) => m.name);
        } catch {
            return undefined;
        }
    };
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
