/** A flow that calls another flow: the callee's stages run as part of the caller, once per item. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runProgram } from '../../../cli/src/actions/run.js';

const root = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'nested-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the called flow is not run a second time on its own, and its parameter names the caller’s item', async () => {
    copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
    writeFileSync(
        path.join(dir, 'nested.dprog'),
        `program Nested version 1
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    subject: String
    body: Text
}
labels Topic { billing, other }
labeler agent: human { cost $0.05 per item, accuracy 95% }
rules topic_rules on tickets -> choice<Topic> {
    refund: body matches /refund|invoice|charged/i => billing
}
task topic(t: tickets) -> choice<Topic> {
    route cascade topic_rules, agent
    quality { target 70% }
}
task note(x: tickets) -> text { route best agent }
flow inner(u: tickets) {
    if topic(u) == billing { note(u) }
}
flow outer(t: tickets) {
    inner(t)
}
`,
    );
    const { summary, queue } = await runProgram(path.join(dir, 'nested.dprog'), { store: path.join(dir, 'labels.sqlite') });
    expect(summary.failures).toEqual([]);
    const json = { stages: summary.stages, queue };
    expect(json.stages.map((s) => `${s.flow}/${s.task}`)).toEqual(['outer/topic', 'outer/note']);
    const topic = json.stages[0];
    const note = json.stages[1];
    // Every ticket the rules call billing goes on to `note`; the others wait for the agent's topic first.
    expect(note.waitingForPeople).toBe(topic.done);
    const keys = json.queue.map((q) => `${q.task} ${q.item}`);
    expect(new Set(keys).size).toBe(keys.length);
});
