/**
 * What the last compiled version of a program declared, for checks that depend on it: a `from`
 * naming a member the previous version did not have is an error when that version is known, and a
 * warning when it is not (language.md §10).
 *
 * Whoever knows the previous version (the CLI reading the label store, the extension) calls
 * `remember(plan)`; validation asks `membersOf(program, labelSet)`. Register one instance per
 * language server, e.g. `compiler: { PreviousVersions: () => new PreviousVersions() }` in the DI module.
 */
import type { LabelingPlan } from '../../../engine/src/plan/types.js';

export interface PreviousVersion {
    program: string;
    version: number;
    /** The plan's hash, to tell versions apart. */
    hash: string;
    /** Label set name → its members, in declaration order. */
    labelSets: ReadonlyMap<string, readonly string[]>;
}

export class PreviousVersions {
    private readonly byProgram = new Map<string, PreviousVersion>();

    /** Remembers a compiled plan as the previous version of its program (replacing any other). */
    remember(plan: LabelingPlan): void {
        this.byProgram.set(plan.program, {
            program: plan.program,
            version: plan.version,
            hash: plan.hash,
            labelSets: new Map(plan.labelSets.map((l) => [l.name, l.members.map((m) => m.name)])),
        });
    }

    forget(program: string): void {
        this.byProgram.delete(program);
    }

    get(program: string): PreviousVersion | undefined {
        return this.byProgram.get(program);
    }

    /**
     * The previous version's members of a label set; undefined when the previous version is not
     * known or had no label set of that name (then a `from` cannot be checked: a warning at most).
     */
    membersOf(program: string, labelSet: string): readonly string[] | undefined {
        return this.byProgram.get(program)?.labelSets.get(labelSet);
    }
}

/** The names a member's `from` gives that are not among the previous version's members. */
export function unknownSources(previousMembers: readonly string[], sources: readonly string[]): string[] {
    return sources.filter((s) => !previousMembers.includes(s));
}
