/**
 * Label sets: at least one member, one-character hotkeys used once, and `from` migrations that
 * name members of the previous version.
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import type { DprogAstType, LabelSet } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { closestName } from '../types/closest-name.js';

export const LabelSetIssues = {
    /** A label set without members. */
    empty: 'labels/empty',
    /** Two members with the same hotkey (data: hotkey). */
    duplicateHotkey: 'labels/duplicate-hotkey',
    /** A hotkey that is not a single character. */
    invalidHotkey: 'labels/invalid-hotkey',
    /** `from X` where the previous version is known and had no member X (data: source, suggestion?). */
    fromUnknownMember: 'labels/from-unknown-member',
    /** `from X` that cannot be checked because the previous version is unknown. */
    fromUnverified: 'labels/from-unverified',
} as const;

export class LabelSetChecks {
    /** The services are read when a check runs: the validator is built before all of them exist. */
    constructor(private readonly services: DprogServices) {}

    readonly checks: ValidationChecks<DprogAstType> = {
        LabelSet: [(labelSet, accept) => this.checkMembers(labelSet, accept), (labelSet, accept) => this.checkMigrations(labelSet, accept)],
    };

    private checkMembers(labelSet: LabelSet, accept: ValidationAcceptor): void {
        if (labelSet.members.length === 0) {
            accept('error', `Label set '${labelSet.name}' has no members; list at least one, e.g. '{ yes, no }'.`, {
                node: labelSet,
                property: 'name',
                code: LabelSetIssues.empty,
                data: { code: LabelSetIssues.empty },
            });
        }
        const byHotkey = new Map<string, string>();
        for (const member of labelSet.members) {
            if (member.hotkey === undefined) {
                continue;
            }
            if ([...member.hotkey].length !== 1) {
                accept('error', `A hotkey is one character; found "${member.hotkey}".`, {
                    node: member,
                    property: 'hotkey',
                    code: LabelSetIssues.invalidHotkey,
                    data: { code: LabelSetIssues.invalidHotkey },
                });
                continue;
            }
            const key = member.hotkey.toLowerCase();
            const owner = byHotkey.get(key);
            if (owner) {
                accept('error', `Hotkey "${member.hotkey}" is already used by '${owner}'.`, {
                    node: member,
                    property: 'hotkey',
                    code: LabelSetIssues.duplicateHotkey,
                    data: { code: LabelSetIssues.duplicateHotkey, hotkey: member.hotkey },
                });
            } else {
                byHotkey.set(key, member.name);
            }
        }
    }

    private checkMigrations(labelSet: LabelSet, accept: ValidationAcceptor): void {
        if (!labelSet.members.some((m) => m.sources.length > 0)) {
            return;
        }
        const previous = this.services.validation.PreviousVersions.membersOf(labelSet);
        for (const member of labelSet.members) {
            member.sources.forEach((source, index) => {
                if (previous === undefined) {
                    accept(
                        'warning',
                        `Cannot check 'from ${source}': no earlier version of this program with label set '${labelSet.name}' is ` +
                            `recorded. \`dprog compile\` records each version in .dprog/versions/ beside the program; compile the ` +
                            `previous version, then raise \`version\`.`,
                        {
                            node: member,
                            property: 'sources',
                            index,
                            code: LabelSetIssues.fromUnverified,
                            data: { code: LabelSetIssues.fromUnverified, source },
                        },
                    );
                } else if (!previous.includes(source)) {
                    const suggestion = closestName(source, previous);
                    accept(
                        'error',
                        `The previous version of '${labelSet.name}' has no member '${source}' (it had ` +
                            `${previous.map((p) => `'${p}'`).join(', ') || 'none'}).${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
                        {
                            node: member,
                            property: 'sources',
                            index,
                            code: LabelSetIssues.fromUnknownMember,
                            data: { code: LabelSetIssues.fromUnknownMember, source, suggestion },
                        },
                    );
                }
            });
        }
    }
}
