/** An answer a later stage cannot read (a span without its label) fails that item there; the run goes on. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { LabelStore } from '../../../engine/src/store/index.js';

const root = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'bad-answers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run() {
    const result = spawnSync(
        process.execPath,
        [path.join(root, 'bin/dprog.cjs'), 'run', 'tickets.dprog', '--store', 'labels.sqlite', '--json'],
        { cwd: dir, encoding: 'utf8' },
    );
    return {
        code: result.status,
        json: JSON.parse(result.stdout) as {
            failures: Array<{ stage: string; item: string; message: string }>;
            stages: Array<{ task: string; waitingForPeople: number }>;
        },
    };
}

test('a malformed span fails its ticket at the loop, with the reason; other tickets move on', async () => {
    for (const f of ['tickets.dprog', 'tickets.jsonl']) {
        copyFileSync(path.join(root, 'samples/tickets', f), path.join(dir, f));
    }
    expect(run().code).toBe(0);
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'));
    await store.addLabels([
        { task: 'mentions', item: 'T-1006', labeler: 'agent', labelerKind: 'human', value: [{ start: 0, end: 6 }] },
        { task: 'mentions', item: 'T-1010', labeler: 'agent', labelerKind: 'human', value: [{ start: 23, end: 38, label: 'product' }] },
    ]);
    await store.close();
    const { code, json } = run();
    expect(code).toBe(1);
    expect(json.failures).toEqual([
        {
            flow: 'triage',
            stage: '3:product_line',
            item: 'T-1006#0',
            message: expect.stringMatching(/`where m.label == product`: the value \{"start":0,"end":6,"text":"Please"\} has no '\.label'/),
        },
    ]);
    expect(json.stages.find((s) => s.task === 'product_line')!.waitingForPeople).toBe(1); // T-1010's product
});
