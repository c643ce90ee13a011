/**
 * One choice task's routing inside a run (TaskRouting), on a task compiled from a real program:
 * which stored answers count and under whose name, whom the policy asks next (live: the pool's
 * next place; replaying: the recorded people), re-asked items restricted to their members, and
 * what `finish` writes (final labels, gold questions' known labels, refit estimates).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgramFile } from '../../../cli/src/compiled-program.js';
import { personMember, replayedLabel, routedByPolicy, TaskRouting, type RoutingStore } from '../../../engine/src/executor/task-routing.js';
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import type { Aggregate, Label, LabelerEstimate, StageState } from '../../../engine/src/store/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'task-routing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROGRAM = `program Routing
dataset items from jsonl "items.jsonl" { key id: String }
labels Verdict { spam, ham, maybe }
labeler crowd: human { pool 2, cost $0.01 per item, accuracy 75% }
labeler lead: human { cost $0.50 per item, accuracy 99% }
rules keywords on items -> choice<Verdict> { any: id matches /./ => spam }
rules other on items -> choice<Verdict> { any: id matches /./ => ham }
task classify(i: items) -> choice<Verdict> {
    route cascade keywords, crowd, lead
    quality { target 90%, at most 6 labels, gold 50% }
}
task flagged(i: items) -> bool { route cascade crowd  quality { target 90% } }
task note(i: items) -> text { route best crowd }
`;

let plan: LabelingPlan;
const taskNamed = (name: string): PlanTask => plan.tasks.find((t) => t.name === name)!;

beforeAll(async () => {
    writeFileSync(path.join(dir, 'items.jsonl'), '{"id":"x"}\n');
    writeFileSync(path.join(dir, 'routing.dprog'), PROGRAM);
    const compiled = await compileProgramFile(path.join(dir, 'routing.dprog'));
    if (!compiled.plan) {
        throw new Error(JSON.stringify(compiled.diagnostics));
    }
    plan = compiled.plan;
});

let n = 0;
/** A stored label; each one later than the one before unless `createdAt` says otherwise. */
function label(item: string, labeler: string, value: string | boolean, more: Partial<Label> = {}): Label {
    n++;
    return {
        id: `l${n}`,
        task: 'classify',
        item,
        labeler,
        labelerKind: 'human',
        value,
        gold: false,
        createdAt: `2026-11-30T10:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(3, '0')}Z`,
        ...more,
    };
}

/** A store in memory that keeps what the routing writes. */
function memoryStore(labels: Label[] = [], estimates: LabelerEstimate[] = [], states: StageState[] = []) {
    const written = { aggregates: [] as Aggregate[], estimates: [] as LabelerEstimate[], calls: 0 };
    const store: RoutingStore = {
        labels: (q) => labels.filter((l) => l.task === q.task),
        labelerEstimates: (task) => estimates.filter((e) => e.task === task),
        setAggregates: async (a) => {
            written.calls++;
            written.aggregates.push(...a);
        },
        setLabelerEstimates: async (e) => {
            written.calls++;
            written.estimates.push(...e);
        },
        stageStates: (q) => states.filter((s) => s.run === q.run),
    };
    return { store, written };
}

/** An item's answers so far as (member, class name). */
const answers = (routing: TaskRouting, item: string) =>
    routing.run.router.answers(item).map(([member, c]) => [member, routing.task.classes[c]]);

describe('which tasks the policy routes', () => {
    it('routes a choice and a yes/no task, not a text task', () => {
        expect(routedByPolicy(taskNamed('classify'))).toBe(true);
        expect(routedByPolicy(taskNamed('flagged'))).toBe(true);
        expect(routedByPolicy(taskNamed('note'))).toBe(false);
        expect(
            routedByPolicy({ ...taskNamed('classify'), quality: { ...taskNamed('classify').quality, aggregate: 'box_consensus' } }),
        ).toBe(false);
        expect(routedByPolicy({ ...taskNamed('classify'), classes: ['spam'] })).toBe(false);
        const several = { ...taskNamed('classify'), output: { kind: 'choices', labelSet: 'Verdict' } } as unknown as PlanTask;
        expect(routedByPolicy(several)).toBe(false);
    });
});

