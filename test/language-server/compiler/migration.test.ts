/**
 * Every case of language.md §10 as a row: two versions of a program, and what must happen to each
 * task and label set member.
 */
import { describe, expect, test } from 'vitest';
import { migrationToJson } from '../../../engine/src/plan/migration.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { compileText } from './compile-helpers.js';

/** A program with one task over `labels`; the parts each case changes are parameters. */
function program(
    version: number,
    labels: string,
    options: { output?: string; input?: string; question?: string; extra?: string } = {},
): string {
    return `
program Vehicles version ${version}
dataset frames from images "data/frames/*.png"
dataset shots from images "data/shots/*.png"
${labels}
labeler crowd: human { pool 5, cost $0.01 per item, accuracy 80% }
task kind(f: ${options.input ?? 'frames'}) -> ${options.output ?? 'choice<Vehicle>'} {
    ask "${options.question ?? 'What is this vehicle?'}"
    route cascade crowd
}
${options.extra ?? ''}
`;
}

const base = 'labels Vehicle { car, truck, bus, bicycle, scooter }';

type Row = {
    case: string;
    old: string;
    next: string;
    action: 'keep' | 'migrate' | 'invalidate';
    members: Array<{ old: string | null; new: string[]; action: string }>;
    problems?: string[];
    problemMessages?: string[];
    /** The task's reason, where the row checks it. */
    reason?: string;
};

const keepAll = (names: string[]) => names.map((n) => ({ old: n, new: [n], action: 'keep' }));

