/**
 * Every answer — a person's, a model's, a rule's — updates the item's aggregate with the task's
 * declared method as it arrives, and answers arriving at once are all counted (none lost).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileProgramFile } from '../../../cli/src/compiled-program.js';
import { TaskRouting } from '../../../engine/src/executor/task-routing.js';
import type { PlanTask } from '../../../engine/src/plan/types.js';
import { LabelStore } from '../../../engine/src/store/index.js';
import type { NewLabel } from '../../../engine/src/store/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dprog-arrive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function task(method: string): Promise<PlanTask> {
    const file = path.join(dir, `${method}.dprog`);
    writeFileSync(path.join(dir, 'items.jsonl'), '{"id":"x"}\n');
    writeFileSync(
        file,
        `program Arrive
dataset items from jsonl "items.jsonl" { key id: String }
labels Verdict { spam, ham }
labeler crowd: human { pool 5, cost $0.01 per item, accuracy 75% }
rules keywords on items -> choice<Verdict> { any: id matches /./ => spam }
task classify(i: items) -> choice<Verdict> {
    route cascade keywords, crowd
    quality { target 99%, aggregate ${method}, at most 6 labels }
}
`,
    );
    const { plan, diagnostics } = await compileProgramFile(file);
    if (!plan) {
        throw new Error(JSON.stringify(diagnostics));
    }
    return plan.tasks.find((t) => t.name === 'classify')!;
}

describe.each(['dawid_skene', 'one_coin', 'majority'])('answers arriving with aggregate %s', (method) => {
    it("each answer moves the item's aggregate at once, tagged with the method", async () => {
        const t = await task(method);
        const store = await LabelStore.open(path.join(dir, `${method}-online.sqlite`));
        const routing = await TaskRouting.fromStore(t, store);
        // The rule answers, then a person is waited for.
        const first = routing.route('m1', new Map([['keywords', 'spam']]));
        expect(first).toMatchObject({ status: 'waiting' });
        const afterRule = routing.aggregateOf('m1')!;
        expect(afterRule).toMatchObject({ value: 'spam', method, answers: 1 });
        await store.close();
        // A person disagrees: a new run (as after the editor saved the label) sees both.
        const again = await LabelStore.open(path.join(dir, `${method}-online.sqlite`));
        await again.addLabels([
            { id: 'rule', task: 'classify', item: 'm1', labeler: 'keywords', labelerKind: 'rules', value: 'spam' },
            { task: 'classify', item: 'm1', labeler: 'ann', labelerKind: 'human', value: 'ham' },
        ]);
        const next = (await TaskRouting.fromStore(t, again)).aggregateOf('m1')!;
        expect(next.answers).toBe(2);
        expect(next.confidence).toBeLessThan(afterRule.confidence);
        await again.close();
    });

    it('answers from people, models and rules given at once all end up in the aggregates', async () => {
        const t = await task(method);
        const store = await LabelStore.open(path.join(dir, `${method}-burst.sqlite`));
        const answers: NewLabel[] = [];
        for (let i = 0; i < 40; i++) {
            const item = `m${i}`;
            const truth = i % 3 ? 'spam' : 'ham';
            answers.push({ task: 'classify', item, labeler: 'keywords', labelerKind: 'rules', value: 'spam' });
            for (const person of ['ann', 'bob', 'cy'].slice(0, 1 + (i % 3))) {
                answers.push({ task: 'classify', item, labeler: person, labelerKind: 'human', value: person === 'cy' ? 'spam' : truth });
            }
        }
        // Every answer is written and aggregated as it comes, many in flight at once, one aggregation at a time.
        let chain = Promise.resolve();
        await Promise.all(
            answers.map(async (answer) => {
                await store.addLabel(answer);
                chain = chain.then(async () => void (await (await TaskRouting.fromStore(t, store)).finish(store)));
                await chain;
            }),
        );
        const aggregates = new Map(store.aggregates('classify').map((a) => [a.item, a]));
        expect(aggregates.size).toBe(40);
        for (let i = 0; i < 40; i++) {
            const a = aggregates.get(`m${i}`)!;
            expect(a.answers).toBe(store.countLabels({ task: 'classify', item: `m${i}` }));
            expect(a.method).toBe(method);
        }
        expect(
            store
                .labelerEstimates('classify')
                .map((e) => e.labeler)
                .sort(),
        ).toEqual(['ann', 'bob', 'cy', 'keywords']);
        await store.close();
    });
});
