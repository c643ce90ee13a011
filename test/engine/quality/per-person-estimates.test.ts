/**
 * Per-person estimates on real crowd answers (samples/crowd: RTE and TEMP, Mechanical Turk workers
 * with gold). Every answer is stored as a label of one human labeler pool, `crowd`, with the worker
 * as its person — as a team's labels are — and the task's routing aggregates them and refits the
 * estimates, which it keeps in the store per person (`crowd/WORKER`). Measured against gold: the
 * workers who are often wrong get lower estimates than the good ones, and the aggregate with a
 * worker per person is compared with the pool-only one (the same answers stored without persons,
 * where the pool's answers on an item are told apart only by their order): better on RTE, within
 * two items of it on TEMP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileProgramFile } from '../../../cli/src/compiled-program.js';
import { personMember, TaskRouting } from '../../../engine/src/executor/task-routing.js';
import type { PlanTask } from '../../../engine/src/plan/types.js';
import { LabelStore } from '../../../engine/src/store/index.js';
import type { NewLabel } from '../../../engine/src/store/types.js';
import { crowdAnswers, workerRecords, type CrowdAnswer } from '../../support/crowd.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dprog-persons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DATA = {
    rte: { classes: ['yes', 'no'] },
    temp: { classes: ['before', 'after'] },
} as const;

async function taskFor(name: keyof typeof DATA): Promise<PlanTask> {
    writeFileSync(path.join(dir, 'items.jsonl'), '{"id":"x"}\n');
    const file = path.join(dir, `${name}.dprog`);
    writeFileSync(
        file,
        `program Persons
dataset items from jsonl "items.jsonl" { key id: String }
labels Answer { ${DATA[name].classes.join(', ')} }
labeler crowd: human { pool 200, cost $0.01 per item, accuracy 75% }
task judge(i: items) -> choice<Answer> {
    route cascade crowd
    quality { target 99%, aggregate dawid_skene, at most 10 labels }
}
`,
    );
    const { plan, diagnostics } = await compileProgramFile(file);
    if (!plan) {
        throw new Error(JSON.stringify(diagnostics));
    }
    return plan.tasks.find((t) => t.name === 'judge')!;
}

/** Stores the answers (with or without their persons), aggregates them as a run does, and reads back what it wrote. */
async function aggregateStored(task: PlanTask, answers: readonly CrowdAnswer[], withPersons: boolean, name: string) {
    const store = await LabelStore.open(path.join(dir, `${name}.sqlite`));
    try {
        const labels: NewLabel[] = answers.map((a) => ({
            id: `${a.item}/${a.worker}`,
            task: task.name,
            item: a.item,
            labeler: 'crowd',
            labelerKind: 'human',
            value: a.label,
            ...(withPersons ? { person: a.worker } : {}),
            createdAt: '2026-01-01T00:00:00.000Z',
        }));
        await store.addLabels(labels);
        const routing = await TaskRouting.fromStore(task, store);
        await routing.finish(store);
        const gold = new Map(answers.map((a) => [a.item, a.gold]));
        const aggregates = store.aggregates(task.name);
        const right = aggregates.filter((g) => g.value === gold.get(g.item)).length;
        return { accuracy: right / gold.size, items: aggregates.length, estimates: store.labelerEstimates(task.name) };
    } finally {
        await store.close();
    }
}

describe.each(['rte', 'temp'] as const)('per-person estimates on %s', (name) => {
    it('rates the often-wrong workers below the good ones, and aggregates about as well as the pool alone or better', async () => {
        const answers = crowdAnswers(name);
        const task = await taskFor(name);
        const perPerson = await aggregateStored(task, answers, true, `${name}-persons`);
        const poolOnly = await aggregateStored(task, answers, false, `${name}-pool`);
        const items = new Set(answers.map((a) => a.item)).size;
        expect(perPerson.items).toBe(items);
        expect(poolOnly.items).toBe(items);

        // Each worker's accuracy against gold, beside the estimate the store keeps for them (never shown the gold).
        const byWorker = workerRecords(answers);
        const estimate = new Map(perPerson.estimates.map((e) => [e.labeler, e.accuracy]));
        const rated = [...byWorker].filter(([, w]) => w.answers >= 20);
        const bad = rated.filter(([, w]) => w.right / w.answers < 0.7).map(([worker]) => estimate.get(personMember('crowd', worker))!);
        const good = rated.filter(([, w]) => w.right / w.answers >= 0.9).map(([worker]) => estimate.get(personMember('crowd', worker))!);
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        console.log(
            `${name}: aggregate accuracy per person ${perPerson.accuracy.toFixed(4)}, pool only ${poolOnly.accuracy.toFixed(4)}; ` +
                `estimated accuracy of ${bad.length} bad workers (< 70% right on gold, ≥ 20 answers) mean ${mean(bad).toFixed(3)} ` +
                `max ${Math.max(...bad).toFixed(3)}, of ${good.length} good workers (≥ 90%) mean ${mean(good).toFixed(3)} ` +
                `min ${Math.min(...good).toFixed(3)}`,
        );
        expect(bad.length).toBeGreaterThan(0);
        expect(good.length).toBeGreaterThan(0);
        expect([...bad, ...good].every((e) => e !== undefined)).toBe(true);
        // Every bad worker is estimated below every good one.
        expect(Math.max(...bad)).toBeLessThan(Math.min(...good));
        // RTE: 0.9275 per person (the published Dawid-Skene figure) against 0.9050 for the pool alone. TEMP: 0.9416 per
        // person (again the published figure) against 0.9459: the pool alone happens to get two of 462 items more right,
        // so on TEMP the per-person aggregate is held to within half a point of it rather than above it.
        expect(perPerson.accuracy).toBeGreaterThanOrEqual(poolOnly.accuracy - (name === 'temp' ? 0.005 : 0));
    }, 120_000);
});
