/**
 * Whether a stage state stored by an earlier run still holds: a state stays valid while its task's
 * contract and its input are unchanged, or while the migration from the previous program version
 * keeps (or maps) the task's labels; otherwise the stage is redone for that item.
 */
import type { Migration } from '../plan/migration.js';
import type { PlanTask } from '../plan/types.js';
import type { StageState } from '../store/types.js';
import type { StageDetail, StageStatus } from './stage-state.js';

/** The state (with its value mapped by the migration) when it still holds for `task` with this input, else null. */
export function keptState(
    state: StageState | undefined,
    task: PlanTask,
    input: string,
    migration: Migration | undefined,
): { status: StageStatus; detail: StageDetail } | null {
    const detail = state?.detail as unknown as StageDetail | undefined;
    if (!state || !detail || detail.input !== input) {
        return null;
    }
    const status = state.status as StageStatus;
    if (detail.contract === task.contractHash) {
        return { status, detail };
    }
    const change = migration?.tasks.find((t) => t.task === task.name);
    if (!change || change.action === 'invalidate') {
        return null;
    }
    if (change.action === 'keep') {
        return { status, detail: { ...detail, contract: task.contractHash } };
    }
    // migrate: a choice value moves to its member's new name; split or removed members are redone.
    if (typeof detail.value !== 'string') {
        return null;
    }
    const member = change.members.find((m) => m.old === detail.value);
    if (!member || (member.action !== 'keep' && member.action !== 'map') || member.new.length !== 1) {
        return null;
    }
    return { status, detail: { ...detail, contract: task.contractHash, value: member.new[0] } };
}