describe('stored answers', () => {
    it('counts each answer once under its member: a named person, the pool by place, a model or rule on the route', () => {
        const routing = new TaskRouting(taskNamed('classify'), {
            labels: [
                label('a', 'crowd', 'spam', { person: 'ann' }),
                label('a', 'crowd', 'ham'),
                label('a', 'crowd', 'ham'),
                label('a', 'crowd', 'spam', { person: '' }),
                label('a', 'keywords', 'spam', { labelerKind: 'rules' }),
                label('a', 'keywords', 'ham', { labelerKind: 'rules' }), // a rule answers an item once
                label('a', 'other', 'ham', { labelerKind: 'rules' }), // off the route
                label('a', 'crowd', 'purple'), // not a class
                label('a', 'bob', 'maybe'), // a person by their own name
                label('a', 'bob', 'spam'), // … answers once
            ],
            estimates: [],
        });
        expect(answers(routing, 'a')).toEqual([
            [personMember('crowd', 'ann'), 'spam'],
            ['crowd', 'ham'],
            ['crowd#2', 'ham'],
            ['crowd#3', 'spam'],
            ['keywords', 'spam'],
            ['bob', 'maybe'],
        ]);
        expect(routing.answeredBy('a')).toBe('crowd+keywords'); // a person by their own name answers as one of the people
        expect(personMember('crowd', 'ann')).toBe('crowd/ann');
    });

    it('takes stored answers oldest first, so the first answer of a labeler is the one that counts', () => {
        const newer = label('b', 'keywords', 'ham', { labelerKind: 'rules', createdAt: '2026-11-30T12:00:00.000Z' });
        const older = label('b', 'keywords', 'spam', { labelerKind: 'rules', createdAt: '2026-11-30T11:00:00.000Z' });
        const same = label('b', 'lead', 'maybe', { createdAt: '2026-11-30T11:00:00.000Z' });
        const routing = new TaskRouting(taskNamed('classify'), { labels: [newer, same, older], estimates: [] });
        expect(answers(routing, 'b')).toContainEqual(['keywords', 'spam']);
        expect(answers(routing, 'b')).not.toContainEqual(['keywords', 'ham']);
        expect(answers(routing, 'b').map(([m]) => m)).toEqual(['lead', 'keywords']);
    });

    it('counts an answer given under a renamed member under its new name; a split or dropped member is not a class', () => {
        const migration = {
            task: 'classify',
            action: 'migrate',
            members: [
                { old: 'junk', new: ['spam'], action: 'keep' },
                { old: 'unsure', new: ['maybe'], action: 'map' },
                { old: 'mixed', new: ['spam', 'ham'], action: 'split' },
                { old: 'gone', new: ['ham'], action: 'drop' },
            ],
        } as unknown as ConstructorParameters<typeof TaskRouting>[3];
        const stored = {
            labels: [label('c', 'crowd', 'junk'), label('c', 'lead', 'unsure'), label('d', 'crowd', 'mixed'), label('d', 'lead', 'gone')],
            estimates: [],
        };
        const routing = new TaskRouting(taskNamed('classify'), stored, undefined, migration);
        expect(answers(routing, 'c')).toEqual([
            ['crowd', 'spam'],
            ['lead', 'maybe'],
        ]);
        expect(answers(routing, 'd')).toEqual([]);
        const unmigrated = new TaskRouting(taskNamed('classify'), stored, undefined, {
            ...migration!,
            action: 'keep',
        } as unknown as ConstructorParameters<typeof TaskRouting>[3]);
        expect(answers(unmigrated, 'c')).toEqual([]);
    });

    it("restores the labelers' estimates, except those over another label set", () => {
        const confusion = (classes: string[]) =>
            Object.fromEntries(classes.map((c) => [c, Object.fromEntries(classes.map((g) => [g, c === g ? 0.9 : 0.1 / 2]))]));
        const routing = new TaskRouting(taskNamed('classify'), {
            labels: [],
            estimates: [
                { labeler: 'lead', task: 'classify', accuracy: 0.2, n: 50 },
                { labeler: 'crowd', task: 'classify', accuracy: 0.9, n: 50, confusion: confusion(['spam', 'ham', 'maybe']) },
                { labeler: 'keywords', task: 'classify', accuracy: 0.3, n: 50, confusion: confusion(['spam', 'ham']) },
            ],
        });
        const restored = new Map(routing.run.router.estimates.toRecords().map((r) => [r.labeler, r]));
        expect(restored.get('lead')?.n).toBe(50);
        expect(restored.get('crowd')?.n).toBe(50);
        expect(restored.get('keywords')?.n ?? 0).not.toBe(50);
    });
});

