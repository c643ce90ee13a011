/**
 * The hook through which the checker learns the previous version of a program's label sets, so a
 * `from` naming a member the previous version did not have can be an error. By default it reads the
 * versions `dprog compile` records beside the program (workspace/recorded-versions.ts); without one
 * the previous version is unknown and such a `from` is only a warning (language.md §10).
 */
import { AstUtils } from 'langium';
import { isDprogFile, type LabelSet } from '../generated/ast.js';
import { previousRecordedVersion } from '../workspace/recorded-versions.js';

/** The member names a label set had in the last compiled version, or undefined when that is unknown. */
export type PreviousMembersProvider = (labelSet: LabelSet) => readonly string[] | undefined;

export class PreviousVersions {
    private provider: PreviousMembersProvider = recordedPreviousMembers;

    /** Installs the source of previous versions (e.g. the label store's last compiled plan). */
    setProvider(provider: PreviousMembersProvider): void {
        this.provider = provider;
    }

    membersOf(labelSet: LabelSet): readonly string[] | undefined {
        return this.provider(labelSet);
    }
}

/** The members the previous recorded version of the label set's program gave it. */
function recordedPreviousMembers(labelSet: LabelSet): readonly string[] | undefined {
    const document = AstUtils.getDocument(labelSet);
    const root = document.parseResult.value;
    const header = isDprogFile(root) ? root.header : undefined;
    if (document.uri.scheme !== 'file' || !header?.name) {
        return undefined;
    }
    return previousRecordedVersion(document.uri.fsPath, header.name, header.version ?? 1)?.labelSets[labelSet.name];
}
