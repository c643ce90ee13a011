/**
 * People's answers at the end of a route: votes on a choice add up until the quality target, the
 * same crowd is asked again while its pool lasts, then the next person on the route; a free-text
 * answer is a person's review and stands as given.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runProgram } from '../../../cli/src/actions/run.js';
import { LabelStore } from '../../../engine/src/store/index.js';
import type { NewLabel, StageState } from '../../../engine/src/store/types.js';

const root = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'people-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
    copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    writeFileSync(
        path.join(dir, 'people.dprog'),
        `program People version 1
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Topic { billing, outage, other }
labeler crowd: human { pool 3, cost $0.01 per item, accuracy 70% }
labeler lead: human { cost $0.50 per item, accuracy 99% }
task topic(t: tickets) -> choice<Topic> {
    route cascade crowd, lead
    quality { target 90%, at most 5 labels }
}
task summary(t: tickets) -> text {
    route best crowd
}
flow triage(t: tickets) {
    if topic(t) == outage { summary(t) }
}
`,
    );
});

/** `dprog run` in this process (so a mutant in the executor is seen); no item may fail. */
async function run(): Promise<void> {
    const { summary } = await runProgram(path.join(dir, 'people.dprog'), { store: path.join(dir, 'labels.sqlite') });
    expect(summary.failures).toEqual([]);
}

async function answer(labels: Array<Omit<NewLabel, 'labelerKind'>>): Promise<Map<string, StageState>> {
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    await store.addLabels(labels.map((l) => ({ ...l, labelerKind: 'human' as const })));
    await store.close();
    await run();
    const reader = await LabelStore.open(path.join(dir, 'labels.sqlite'), { readonly: true });
    const states = new Map([...reader.stageStates({ run: 'People/triage' })].map((s) => [`${s.stage} ${s.item}`, s]));
    await reader.close();
    return states;
}

test(
    'people are asked as the policy says: cascade asks the next labeler in route order; votes add up to the target; a text ' +
        'answer stands',
    async () => {
        await run();
        let states = await answer([{ task: 'topic', item: 'T-1002', labeler: 'crowd', value: 'outage' }]);
        // One 70% vote is short of 90%: the cascade asks the next labeler on the route, the lead.
        expect(states.get('1:topic T-1002')).toMatchObject({
            status: 'waiting',
            detail: { waitingFor: 'lead', value: 'outage', score: expect.any(Number) },
        });
        expect((states.get('1:topic T-1002')!.detail as { score: number }).score).toBeLessThanOrEqual(0.7);

        states = await answer([{ task: 'topic', item: 'T-1002', labeler: 'lead', value: 'outage' }]);
        // The lead (99%) agrees: done.
        expect(states.get('1:topic T-1002')).toMatchObject({ status: 'done', detail: { value: 'outage', labeler: 'crowd+lead' } });
        expect(states.get('2:summary T-1002')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'crowd' } });

        // Three crowd answers that disagree: the lead, not asked yet, is asked next.
        states = await answer([
            { task: 'topic', item: 'T-1001', labeler: 'crowd', value: 'billing' },
            { task: 'topic', item: 'T-1001', labeler: 'crowd', value: 'other' },
            { task: 'topic', item: 'T-1001', labeler: 'crowd', value: 'outage' },
        ]);
        expect(states.get('1:topic T-1001')).toMatchObject({ status: 'waiting', detail: { waitingFor: 'lead' } });
        states = await answer([
            { task: 'topic', item: 'T-1001', labeler: 'lead', value: 'billing' },
            { task: 'summary', item: 'T-1002', labeler: 'crowd', value: 'Dashboard down, error 503' },
        ]);
        expect(states.get('1:topic T-1001')).toMatchObject({ status: 'done', detail: { value: 'billing' } });
        expect(states.get('2:summary T-1001')?.status).toBe('skipped');
        expect(states.get('2:summary T-1002')).toMatchObject({
            status: 'done',
            detail: { value: 'Dashboard down, error 503', labeler: 'crowd' },
        });

        // A correction after the item was final is heard at the next run.
        await new Promise((r) => setTimeout(r, 20));
        states = await answer([{ task: 'summary', item: 'T-1002', labeler: 'lead', value: 'Dashboard down since 9am (error 503)' }]);
        expect(states.get('2:summary T-1002')).toMatchObject({
            status: 'done',
            detail: { value: 'Dashboard down since 9am (error 503)', labeler: 'lead' },
        });
    },
);
