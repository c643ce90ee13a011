/**
 * Nested `for` loops, written in one flow or with the inner loop in a flow called from the outer
 * one: the inner list is read once per outer element that passes the outer `where`, stage items
 * are keyed `item#outer#inner`, spans of an inner list get their text from the outer element's
 * text, and an outer element the outer `where` rules out is skipped whole.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runProgram } from '../../../cli/src/actions/run.js';
import { LabelStore } from '../../../engine/src/store/index.js';
import type { NewLabel, StageState } from '../../../engine/src/store/types.js';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// T-1003 in samples/tickets/tickets.jsonl.
const body = 'The invoice for the Team Plan lists our old address. Can Maria Lopez get a corrected invoice?';
const request = 'Can Maria Lopez get a corrected invoice?';

const header = `program Nest version 1
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Part { request, aside }
labels Mention { person, product }
labeler agent: human { cost $0.05 per item, accuracy 95% }
task parts(t: tickets) -> list<span<Part>> { route best agent }
task mentions(x: Text) -> list<span<Mention>> { route best agent }
task spelled(x: Text) -> bool { route best agent }
`;

const flows = {
    'one flow': `flow names(t: tickets) {
    for p in parts(t) where p.label == request {
        for m in mentions(p.text) where m.label == person {
            spelled(m.text)
        }
    }
}
`,
    'a called flow': `flow spell(r: span<Part>) {
    for m in mentions(r.text) where m.label == person {
        spelled(m.text)
    }
}
flow names(t: tickets) {
    for p in parts(t) where p.label == request {
        spell(p)
    }
}
`,
};

const span = (text: string, within: string, label: string) => ({
    start: within.indexOf(text),
    end: within.indexOf(text) + text.length,
    label,
});

/** Adds people's answers, runs the plan, and returns the stage states as `stage item` → state. */
async function answerAndRunIn(dir: string, labels: Array<Omit<NewLabel, 'labelerKind' | 'labeler'>>): Promise<Map<string, StageState>> {
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    if (labels.length > 0) {
        await store.addLabels(labels.map((l) => ({ ...l, labeler: 'agent', labelerKind: 'human' as const })));
    }
    await store.close();
    const { summary } = await runProgram(path.join(dir, 'nest.dprog'), { store: path.join(dir, 'labels.sqlite') });
    expect(summary.failures).toEqual([]);
    const reader = await LabelStore.open(path.join(dir, 'labels.sqlite'), { readonly: true });
    const states = new Map(reader.stageStates({ run: 'Nest/names' }).map((s) => [`${s.stage} ${s.item}`, s]));
    await reader.close();
    return states;
}

describe.each(Object.entries(flows))('nested loops in %s', (_, flow) => {
    test('each inner loop runs per outer element, under both loops’ conditions', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'nested-loops-'));
        dirs.push(dir);
        copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
        writeFileSync(path.join(dir, 'nest.dprog'), header + flow);
        const answerAndRun = (labels: Parameters<typeof answerAndRunIn>[1]) => answerAndRunIn(dir, labels);
        let states = await answerAndRun([]);
        expect(states.get('1:parts T-1003')).toMatchObject({ status: 'waiting' });
        expect(states.get('2:mentions T-1003')).toMatchObject({ status: 'pending' });
        expect(states.get('3:spelled T-1003')).toMatchObject({ status: 'pending' });

        states = await answerAndRun([
            {
                task: 'parts',
                item: 'T-1003',
                value: [span('The invoice for the Team Plan lists our old address.', body, 'aside'), span(request, body, 'request')],
            },
        ]);
        expect(states.get('2:mentions T-1003#0')).toMatchObject({ status: 'skipped' });
        expect(states.get('2:mentions T-1003#1')).toMatchObject({ status: 'waiting', detail: { shown: { x: request } } });
        // The outer `where` rules the aside out as a whole; the request waits for its mentions.
        expect(states.get('3:spelled T-1003')).toMatchObject({ status: 'expanded' });
        expect(states.get('3:spelled T-1003#0')).toMatchObject({ status: 'skipped' });
        expect(states.get('3:spelled T-1003#1')).toMatchObject({
            status: 'pending',
            detail: { reason: `waiting for ${flow.includes('spell(p)') ? 'mentions(r.text)' : 'mentions(p.text)'}` },
        });

        // Mentions of the aside (which nobody was asked for) must not reach `spelled`.
        states = await answerAndRun([
            { task: 'mentions', item: 'T-1003#1', value: [span('Maria Lopez', request, 'person'), span('invoice', request, 'product')] },
            { task: 'mentions', item: 'T-1003#0', value: [span('Team Plan', body, 'person')] },
        ]);
        expect(states.get('2:mentions T-1003#1')).toMatchObject({ status: 'done' });
        expect(states.get('3:spelled T-1003#1')).toMatchObject({ status: 'expanded' });
        // The inner span's text comes from the outer span's text, not the whole body.
        expect(states.get('3:spelled T-1003#1#0')).toMatchObject({
            status: 'waiting',
            detail: { waitingFor: 'agent', shown: { x: 'Maria Lopez' } },
        });
        expect(states.get('3:spelled T-1003#1#1')).toMatchObject({ status: 'skipped' });
        expect([...states.keys()].filter((k) => k.startsWith('3:spelled T-1003#0#'))).toEqual([]);

        states = await answerAndRun([{ task: 'spelled', item: 'T-1003#1#0', value: true }]);
        expect(states.get('3:spelled T-1003#1#0')).toMatchObject({ status: 'done', detail: { value: true } });
    });
});
