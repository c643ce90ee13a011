/**
 * The plan's redundancy and cost estimates against the policy that runs: the engine's PolicyRun
 * labels many more simulated items (another seed) whose labelers answer with their declared
 * accuracies. The plan's expected answers, cost, share of items reaching the target and accuracy
 * must match what those runs show, and the labels must be about as right as the target says.
 */
import { describe, expect, test } from 'vitest';
import { estimatePolicy } from '../../../engine/src/routing/policy-estimate.js';
import { policyOf } from '../../../language-server/src/compiler/estimates.js';
import type { PlanTask } from '../../../engine/src/plan/types.js';
import { compileText } from './compile-helpers.js';

/** The task's policy on `items` simulated items with another seed than the compiler's. */
function simulate(task: PlanTask, items: number, seed: number) {
    return estimatePolicy(policyOf(task.route.strategy, task.route.stages, task.quality), task.classes, { items, seed });
}

const scenarios = [
    {
        name: 'cascade of a crowd then experts, three classes',
        program: `
labels Kind { a, b, c }
dataset items from jsonl "items.jsonl" { key id: String, text: Text }
labeler crowd: human { pool 5, cost $0.01 per item, accuracy 75% }
labeler experts: human { pool 2, cost $0.10 per item, accuracy 95% }
task t(x: items) -> choice<Kind> { route cascade crowd, experts  quality { target 95%, gold 5%, at most 5 labels } }`,
    },
    {
        name: 'best value between a cheap and an accurate pool, two classes',
        program: `
labels Kind { yes_, no_ }
dataset items from jsonl "items.jsonl" { key id: String, text: Text }
labeler cheap: human { pool 7, cost $0.01 per item, accuracy 70% }
labeler expert: human { pool 3, cost $0.05 per item, accuracy 90% }
task t(x: items) -> choice<Kind> { route best expert, cheap  quality { target 90%, at most 7 labels } }`,
    },
    {
        name: 'cascade of a free model then a crowd, four classes',
        program: `
labels Kind { a, b, c, d }
dataset items from jsonl "items.jsonl" { key id: String, text: Text }
labeler m: model "m.onnx" { input text as hashed 64, output choice<Kind>, accuracy 85% }
labeler crowd: human { pool 9, cost $0.02 per item, accuracy 80% }
task t(x: items) -> choice<Kind> { route cascade m, crowd  quality { target 97%, at most 6 labels } }`,
    },
];

describe('redundancy and cost estimates hold in simulation', () => {
    test.each(scenarios)('$name', async ({ program }) => {
        const plan = await compileText(program);
        const task = plan.tasks[0];
        expect(task.route.stages.length).toBeGreaterThan(0);
        const run = simulate(task, 2000, 42);
        const planned = task.redundancy;
        if (process.env.SHOW_SIM) {
            console.log(JSON.stringify({ run, planned, perItem: task.cost.perItem, order: task.route.stages.map((s) => s.labeler) }));
        }
        // Estimates learn from agreement as items pass, so runs drift a little: within 10% (answers, cost), 5 points (shares).
        expect(run.meanAnswers).toBeGreaterThan(planned.expectedAnswers * 0.9);
        expect(run.meanAnswers).toBeLessThan(planned.expectedAnswers * 1.1);
        expect(Math.abs(run.meanCost - task.cost.perItem)).toBeLessThan(task.cost.perItem * 0.1 + 1e-9);
        expect(Math.abs(run.reachProbability - planned.reachProbability)).toBeLessThan(0.05);
        expect(Math.abs(run.accuracy - planned.expectedAccuracy)).toBeLessThan(0.03);
        // Never more answers than the label limit.
        expect(planned.maxAnswers).toBeLessThanOrEqual(task.quality.maxLabels);
    });

    test('raising the target raises the planned answers and cost', async () => {
        const at = async (target: number) => (await compileText(scenarios[0].program.replace('target 95%', `target ${target}%`))).tasks[0];
        const low = await at(80);
        const high = await at(99);
        expect(high.redundancy.expectedAnswers).toBeGreaterThan(low.redundancy.expectedAnswers);
        expect(high.cost.perItem).toBeGreaterThan(low.cost.perItem);
    });
});
