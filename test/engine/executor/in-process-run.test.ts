/**
 * The plan executor run in this process (so it counts for coverage), on real programs compiled by
 * the language server and a real sql.js label store: one flow per expression kind (field access,
 * `if`/`else`, `for … in`, `where`, crops, nested loops), and the write order — labels, then final
 * answers, then stage states — with a crash between them.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { encodePng, readImage } from '../../../engine/src/data/image.js';
import { flowsToRun, runPlan, type RunSummary } from '../../../engine/src/executor/executor.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { EmbeddedStore, LabelStore, type Store } from '../../../engine/src/store/index.js';
import { StoreError } from '../../../engine/src/store/errors.js';
import type { NewLabel, StageState } from '../../../engine/src/store/types.js';
import { compileFileFromDisk } from '../../language-server/compiler/compile-helpers.js';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const TICKETS = `dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labeler agent: human { cost $0.05 per item, accuracy 95% }
`;

/** A folder with the tickets sample's items and a program; its plan. */
async function workspace(program: string): Promise<{ dir: string; plan: LabelingPlan }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'in-process-run-'));
    dirs.push(dir);
    copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    writeFileSync(path.join(dir, 'program.dprog'), program);
    const { plan, errors } = await compileFileFromDisk(path.join(dir, 'program.dprog'));
    expect(errors).toEqual([]);
    return { dir, plan };
}

const person = (task: string, item: string, value: NewLabel['value']): NewLabel => ({
    task,
    item,
    labeler: 'agent',
    labelerKind: 'human',
    value,
});

/** Adds people's answers, runs the plan on the store (or on `wrap(store)`), and returns the states as `stage item` → state. */
async function run(
    dir: string,
    plan: LabelingPlan,
    answers: NewLabel[] = [],
    options: { derivedDir?: string; wrap?: (store: Store) => Store } = {},
): Promise<{ summary: RunSummary; states: Map<string, StageState> }> {
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    try {
        if (answers.length > 0) {
            await store.addLabels(answers);
        }
        const summary = await runPlan({
            plan,
            programDir: dir,
            store: options.wrap ? options.wrap(new EmbeddedStore(store)) : new EmbeddedStore(store),
            sessions: new SessionCache(),
            derivedDir: options.derivedDir,
        });
        const states = new Map<string, StageState>();
        for (const flow of flowsToRun(plan)) {
            for (const stage of flow.stages) {
                for (const state of store.stageStates({ run: `${plan.program}/${flow.name}`, stage: stage.id })) {
                    states.set(`${stage.task} ${state.item}`, state);
                }
            }
        }
        return { summary, states };
    } finally {
        await store.close();
    }
}

const BODY_1001 = 'I was charged twice for my Pro Plan subscription this month. Please refund the second charge.';
const span = (text: string, within: string, label: string) => ({
    start: within.indexOf(text),
    end: within.indexOf(text) + text.length,
    label,
});

