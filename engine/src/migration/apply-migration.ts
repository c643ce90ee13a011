/**
 * Applying a migration (language.md §10) to the labels in the store, once: a label whose members
 * are all kept stays; one with a renamed or merged member (`map`) is replaced by a label with the
 * new member, the old one kept and marked superseded; one with a split member (`reask`) or a
 * removed one (`invalidate`), and every label of an invalidated task, leaves the current labels
 * (kept, marked `migration:<program>@<version>`), and split items are queued to be asked again
 * among the new members; an added member (`review`) queues the task's labeled items for review.
 * The queue (relabel-queue.ts) and the record that the migration was applied are stage states of
 * the run `migration:<program>`, so applying the same migration again changes nothing. Labels
 * already given under the new version (their `programVersion` is its plan hash) are left alone.
 * Written against the `Store` interface: the same on sql.js and PostgreSQL.
 */
import type { MemberMigration, Migration, TaskMigration } from '../plan/migration.js';
import type { Store } from '../store/store.js';
import type { JsonValue, Label, NewLabel, StageState } from '../store/types.js';
import { migrationRun, REASK, REVIEW } from './relabel-queue.js';

export { migrationRun } from './relabel-queue.js';

export interface TaskApplied {
    task: string;
    kept: number;
    mapped: number;
    reasked: number;
    invalidated: number;
    /** Items queued for review because a member was added. */
    review: number;
}

export interface AppliedMigration {
    from: number;
    to: number;
    /** True when the store had already applied this migration: nothing was changed now. */
    alreadyApplied: boolean;
    /** When it was applied (now, or the earlier time). */
    appliedAt: string;
    tasks: TaskApplied[];
}

const APPLIED = 'applied';

/** The value with each member name replaced by `rename(name)` (choice, choices, and `label` of shapes). */
function mapMembers(value: JsonValue, rename: (member: string) => string): JsonValue {
    if (typeof value === 'string') {
        return rename(value);
    }
    if (Array.isArray(value)) {
        const mapped = value.map((v) => mapMembers(v, rename));
        // choices<L>: a merge may name a member twice.
        return mapped.every((v) => typeof v === 'string') ? [...new Set(mapped as string[])] : mapped;
    }
    if (typeof value === 'object' && value !== null && typeof value.label === 'string') {
        return { ...value, label: rename(value.label) };
    }
    return value;
}

function membersIn(value: JsonValue): string[] {
    const found: string[] = [];
    mapMembers(value, (member) => {
        found.push(member);
        return member;
    });
    return found;
}

type Fate = { action: 'keep' } | { action: 'map'; value: JsonValue } | { action: 'reask'; choices: string[] } | { action: 'invalidate' };

/** What happens to one label under a task's member migrations. */
function fateOf(label: Label, byOld: Map<string, MemberMigration>): Fate {
    const fates = membersIn(label.value).flatMap((member) => byOld.get(member) ?? []);
    if (fates.some((m) => m.action === 'invalidate')) {
        return { action: 'invalidate' };
    }
    const split = fates.filter((m) => m.action === 'reask');
    if (split.length > 0) {
        return { action: 'reask', choices: [...new Set(split.flatMap((m) => m.new))] };
    }
    if (fates.some((m) => m.action === 'map')) {
        return {
            action: 'map',
            value: mapMembers(label.value, (member) => (byOld.get(member)?.action === 'map' ? byOld.get(member)!.new[0] : member)),
        };
    }
    return { action: 'keep' };
}

