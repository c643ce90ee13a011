/**
 * Plan diff → Migration (language.md §10). Works on two plans, so it needs no AST: the previous
 * version can come from the label store. A task is matched by name; a label set member's fate is
 * read from the new version's `from` clauses (a member without `from` continues the old member of
 * the same name).
 */
import type { LabelingPlan, PlanLabelType, PlanTask } from '../../../engine/src/plan/types.js';
import type { MemberMigration, Migration, MigrationProblem, TaskMigration } from '../../../engine/src/plan/migration.js';
import { labelSetName } from './label-types.js';

export function diffPlans(previous: LabelingPlan, next: LabelingPlan): Migration {
    const problems: MigrationProblem[] = [];
    const oldTasks = new Map(previous.tasks.map((t) => [t.name, t]));
    const newNames = new Set(next.tasks.map((t) => t.name));
    const tasks: TaskMigration[] = next.tasks.map((task) => {
        const old = oldTasks.get(task.name);
        return old
            ? migrateTask(old, task, next, problems)
            : { task: task.name, action: 'keep', reason: 'new task: no labels yet', members: [] };
    });
    for (const old of previous.tasks) {
        if (!newNames.has(old.name)) {
            tasks.push({ task: old.name, action: 'invalidate', reason: 'task removed', members: invalidateAll(old.classes) });
        }
    }
    return {
        program: next.program,
        from: { version: previous.version, hash: previous.hash },
        to: { version: next.version, hash: next.hash },
        tasks,
        problems,
    };
}

function migrateTask(old: PlanTask, task: PlanTask, next: LabelingPlan, problems: MigrationProblem[]): TaskMigration {
    const invalidate = (reason: string): TaskMigration => ({
        task: task.name,
        action: 'invalidate',
        reason,
        members: invalidateAll(old.classes),
    });
    const inputChange = incompatibleInput(old, task);
    if (inputChange) {
        return invalidate(inputChange);
    }
    if (!compatibleOutput(old.output, task.output)) {
        return invalidate(`output type changed from ${old.output.text} to ${task.output.text}`);
    }
    const setName = labelSetName(task.output);
    const members = setName
        ? migrateMembers(old.classes, next.labelSets.find((l) => l.name === setName)?.members ?? [], task.name, setName, problems)
        : [];
    if (old.contractHash === task.contractHash && members.every((m) => m.action === 'keep')) {
        return { task: task.name, action: 'keep', reason: 'unchanged', members };
    }
    const reasons: string[] = [];
    if (members.some((m) => m.action !== 'keep')) {
        reasons.push('label set members changed');
    }
    if (old.question !== task.question) {
        reasons.push('question changed');
    }
    if (old.output.text !== task.output.text) {
        reasons.push(`output type renamed from ${old.output.text} to ${task.output.text}`);
    }
    if (reasons.length === 0) {
        reasons.push('contract changed');
    }
    return { task: task.name, action: 'migrate', reason: reasons.join('; '), members };
}

/**
 * Old members in their order, each with where its labels go; then added members. A member of the
 * new version takes the old members its `from` names, or, without `from`, the old member of its name.
 */
function migrateMembers(
    oldMembers: readonly string[],
    newMembers: ReadonlyArray<{ name: string; from: readonly string[] }>,
    task: string,
    labelSet: string,
    problems: MigrationProblem[],
): MemberMigration[] {
    const oldSet = new Set(oldMembers);
    const sourcesOf = (m: { name: string; from: readonly string[] }) => (m.from.length > 0 ? m.from : oldSet.has(m.name) ? [m.name] : []);
    const targets = new Map<string, string[]>(oldMembers.map((m) => [m, []]));
    const added: MemberMigration[] = [];
    for (const member of newMembers) {
        const sources = sourcesOf(member);
        const known = sources.filter((s) => oldSet.has(s));
        for (const unknown of sources.filter((s) => !oldSet.has(s))) {
            problems.push({
                code: 'migration/unknown-from',
                task,
                labelSet,
                member: member.name,
                message:
                    `${labelSet}.${member.name} comes from '${unknown}', which the previous version of ${labelSet} did not ` +
                    `have (it had ${oldMembers.join(', ') || 'no members'}).`,
            });
        }
        if (known.length === 0) {
            added.push({ old: null, new: [member.name], action: 'review' });
        }
        for (const source of known) {
            targets.get(source)!.push(member.name);
        }
    }
    const migrated = oldMembers.map((old): MemberMigration => {
        const to = targets.get(old)!;
        if (to.length === 0) {
            return { old, new: [], action: 'invalidate' };
        }
        if (to.length > 1) {
            return { old, new: to, action: 'reask' };
        }
        const [target] = to;
        if (target === old) {
            return { old, new: to, action: 'keep' };
        }
        return { old, new: to, action: 'map' };
    });
    return [...migrated, ...added];
}

function invalidateAll(classes: readonly string[]): MemberMigration[] {
    return classes.map((old) => ({ old, new: [], action: 'invalidate' }));
}

/** Why the input changed incompatibly, or null: labels of an item mean nothing for another kind of item. */
function incompatibleInput(old: PlanTask, task: PlanTask): string | null {
    const describe = (t: PlanTask) => t.input.map((p) => p.type.text).join(', ');
    if (describe(old) !== describe(task)) {
        return `input changed from (${describe(old)}) to (${describe(task)})`;
    }
    return null;
}

/** Same shape of label, whatever the label set is called (members are compared separately). */
function compatibleOutput(old: PlanLabelType, next: PlanLabelType): boolean {
    if (old.kind !== next.kind) {
        return false;
    }
    if (old.kind === 'list' && next.kind === 'list') {
        return compatibleOutput(old.element, next.element);
    }
    if (old.kind === 'number' && next.kind === 'number') {
        // A widened (or equal) range keeps every old answer valid; a narrowed one does not.
        const within = (value: number | null, bound: number | null, lower: boolean) =>
            bound === null || (value !== null && (lower ? value >= bound : value <= bound));
        return within(old.min, next.min, true) && within(old.max, next.max, false);
    }
    return true;
}