describe('expressions, evaluated by the executor', () => {
    const program = `program Kinds version 1
${TICKETS}
labels Topic { billing, outage, other }
labels Mention { product, person }
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|invoice|charged/i => billing
    down: body matches /\\bdown\\b|outage/i => outage
}
task topic(t: tickets) -> choice<Topic> { route cascade topic_rules, agent  quality { target 65% } }
task echo(s: String) -> text { route best agent }
task mentions(t: tickets) -> list<span<Mention>> { show t.subject, t.body  route best agent }
task product_line(name: Text) -> text { route best agent }
task incident(t: tickets) -> text { route best agent }
task who(name: Text) -> text { route best agent }
flow kinds(t: tickets) {
    if t.subject == "Site down" {
        echo(t.subject)
    }
    if topic(t) == billing {
        for m in mentions(t) where m.label == product {
            product_line(m.text)
        }
        for n in mentions(t) {
            if n.label == person {
                who(n.text)
            }
        }
    } else {
        incident(t)
    }
}
`;

    test('field access, if/else on a label, for … in a list label, where on its elements', async () => {
        const { dir, plan } = await workspace(program);
        let { states } = await run(dir, plan);
        // A field of the item in a condition: only T-1002's subject is "Site down".
        expect(states.get('echo T-1002')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent' } });
        expect(states.get('echo T-1001')?.status).toBe('skipped');
        // `if` on a rule's label, `else` its negation.
        expect(states.get('topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing', labeler: 'topic_rules' } });
        expect(states.get('topic T-1002')).toMatchObject({ status: 'done', detail: { value: 'outage' } });
        expect(states.get('mentions T-1001')?.status).toBe('waiting');
        expect(states.get('mentions T-1002')?.status).toBe('skipped');
        expect(states.get('incident T-1002')?.status).toBe('waiting');
        expect(states.get('incident T-1001')?.status).toBe('skipped');
        // The loop's list is not known yet: the item waits as a whole.
        expect(states.get('product_line T-1001')).toMatchObject({ status: 'pending', detail: { reason: 'waiting for mentions(t)' } });
        // The `if` around the loop rules the outage ticket out before its list is needed, or waits while its topic is open.
        const contract = plan.tasks.find((t) => t.name === 'product_line')!.contractHash;
        expect(states.get('product_line T-1002')).toMatchObject({ status: 'skipped', detail: { contract } });
        expect(states.get('product_line T-1004')).toMatchObject({
            status: 'pending',
            detail: { contract, reason: 'waiting for the labels its conditions read' },
        });
        // Still not known at the next run: still waiting.
        ({ states } = await run(dir, plan));
        expect(states.get('product_line T-1001')).toMatchObject({ status: 'pending', detail: { reason: 'waiting for mentions(t)' } });

        const mentions = [span('Pro Plan', BODY_1001, 'product'), { ...span('refund', BODY_1001, 'person'), text: 'Refund' }];
        ({ states } = await run(dir, plan, [person('mentions', 'T-1001', mentions)]));
        expect(states.get('mentions T-1001')).toMatchObject({ status: 'done' });
        // One stage item per element; `where` keeps products; `m.text` is the span's text (in the body, the Text it shows).
        expect(states.get('product_line T-1001')).toMatchObject({ status: 'expanded', detail: { contract } });
        expect(states.get('product_line T-1001#0')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'Pro Plan' } } });
        expect(states.get('product_line T-1001#1')).toMatchObject({ status: 'skipped', detail: { contract } });
        // An `if` inside the loop that reads its element is decided per element.
        expect(states.get('who T-1001#0')?.status).toBe('skipped');
        // A span that carries its own text keeps it.
        expect(states.get('who T-1001#1')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'Refund' } } });

        // The agent corrects the outage ticket's topic to billing: the loop it skipped is entered now.
        const body1002 = 'Your dashboard is down since 9am, every page shows error 503.';
        ({ states } = await run(dir, plan, [
            // stamped a minute ahead, so it is after the topic's state even on a machine faster than a millisecond
            { ...person('topic', 'T-1002', 'billing'), createdAt: new Date(Date.now() + 60_000).toISOString() },
            person('mentions', 'T-1002', [span('dashboard', body1002, 'product')]),
        ]));
        expect(states.get('topic T-1002')).toMatchObject({ status: 'done', detail: { value: 'billing' } });
        expect(states.get('product_line T-1002')).toMatchObject({ status: 'expanded', detail: { contract } });
        expect(states.get('product_line T-1002#0')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'dashboard' } } });
    });

    test('nested loops: the inner list is read per outer element that passes the outer where', async () => {
        const body = 'The invoice for the Team Plan lists our old address. Can Maria Lopez get a corrected invoice?';
        const request = 'Can Maria Lopez get a corrected invoice?';
        const { dir, plan } = await workspace(`program Nest version 1
${TICKETS}
labels Part { request, aside }
labels Mention { person, product }
task parts(t: tickets) -> list<span<Part>> { route best agent }
task mentions(x: Text) -> list<span<Mention>> { route best agent }
task spelled(x: Text) -> bool { route best agent }
flow names(t: tickets) {
    for p in parts(t) where p.label == request {
        for m in mentions(p.text) where m.label == person {
            spelled(m.text)
        }
    }
}
`);
        const aside = span('The invoice for the Team Plan lists our old address.', body, 'aside');
        let { states } = await run(dir, plan, [person('parts', 'T-1003', [aside, span(request, body, 'request')])]);
        expect(states.get('mentions T-1003#0')?.status).toBe('skipped');
        expect(states.get('mentions T-1003#1')).toMatchObject({ status: 'waiting', detail: { shown: { x: request } } });
        const spelled = plan.tasks.find((t) => t.name === 'spelled')!.contractHash;
        expect(states.get('spelled T-1003#0')).toMatchObject({ status: 'skipped', detail: { contract: spelled } });
        expect(states.get('spelled T-1003#1')).toMatchObject({ status: 'pending', detail: { reason: 'waiting for mentions(p.text)' } });

        const inner = [span('Maria Lopez', request, 'person'), span('invoice', request, 'product')];
        ({ states } = await run(dir, plan, [person('mentions', 'T-1003#1', inner)]));
        expect(states.get('spelled T-1003#1#0')).toMatchObject({ status: 'waiting', detail: { shown: { x: 'Maria Lopez' } } });
        expect(states.get('spelled T-1003#1#1')?.status).toBe('skipped');
    });

    test('an answer the flow cannot read fails only its item or element, saying what to correct; the others go on', async () => {
        const { dir, plan } = await workspace(`program Broken version 1
${TICKETS}
labels Mention { product, person }
task mentions(t: tickets) -> list<span<Mention>> { show t.body  route best agent }
task product_line(name: Text) -> text { route best agent }
task kind(name: Text) -> choice<Mention> { route cascade agent }
task person_name(name: Text) -> text { route best agent }
task other_name(name: Text) -> text { route best agent }
flow lines(t: tickets) {
    for m in mentions(t) where m.label == product {
        product_line(m.text)
    }
    for n in mentions(t) {
        kind(n.text)
        if n.label == person { person_name(n.text) } else { other_name(n.text) }
    }
}
`);
        const unlabeled = { start: 0, end: 1 };
        const { summary, states } = await run(dir, plan, [
            person('mentions', 'T-1001', [unlabeled, span('Pro Plan', BODY_1001, 'product')]),
            person('mentions', 'T-1002', { start: 0, end: 4, label: 'product' }),
        ]);
        // An element without a label fails alone (its text taken from the body it marks), and its sibling is asked.
        const unreadable = `the value {"start":0,"end":1,"text":"I"} has no '.label'; correct the answer it reads`;
        expect(states.get('product_line T-1001#0')).toMatchObject({
            status: 'failed',
            detail: { error: `\`where m.label == product\`: ${unreadable}` },
        });
        expect(states.get('product_line T-1001#1')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'Pro Plan' } } });
        // A failure at one stage is that stage's: the same element is asked at the next.
        expect(states.get('kind T-1001#0')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'I' } } });
        // Both sides of an `if … else` name the condition as written.
        const noLabel = `\`if n.label == person\`: ${unreadable}`;
        expect(states.get('person_name T-1001#0')).toMatchObject({ status: 'failed', detail: { error: noLabel } });
        expect(states.get('other_name T-1001#0')).toMatchObject({ status: 'failed', detail: { error: noLabel } });
        expect(states.get('other_name T-1001#1')?.status).toBe('waiting');
        // A list label that is not a list fails the item at that stage.
        const notAList = 'flow lines: `for m in mentions(t)` is not over a list';
        expect(states.get('product_line T-1002')).toMatchObject({ status: 'failed', detail: { error: notAList } });
        expect(summary.failures.map((f) => [f.stage, f.item])).toEqual([
            ['2:product_line', 'T-1001#0'],
            ['5:person_name', 'T-1001#0'],
            ['6:other_name', 'T-1001#0'],
            ['2:product_line', 'T-1002'],
            ['4:kind', 'T-1002'],
            ['5:person_name', 'T-1002'],
            ['6:other_name', 'T-1002'],
        ]);
        expect(summary.failures[4]).toEqual({
            flow: 'lines',
            stage: '4:kind',
            item: 'T-1002',
            message: 'flow lines: `for n in mentions(t)` is not over a list',
        });
        expect(summary.stages.map((s) => [s.task, s.failed, s.waitingForPeople])).toEqual([
            ['mentions', 0, 8],
            ['product_line', 2, 1],
            ['mentions', 0, 8],
            ['kind', 1, 2],
            ['person_name', 2, 0],
            ['other_name', 2, 1],
        ]);
    });

    test('an answer below the quality target is not final: a stage whose condition reads it waits', async () => {
        const { dir, plan } = await workspace(`program Unsure version 1
${TICKETS}
labels Topic { billing, outage, other }
rules topic_rules on tickets -> choice<Topic> {
    down: body matches /\\bdown\\b|outage/i => outage
}
task topic(t: tickets) -> choice<Topic> { route cascade topic_rules, agent  quality { target 99% } }
task escalate(t: tickets) -> text { route best agent }
flow triage(t: tickets) {
    if topic(t) == outage { escalate(t) }
}
`);
        const { states } = await run(dir, plan);
        expect(states.get('topic T-1002')).toMatchObject({ status: 'waiting', detail: { value: 'outage', waitingFor: 'agent' } });
        expect(states.get('escalate T-1002')).toMatchObject({
            status: 'pending',
            detail: { reason: 'waiting for the labels its conditions read' },
        });
    });

    test('a condition on a label asked per element is decided per element, also for keys that hold a #', async () => {
        const { dir, plan } = await workspace(`program PerElement version 1
dataset notes from jsonl "notes.jsonl" {
    key id: String
    body: Text
}
labeler agent: human { cost $0.05 per item, accuracy 95% }
labels Mention { product, person }
task mentions(n: notes) -> list<span<Mention>> { show n.body  route best agent }
task kind(name: Text) -> choice<Mention> { route cascade agent }
task who(name: Text) -> text { route best agent }
flow names(n: notes) {
    for m in mentions(n) {
        if kind(m.text) == person { who(m.text) }
    }
}
`);
        const names = ['Ana', 'Ben', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ida', 'Jo', 'Kim'];
        const body = `Ask ${names.join(', ')} about the Pro Plan`;
        writeFileSync(path.join(dir, 'notes.jsonl'), `${JSON.stringify({ id: 'order#7', body })}\n`);
        const found = names.map((name) => span(name, body, 'person'));
        const { states } = await run(dir, plan, [person('mentions', 'order#7', found), person('kind', 'order#7#10', 'person')]);
        // The eleventh element (index 10) reads its own kind, not the second's.
        expect(states.get('who order#7#10')).toMatchObject({ status: 'waiting', detail: { shown: { name: 'Kim' } } });
        expect(states.get('who order#7#1')).toMatchObject({
            status: 'pending',
            detail: { reason: 'waiting for the labels its conditions read' },
        });
    });

    test('a stage whose input is another stage’s label waits until that label is final', async () => {
        const { dir, plan } = await workspace(`program Chain version 1
${TICKETS}
task summary(t: tickets) -> text { route best agent }
task translate(s: Text) -> text { route best agent }
flow chain(t: tickets) {
    translate(summary(t))
}
`);
        const { states } = await run(dir, plan, [person('summary', 'T-1002', 'Dashboard down')]);
        expect(states.get('translate T-1002')).toMatchObject({ status: 'waiting', detail: { shown: { s: 'Dashboard down' } } });
        expect(states.get('translate T-1001')).toMatchObject({
            status: 'pending',
            detail: { reason: 'waiting for the labels its inputs read' },
        });
    });

    test('a choice task with no item to route in this run is not in the run’s routing summary', async () => {
        const { dir, plan } = await workspace(`program Quiet version 1
${TICKETS}
labels Topic { billing, outage, other }
labels Level { low, high }
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|invoice|charged/i => billing
}
task topic(t: tickets) -> choice<Topic> { route cascade topic_rules, agent  quality { target 65% } }
task level(t: tickets) -> choice<Level> { route cascade agent }
flow triage(t: tickets) {
    if topic(t) == outage { level(t) }
}
`);
        const { summary, states } = await run(dir, plan);
        expect(states.get('level T-1001')?.status).toBe('skipped');
        expect(summary.stages[1]).toMatchObject({ task: 'level', waitingForPeople: 0 });
        expect(summary.routing.map((r) => r.task)).toEqual(['topic']);
    });

    test('the store failing fails the run, not the item', async () => {
        const { dir, plan } = await workspace(`program Broken version 1
${TICKETS}
task note(t: tickets) -> text { route best agent }
`);
        const failing = (store: Store) =>
            new Proxy(store, {
                get(target, property, receiver) {
                    if (property === 'labels') {
                        return async () => {
                            throw new StoreError('labels.sqlite: the disk is gone', 'labels.sqlite');
                        };
                    }
                    const value = Reflect.get(target, property, receiver);
                    return typeof value === 'function' ? value.bind(target) : value;
                },
            });
        await expect(run(dir, plan, [], { wrap: failing })).rejects.toThrow('labels.sqlite: the disk is gone');
    });

    test('crop: each box a person drew becomes a crop of the item’s image, written for review', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'in-process-crop-'));
        dirs.push(dir);
        mkdirSync(path.join(dir, 'pages'));
        const width = 40;
        const height = 20;
        const data = new Uint8Array(width * height * 3).map((_, i) => (Math.floor(i / 3) % width < 20 ? 0 : 255));
        writeFileSync(path.join(dir, 'pages/a.png'), encodePng({ width, height, data }));
        writeFileSync(
            path.join(dir, 'program.dprog'),
            `program Crops version 1
dataset pages from images "pages/*.png"
labels Region { line }
labeler agent: human { cost $0.05 per item, accuracy 95% }
task regions(d: pages) -> list<box<Region>> { route best agent }
task read(line: Image) -> text { route best agent }
flow doc(d: pages) {
    for r in regions(d) {
        read(crop(d.image, r))
    }
}
`,
        );
        const { plan, errors } = await compileFileFromDisk(path.join(dir, 'program.dprog'));
        expect(errors).toEqual([]);
        const boxes = [
            { x: 2, y: 2, width: 10, height: 8, label: 'line' },
            { x: 24, y: 4, width: 12, height: 10, label: 'line' },
        ];
        const derivedDir = path.join(dir, 'derived');
        const { states } = await run(dir, plan, [person('regions', 'pages/a.png', boxes)], { derivedDir });
        // The list was known from the start: no state for the image as a whole, one per box.
        expect(states.has('read pages/a.png')).toBe(false);
        const first = states.get('read pages/a.png#0');
        expect(first).toMatchObject({ status: 'waiting', detail: { waitingFor: 'agent' } });
        const derivedOf = (key: string) => (states.get(key)!.detail as { derived: string }).derived;
        const derived = derivedOf('read pages/a.png#0');
        expect(existsSync(derived)).toBe(true);
        // The first box lies on the black half, the second on the white half.
        const crop0 = readImage(derived);
        const crop1 = readImage(derivedOf('read pages/a.png#1'));
        expect(crop0.width).toBeGreaterThanOrEqual(10);
        expect(Math.max(...crop0.data.slice(0, 30))).toBe(0);
        expect(Math.min(...crop1.data.slice(0, 30))).toBe(255);
    });
});