describe('routing an item', () => {
    it("live: the rule answers, then the pool's next place is waited for; the answers to store are the rule's", () => {
        const routing = new TaskRouting(taskNamed('classify'), { labels: [], estimates: [] });
        const outcome = routing.route('e', new Map([['keywords', 'spam']]));
        expect(outcome.status).toBe('waiting');
        expect(outcome.waitingFor?.member).toBe('crowd');
        expect(outcome.newLabels.map((l) => [l.member, l.value])).toEqual([['keywords', 'spam']]);
        expect(routing.aggregateOf('e')).toMatchObject({ task: 'classify', item: 'e', value: 'spam', answers: 1, method: 'dawid_skene' });
    });

    it('live: once the pool has given all its answers and nobody is left on the route, the item is exhausted', () => {
        const flagged = taskNamed('flagged');
        const answers = [label('p', 'crowd', 'true'), label('p', 'crowd', 'false')].map((l) => ({ ...l, task: 'flagged' }));
        const routing = new TaskRouting(flagged, { labels: answers, estimates: [] });
        const outcome = routing.route('p', new Map());
        expect(outcome.status).toBe('exhausted');
        expect(outcome.waitingFor).toBeUndefined();
    });

    it("live: after the pool's answers the next labeler on the route is waited for; nobody answered means no aggregate", () => {
        const crowd = [label('f', 'crowd', 'spam'), label('f', 'crowd', 'ham')];
        const routing = new TaskRouting(taskNamed('classify'), { labels: crowd, estimates: [] });
        expect(routing.aggregateOf('nobody')).toBeUndefined();
        const flagged = taskNamed('flagged');
        const once = new TaskRouting(flagged, { labels: [{ ...label('f', 'crowd', 'true'), task: 'flagged' }], estimates: [] });
        expect(once.route('f', new Map()).waitingFor?.member).toBe('crowd#2');
        const named = new TaskRouting(flagged, {
            labels: [{ ...label('f', 'crowd', 'true', { person: 'ann' }), task: 'flagged' }],
            estimates: [],
        });
        expect(named.route('f', new Map()).waitingFor?.member).toBe('crowd');
        const fresh = new TaskRouting(flagged, { labels: [], estimates: [] });
        expect(fresh.route('f', new Map()).waitingFor?.member).toBe('crowd');
        const outcome = routing.route('f', new Map());
        expect(outcome.status).toBe('waiting');
        expect(outcome.waitingFor?.member).toBe('lead');
        expect(outcome.newLabels).toEqual([]);
    });

    it('replaying: the recorded people (by any name) and the rules answer until the target; gold questions keep their known label', () => {
        const replay = {
            answers: new Map([
                ['g', new Map([['ann', 'ham']])],
                ['h', new Map<string, string>()],
            ]),
            truth: new Map([['g', 'ham']]),
        };
        const routing = new TaskRouting(taskNamed('classify'), { labels: [], estimates: [] }, replay);
        const g = routing.route('g', new Map([['keywords', 'spam']]));
        expect(g.newLabels.map((l) => [l.member, l.value, l.labeler.kind]).sort()).toEqual([
            ['ann', 'ham', 'human'],
            ['keywords', 'spam', 'rules'],
        ]);
        expect(routing.route('h', new Map()).status).not.toBe('waiting');
        expect(routing.aggregateOf('h')).toBeUndefined();
    });

    it('asks a person at the editor only while the item needs them, and says how much it still needs', () => {
        const routing = new TaskRouting(taskNamed('classify'), { labels: [label('i', 'crowd', 'spam', { person: 'ann' })], estimates: [] });
        expect(routing.needFromPerson('i', 'crowd/ann')).toBeNull();
        const need = routing.needFromPerson('i', 'crowd/bob');
        expect(need).toBeCloseTo(1 - routing.aggregateOf('i')!.confidence, 12);
        expect(need).toBeGreaterThan(0);
        expect(routing.needFromPerson('fresh', 'crowd/bob')).toBe(1);
    });

    it('gives a yes/no answer as true or false', () => {
        const flagged = taskNamed('flagged');
        const routing = new TaskRouting(flagged, { labels: [{ ...label('j', 'crowd', 'true'), task: 'flagged' }], estimates: [] });
        expect(routing.valueOf('true')).toBe(true);
        expect(routing.valueOf('false')).toBe(false);
        expect(routing.aggregateOf('j')?.value).toBe(true);
        expect(taskNamed('classify') && new TaskRouting(taskNamed('classify'), { labels: [], estimates: [] }).valueOf('true')).toBe('true');
    });

    it('stores a replayed answer under a deterministic id', () => {
        expect(replayedLabel(taskNamed('classify'), 'k', 'lead', 'ham', 'v1')).toEqual({
            id: 'classify/k/replay/lead',
            task: 'classify',
            item: 'k',
            labeler: 'lead',
            labelerKind: 'human',
            value: 'ham',
            programVersion: 'v1',
        });
    });
});

