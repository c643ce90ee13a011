/**
 * Migrations between two versions of a program (language.md §10): for every task, what happens to
 * its existing labels, and for every label set member, where its labels go. Nothing is deleted:
 * superseded labels stay in the store with the version that made them.
 */

/**
 * What happens to a task's labels: `keep` (the contract is unchanged, or the task is new and has no
 * labels yet), `migrate` (labels carried over member by member, see {@link MemberAction}),
 * `invalidate` (the output type or input changed incompatibly, or the task was removed).
 */
export type TaskAction = 'keep' | 'migrate' | 'invalidate';

/**
 * What happens to the labels of one member: `keep` (same member), `map` (rename or merge: carried
 * over with no new labels), `reask` (split: re-asked only among `new`), `review` (a member was
 * added: the items the current model scores highest for it are queued for review), `invalidate`
 * (removed with no `from`, or the whole task is invalidated).
 */
export type MemberAction = 'keep' | 'map' | 'reask' | 'review' | 'invalidate';

export interface MemberMigration {
    /** The previous version's member, or null for an added member. */
    old: string | null;
    /** The new version's members the old one's labels go to (empty when they go nowhere). */
    new: string[];
    action: MemberAction;
}

export interface TaskMigration {
    task: string;
    action: TaskAction;
    /** Why, in words (e.g. `output type changed from choice<A> to box<A>`). */
    reason: string;
    /** Old members in the old declaration order, then added members in the new order; empty for outputs without members. */
    members: MemberMigration[];
}

export interface MigrationProblem {
    /** e.g. `migration/unknown-from`: a `from` naming a member the previous version did not have. */
    code: string;
    task: string | null;
    labelSet: string | null;
    member: string | null;
    message: string;
}

export interface Migration {
    program: string;
    /** The previous version compared against. */
    from: { version: number; hash: string };
    to: { version: number; hash: string };
    /** Tasks of the new version in its order, then removed tasks in the old order. */
    tasks: TaskMigration[];
    problems: MigrationProblem[];
}

/** The `dprog diff --json` document: exactly the architecture contract's keys. */
export interface MigrationJson {
    tasks: Array<{ task: string; action: TaskAction; members: Array<{ old: string | null; new: string[]; action: MemberAction }> }>;
}

/** Projects a migration onto the CLI contract's keys. */
export function migrationToJson(migration: Migration): MigrationJson {
    return {
        tasks: migration.tasks.map((t) => ({
            task: t.task,
            action: t.action,
            members: t.members.map((m) => ({ old: m.old, new: [...m.new], action: m.action })),
        })),
    };
}