async function applyTask(store: Store, migration: Migration, task: TaskMigration): Promise<TaskApplied> {
    const counts: TaskApplied = { task: task.task, kept: 0, mapped: 0, reasked: 0, invalidated: 0, review: 0 };
    // Labels given under the new version (its plan hash: a run or the editor since) already speak its language.
    const current = (await store.labels({ task: task.task })).filter((l) => l.programVersion !== migration.to.hash);
    const stage = `${task.task}@${migration.to.version}`;
    const run = migrationRun(migration.program);
    const replacements: NewLabel[] = [];
    const retired: string[] = [];
    const queue: StageState[] = [];
    const byOld = new Map(task.members.filter((m) => m.old !== null).map((m) => [m.old!, m]));
    const renames = new Map<string, JsonValue>();
    /** The labels that stay current, as they are after the migration. */
    const survivors: Array<Pick<Label, 'id' | 'item' | 'value'>> = [];
    for (const label of current) {
        const fate: Fate =
            task.action === 'invalidate' ? { action: 'invalidate' } : task.action === 'keep' ? { action: 'keep' } : fateOf(label, byOld);
        if (fate.action === 'keep') {
            counts.kept++;
            survivors.push(label);
        } else if (fate.action === 'map') {
            counts.mapped++;
            const replacement = mappedLabel(label, fate.value, migration);
            replacements.push(replacement);
            survivors.push({ id: replacement.id!, item: label.item, value: fate.value });
            renames.set(JSON.stringify(label.value), fate.value);
        } else {
            retired.push(label.id);
            if (fate.action === 'invalidate') {
                counts.invalidated++;
            } else {
                counts.reasked++;
                const detail = { among: fate.choices, was: label.value, label: label.id };
                queue.push({ run, stage, item: label.item, status: REASK, detail });
            }
        }
    }
    const reviews = reviewQueue(task, survivors, run, stage);
    counts.review = reviews.length;
    // One push per item: a spread of every labeled item overflows the call stack on large stores.
    for (const entry of reviews) {
        queue.push(entry);
    }
    await store.addLabels(replacements);
    await store.retireLabels(retired, `${run}@${migration.to.version}`);
    if (queue.length > 0) {
        await store.setStageStates(queue);
    }
    await mapAggregates(store, task.task, renames);
    return counts;
}

/** A renamed or merged member's label under its new name, superseding the old one. */
function mappedLabel(label: Label, value: JsonValue, migration: Migration): NewLabel {
    const { id, supersededBy: _none, ...rest } = label;
    return { ...rest, id: `${id}~v${migration.to.version}`, value, programVersion: migration.to.hash, supersedes: id };
}

/**
 * An added member queues every labeled item (its last current label) for review: the person
 * sees that label and chooses among its member and the added ones (any member, for shapes and
 * lists). Their answer supersedes the label.
 */
function reviewQueue(task: TaskMigration, survivors: ReadonlyArray<Pick<Label, 'id' | 'item' | 'value'>>, run: string, stage: string) {
    const added = task.members.filter((m) => m.old === null && m.action === 'review').flatMap((m) => m.new);
    if (added.length === 0 || task.action !== 'migrate') {
        return [];
    }
    const members = [...new Set(task.members.flatMap((m) => m.new))];
    const last = new Map(survivors.map((label) => [label.item, label]));
    return [...last.values()].map(
        (label): StageState => ({
            run,
            stage,
            item: label.item,
            status: REVIEW,
            detail: {
                added,
                among: typeof label.value === 'string' ? [...new Set([label.value, ...added])] : members,
                was: label.value,
                label: label.id,
            },
        }),
    );
}

/** Final answers follow renamed members (the items re-asked are decided again when answered). */
async function mapAggregates(store: Store, task: string, renames: Map<string, JsonValue>): Promise<void> {
    if (renames.size === 0) {
        return;
    }
    const updated = (await store.aggregates(task)).flatMap((a) => {
        const value = renames.get(JSON.stringify(a.value));
        return value === undefined ? [] : [{ ...a, value, updatedAt: undefined }];
    });
    if (updated.length > 0) {
        await store.setAggregates(updated);
    }
}

/** Applies `migration` to the store's labels unless it was applied before (then only reports it). */
export async function applyMigration(store: Store, migration: Migration): Promise<AppliedMigration> {
    const run = migrationRun(migration.program);
    // Between two contents of one version (changed without raising `version`) the contents tell migrations apart.
    const sameVersion = migration.from.version === migration.to.version;
    const key = sameVersion
        ? `${migration.from.version}@${migration.from.hash}->${migration.to.version}@${migration.to.hash}`
        : `${migration.from.version}->${migration.to.version}`;
    const earlier = (await store.stageStates({ run, stage: APPLIED })).find((s) => s.item === key);
    if (earlier) {
        const detail = earlier.detail as unknown as { tasks: TaskApplied[] };
        return {
            from: migration.from.version,
            to: migration.to.version,
            alreadyApplied: true,
            appliedAt: earlier.updatedAt ?? '',
            tasks: detail.tasks,
        };
    }
    const tasks: TaskApplied[] = [];
    for (const task of migration.tasks) {
        tasks.push(await applyTask(store, migration, task));
    }
    const appliedAt = new Date().toISOString();
    await store.setStageStates([
        {
            run,
            stage: APPLIED,
            item: key,
            status: APPLIED,
            detail: { tasks, fromHash: migration.from.hash, toHash: migration.to.hash } as unknown as JsonValue,
            updatedAt: appliedAt,
        },
    ]);
    return { from: migration.from.version, to: migration.to.version, alreadyApplied: false, appliedAt, tasks };
}