describe('the write order: labels, then final answers, then stage states', () => {
    const program = `program Order version 1
${TICKETS}
labels Topic { billing, outage, other }
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|invoice|charged/i => billing
    down: body matches /\\bdown\\b|outage/i => outage
}
task topic(t: tickets) -> choice<Topic> { route cascade topic_rules, agent  quality { target 65% } }
`;

    /** The store, with its writes logged and the first call of `crashAt` failing as a crash would. */
    function crashing(log: string[], crashAt?: 'addLabels' | 'setAggregates' | 'setStageStates') {
        let crashed = false;
        return (store: Store) =>
            new Proxy(store, {
                get(target, property, receiver) {
                    const value = Reflect.get(target, property, receiver);
                    if (typeof value !== 'function') {
                        return value;
                    }
                    if (property === 'addLabels' || property === 'setAggregates' || property === 'setStageStates') {
                        return async (...args: unknown[]) => {
                            log.push(property);
                            if (property === crashAt && !crashed) {
                                crashed = true;
                                throw new Error(`crash in ${property}`);
                            }
                            return value.apply(target, args);
                        };
                    }
                    return value.bind(target);
                },
            });
    }

    async function stored(dir: string) {
        const store = await LabelStore.open(path.join(dir, 'labels.sqlite'), { readonly: true });
        try {
            return {
                labels: store.countLabels({ task: 'topic', labelerKind: 'rules' }),
                aggregates: store.getAggregate('topic', 'T-1001') ? 1 : 0,
                states: store.stageStates({ run: 'Order/topic' }).length,
            };
        } finally {
            await store.close();
        }
    }

    test('each flush writes labels before final answers before stage states', async () => {
        const { dir, plan } = await workspace(program);
        const log: string[] = [];
        const { states } = await run(dir, plan, [], { wrap: crashing(log) });
        expect(states.get('topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing' } });
        expect(log.slice(0, 3)).toEqual(['addLabels', 'setAggregates', 'setStageStates']);
    });

    test.each(['setAggregates', 'setStageStates'] as const)(
        'a crash at %s leaves no state saying done without its label; the next run finishes without storing an answer twice',
        async (crashAt) => {
            const { dir, plan } = await workspace(program);
            await expect(run(dir, plan, [], { wrap: crashing([], crashAt) })).rejects.toThrow(`crash in ${crashAt}`);
            const afterCrash = await stored(dir);
            expect(afterCrash.labels).toBeGreaterThan(0);
            expect(afterCrash.states).toBe(0);
            expect(afterCrash.aggregates).toBe(crashAt === 'setStageStates' ? 1 : 0);

            const { states } = await run(dir, plan);
            expect(states.get('topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing', labeler: 'topic_rules' } });
            const after = await stored(dir);
            expect(after.labels).toBe(afterCrash.labels);
            expect(after.aggregates).toBe(1);
            expect(after.states).toBeGreaterThan(0);
        },
    );
});
