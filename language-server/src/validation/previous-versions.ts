/**
 * The hook through which the checker learns the previous version of a program's label sets, so a
 * `from` naming a member the previous version did not have can be an error. The compiler sets the
 * provider from the label store; until then the previous version is unknown and such a `from` is
 * only a warning (language.md §10).
 */
import type { LabelSet } from '../generated/ast.js';

/** The member names a label set had in the last compiled version, or undefined when that is unknown. */
export type PreviousMembersProvider = (labelSet: LabelSet) => readonly string[] | undefined;

export class PreviousVersions {
    private provider: PreviousMembersProvider = () => undefined;

    /** Installs the source of previous versions (e.g. the label store's last compiled plan). */
    setProvider(provider: PreviousMembersProvider): void {
        this.provider = provider;
    }

    membersOf(labelSet: LabelSet): readonly string[] | undefined {
        return this.provider(labelSet);
    }
}