const rows: Row[] = [
    {
        case: 'unchanged program: everything kept',
        old: program(1, base),
        next: program(2, base),
        action: 'keep',
        reason: 'unchanged',
        members: keepAll(['car', 'truck', 'bus', 'bicycle', 'scooter']),
    },
    {
        case: 'rename (junk from spam): mapped, no new labels',
        old: program(1, 'labels Vehicle { spam, ham }'),
        next: program(2, 'labels Vehicle { junk from spam, ham }'),
        action: 'migrate',
        reason: 'label set members changed',
        members: [
            { old: 'spam', new: ['junk'], action: 'map' },
            { old: 'ham', new: ['ham'], action: 'keep' },
        ],
    },
    {
        case: 'split (pickup, semi from truck): truck items re-asked among pickup and semi only',
        old: program(1, base),
        next: program(2, 'labels Vehicle { car, pickup from truck, semi from truck, bus, bicycle, scooter }'),
        action: 'migrate',
        members: [
            { old: 'car', new: ['car'], action: 'keep' },
            { old: 'truck', new: ['pickup', 'semi'], action: 'reask' },
            ...keepAll(['bus', 'bicycle', 'scooter']),
        ],
    },
    {
        case: 'merge (cycle from [bicycle, scooter]): mapped, no new labels',
        old: program(1, base),
        next: program(2, 'labels Vehicle { car, truck, bus, cycle from [bicycle, scooter] }'),
        action: 'migrate',
        members: [
            ...keepAll(['car', 'truck', 'bus']),
            { old: 'bicycle', new: ['cycle'], action: 'map' },
            { old: 'scooter', new: ['cycle'], action: 'map' },
        ],
    },
    {
        case: 'addition (van): queued for review',
        old: program(1, base),
        next: program(2, 'labels Vehicle { car, truck, bus, bicycle, scooter, van }'),
        action: 'migrate',
        members: [...keepAll(['car', 'truck', 'bus', 'bicycle', 'scooter']), { old: null, new: ['van'], action: 'review' }],
    },
    {
        case: 'removal without from (scooter): invalidated',
        old: program(1, base),
        next: program(2, 'labels Vehicle { car, truck, bus, bicycle }'),
        action: 'migrate',
        members: [...keepAll(['car', 'truck', 'bus', 'bicycle']), { old: 'scooter', new: [], action: 'invalidate' }],
    },
    {
        case: 'rename, split, merge, addition and removal at once',
        old: program(1, base),
        next: program(2, 'labels Vehicle { automobile from car, pickup from truck, semi from truck, cycle from [bicycle, scooter], tram }'),
        action: 'migrate',
        members: [
            { old: 'car', new: ['automobile'], action: 'map' },
            { old: 'truck', new: ['pickup', 'semi'], action: 'reask' },
            { old: 'bus', new: [], action: 'invalidate' },
            { old: 'bicycle', new: ['cycle'], action: 'map' },
            { old: 'scooter', new: ['cycle'], action: 'map' },
            { old: null, new: ['tram'], action: 'review' },
        ],
    },
    {
        case: 'changed task type (choice → box): invalidated',
        old: program(1, base),
        next: program(2, base, { output: 'list<box<Vehicle>>' }),
        action: 'invalidate',
        members: ['car', 'truck', 'bus', 'bicycle', 'scooter'].map((n) => ({ old: n, new: [], action: 'invalidate' })),
    },
    {
        case: 'changed task type (choice → choices): invalidated',
        old: program(1, base),
        next: program(2, base, { output: 'choices<Vehicle>' }),
        action: 'invalidate',
        members: ['car', 'truck', 'bus', 'bicycle', 'scooter'].map((n) => ({ old: n, new: [], action: 'invalidate' })),
    },
    {
        case: 'input changed incompatibly (frames → shots): invalidated',
        old: program(1, base),
        next: program(2, base, { input: 'shots' }),
        action: 'invalidate',
        reason: 'input changed from (frames) to (shots)',
        members: ['car', 'truck', 'bus', 'bicycle', 'scooter'].map((n) => ({ old: n, new: [], action: 'invalidate' })),
    },
    {
        case: 'question reworded: migrated, every member kept',
        old: program(1, base),
        next: program(2, base, { question: 'Which kind of vehicle is shown?' }),
        action: 'migrate',
        reason: 'question changed',
        members: keepAll(['car', 'truck', 'bus', 'bicycle', 'scooter']),
    },
    {
        case: 'label set renamed with the same members: migrated, every member kept',
        old: program(1, base),
        next: program(2, 'labels Transport { car, truck, bus, bicycle, scooter }', { output: 'choice<Transport>' }),
        action: 'migrate',
        reason: 'output type renamed from choice<Vehicle> to choice<Transport>',
        members: keepAll(['car', 'truck', 'bus', 'bicycle', 'scooter']),
    },
    {
        case: 'number range narrowed: invalidated',
        old: program(1, base, { output: 'number in [0, 10]' }),
        next: program(2, base, { output: 'number in [0, 5]' }),
        action: 'invalidate',
        members: [],
        reason: 'output type changed from number in [0, 10] to number in [0, 5]',
    },
    {
        case: 'number range unchanged: kept',
        old: program(1, base, { output: 'number in [0, 10]' }),
        next: program(2, base, { output: 'number in [0, 10]' }),
        action: 'keep',
        members: [],
        reason: 'unchanged',
    },
    {
        case: 'number range unchanged, question reworded: migrated, not invalidated',
        old: program(1, base, { output: 'number in [0, 10]' }),
        next: program(2, base, { output: 'number in [0, 10]', question: 'How many vehicles?' }),
        action: 'migrate',
        members: [],
        reason: 'question changed',
    },
    {
        case: 'number range widened at both ends: migrated',
        old: program(1, base, { output: 'number in [0, 10]' }),
        next: program(2, base, { output: 'number in [-5, 20]' }),
        action: 'migrate',
        members: [],
        reason: 'output type renamed from number in [0, 10] to number in [-5, 20]',
    },
    {
        case: 'number range lifted: migrated',
        old: program(1, base, { output: 'number in [0, 10]' }),
        next: program(2, base, { output: 'number' }),
        action: 'migrate',
        members: [],
    },
    {
        case: 'number range imposed on an open number: invalidated',
        old: program(1, base, { output: 'number' }),
        next: program(2, base, { output: 'number in [0, 10]' }),
        action: 'invalidate',
        members: [],
    },
    {
        case: 'number range raised at the low end only: invalidated',
        old: program(1, base, { output: 'number in [0, 10]' }),
        next: program(2, base, { output: 'number in [2, 10]' }),
        action: 'invalidate',
        members: [],
    },
    {
        case: 'list of numbers narrowed: invalidated',
        old: program(1, base, { output: 'list<number in [0, 10]>' }),
        next: program(2, base, { output: 'list<number in [0, 5]>' }),
        action: 'invalidate',
        members: [],
    },
    {
        case: 'list of numbers unchanged: kept',
        old: program(1, base, { output: 'list<number in [0, 10]>' }),
        next: program(2, base, { output: 'list<number in [0, 10]>' }),
        action: 'keep',
        members: [],
    },
    {
        case: 'choice → bool: invalidated',
        old: program(1, base),
        next: program(2, base, { output: 'bool' }),
        action: 'invalidate',
        members: ['car', 'truck', 'bus', 'bicycle', 'scooter'].map((n) => ({ old: n, new: [], action: 'invalidate' })),
        reason: 'output type changed from choice<Vehicle> to bool',
    },
    {
        case: 'from naming a member the previous version did not have: an error',
        old: program(1, 'labels Vehicle { car, truck, bus, bicycle }'),
        next: program(2, 'labels Vehicle { car, truck, bus, cycle from [bicycle, scooter] }'),
        action: 'migrate',
        members: [...keepAll(['car', 'truck', 'bus']), { old: 'bicycle', new: ['cycle'], action: 'map' }],
        problems: ['migration/unknown-from'],
        problemMessages: [
            "Vehicle.cycle comes from 'scooter', which the previous version of Vehicle did not have (it had car, truck, bus, bicycle).",
        ],
    },
];