describe('re-asked items (a split member)', () => {
    const reaskState = (item: string, among: string[]): StageState => ({
        run: 'migration:Routing',
        stage: 'classify@2',
        item,
        status: 'reask',
        detail: { among, was: 'junk', label: `old-${item}` },
    });

    it('are asked among their members only; an answer outside them is no answer, and the decision closes the entry', async () => {
        const labels = [label('r', 'crowd', 'maybe'), label('r', 'lead', 'ham'), label('s', 'crowd', 'maybe')];
        const { store } = memoryStore(labels, [], [reaskState('r', ['spam', 'ham']), reaskState('s', ['spam', 'ham'])]);
        const routing = await TaskRouting.fromStore(taskNamed('classify'), store, undefined, undefined, 'Routing');
        expect(routing.restrictedTo('r')).toEqual(['spam', 'ham']);
        expect(routing.restrictedTo('other')).toBeUndefined();
        expect(answers(routing, 'r')).toEqual([['lead', 'ham']]);
        const outcome = routing.route('r', new Map([['keywords', 'maybe']]));
        expect(outcome.newLabels).toEqual([]);
        expect(routing.reaskClosed('r')).toMatchObject({ status: 'reasked', item: 'r', stage: 'classify@2', detail: { value: 'ham' } });
        expect(routing.reaskClosed('s')).toBeUndefined(); // nobody answered among the members yet
        expect(routing.reaskClosed('other')).toBeUndefined();
        // Replaying (no gold): a recorded answer outside the members is no answer; the others count.
        const replay = {
            answers: new Map([
                [
                    's',
                    new Map([
                        ['ann', 'maybe'],
                        ['bob', 'ham'],
                    ]),
                ],
            ]),
        };
        const replayed = await TaskRouting.fromStore(taskNamed('classify'), store, replay, undefined, 'Routing');
        const s = replayed.route('s', new Map());
        expect(s.newLabels.map((l) => [l.member, l.value])).toEqual([['bob', 'ham']]);
        const plain = await TaskRouting.fromStore(taskNamed('classify'), store);
        expect(plain.restrictedTo('r')).toBeUndefined();
    });
});

describe('finish', () => {
    it("writes every routed item's final label by the declared method, the gold questions' known labels, and the estimates", async () => {
        const labels = [label('m', 'crowd', 'spam'), label('m', 'crowd', 'spam'), label('m', 'lead', 'ham')];
        const { store, written } = memoryStore(labels);
        const replay = { answers: new Map([['g2', new Map([['lead', 'ham']])]]), truth: new Map([['g2', 'ham']]) };
        const routing = await TaskRouting.fromStore(taskNamed('classify'), store, replay);
        routing.route('m', new Map());
        routing.route('g2', new Map());
        const report = await routing.finish(store);
        const byItem = new Map(written.aggregates.filter((a) => a.method !== 'gold').map((a) => [a.item, a]));
        expect(byItem.get('m')).toMatchObject({ task: 'classify', method: 'dawid_skene', answers: 3 });
        expect(report.labels.find((l) => l.item === 'm')?.label).toBe(byItem.get('m')?.value);
        expect(written.aggregates.filter((a) => a.method === 'gold')).toEqual([
            { task: 'classify', item: 'g2', value: 'ham', confidence: 1, method: 'gold', answers: 1 },
        ]);
        expect(new Set(written.estimates.map((e) => e.task))).toEqual(new Set(['classify']));
        expect(written.estimates.map((e) => e.labeler)).toContain('lead');
    });

    it('writes nothing when nothing was answered', async () => {
        const { store, written } = memoryStore();
        const routing = await TaskRouting.fromStore(taskNamed('classify'), store);
        await routing.finish(store);
        expect(written.calls).toBe(0);
    });

    it("decides a re-asked item among its members, even when the method's label over every class is outside them", async () => {
        const labels = [label('t', 'crowd', 'maybe'), label('t', 'crowd', 'maybe'), label('t', 'lead', 'ham')];
        const states: StageState[] = [
            { run: 'migration:Routing', stage: 'classify@2', item: 't', status: 'reask', detail: { among: ['spam', 'ham'], label: 'x' } },
        ];
        const { store, written } = memoryStore(labels, [], states);
        const routing = await TaskRouting.fromStore(taskNamed('classify'), store, undefined, undefined, 'Routing');
        routing.route('t', new Map());
        await routing.finish(store);
        expect(written.aggregates.find((a) => a.item === 't')?.value).toBe('ham');
    });
});