describe('migrations (language.md §10)', () => {
    test.each(rows)('$case', async (row) => {
        const migration = diffPlans(await compileText(row.old, { allowErrors: true }), await compileText(row.next, { allowErrors: true }));
        const task = migration.tasks.find((t) => t.task === 'kind')!;
        expect({ action: task.action, members: task.members }).toEqual({ action: row.action, members: row.members });
        if (row.problemMessages) {
            expect(migration.problems.map((p) => p.message)).toEqual(row.problemMessages);
            expect(migration.problems[0]).toMatchObject({ task: 'kind', labelSet: 'Vehicle', member: 'cycle' });
        }
        if (row.reason !== undefined) {
            expect(task.reason).toBe(row.reason);
        }
        expect(migration.problems.map((p) => p.code)).toEqual(row.problems ?? []);
    });

    test('a removed task is invalidated and an added task starts with nothing to migrate', async () => {
        const withExtra = program(1, base, { extra: 'task old_one(f: frames) -> bool { route cascade crowd }' });
        const withOther = program(2, base, { extra: 'task new_one(f: frames) -> bool { route cascade crowd }' });
        const json = migrationToJson(
            diffPlans(await compileText(withExtra, { allowErrors: true }), await compileText(withOther, { allowErrors: true })),
        );
        expect(json.tasks.map((t) => [t.task, t.action])).toEqual([
            ['kind', 'keep'],
            ['new_one', 'keep'],
            ['old_one', 'invalidate'],
        ]);
        expect(json.tasks[1].members).toEqual([]);
        const tasks = diffPlans(
            await compileText(withExtra, { allowErrors: true }),
            await compileText(withOther, { allowErrors: true }),
        ).tasks;
        expect(tasks.map((t) => t.reason)).toEqual(['unchanged', 'new task: no labels yet', 'task removed']);
        expect(tasks[2].members).toHaveLength(2);
        expect(tasks[2].members.every((m) => m.action === 'invalidate' && m.new.length === 0)).toBe(true);
    });

    test('a migration names both versions, and gives every reason a task changed', async () => {
        const migration = diffPlans(
            await compileText(program(1, base), { allowErrors: true }),
            await compileText(program(2, 'labels Vehicle { car, lorry from truck, bus, bicycle, scooter }', { question: 'Which?' }), {
                allowErrors: true,
            }),
        );
        expect(migration.from.version).toBe(1);
        expect(migration.to.version).toBe(2);
        expect(migration.from.hash).toMatch(/\w{8,}/);
        expect(migration.to.hash).not.toBe(migration.from.hash);
        expect(migration.tasks[0].reason).toBe('label set members changed; question changed');
    });

    test('the JSON projection has exactly the contract keys', async () => {
        const json = migrationToJson(
            diffPlans(
                await compileText(program(1, base), { allowErrors: true }),
                await compileText(program(2, 'labels Vehicle { car, lorry from truck, bus, bicycle, scooter }'), { allowErrors: true }),
            ),
        );
        expect(Object.keys(json)).toEqual(['tasks']);
        expect(Object.keys(json.tasks[0]).sort()).toEqual(['action', 'members', 'task']);
        expect(Object.keys(json.tasks[0].members[0]).sort()).toEqual(['action', 'new', 'old']);
        expect(json.tasks[0].members[1]).toEqual({ old: 'truck', new: ['lorry'], action: 'map' });
    });
});
