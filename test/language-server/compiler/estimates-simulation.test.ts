/**
 * The plan's redundancy and cost estimates against simulation: labelers of known accuracy answer
 * simulated items, the engine's router (engine/src/routing/router.ts) picks who answers next, and an
 * item stops when its posterior reaches the target or the label limit. The plan's expected answers,
 * cost, share of items reaching the target and accuracy must match what the runs show, and the items
 * that reach the target must be right at least as often as the target says.
 */
import { describe, expect, test } from 'vitest';
import { LabelerEstimates } from '../../../engine/src/quality/labeler-estimates.js';
import { chooseNext, type Candidate } from '../../../engine/src/routing/router.js';
import type { RoutedLabeler, RoutingPolicy } from '../../../engine/src/routing/policy.js';
import type { PlanTask } from '../../../engine/src/plan/types.js';
import { compileText } from './compile-helpers.js';
import { seededRng } from '../../../engine/src/learning/random.js';


interface Outcome {
    meanAnswers: number;
    meanCost: number;
    reached: number;
    accuracy: number;
    accuracyWhenReached: number;
}

function simulate(task: PlanTask, items: number, seed: number): Outcome {
    const rand = seededRng(seed);
    const K = task.classes.length;
    const labelers: RoutedLabeler[] = task.route.stages.map((s) => ({ name: s.labeler, kind: s.kind, cost: s.cost, accuracy: s.accuracy, pool: s.answers }));
    const policy: RoutingPolicy = {
        strategy: task.route.strategy,
        labelers,
        target: task.quality.target,
        maxLabels: task.quality.maxLabels,
        method: 'one_coin',
        goldShare: task.quality.gold,
    };
    const accuracyOf = new Map(labelers.map((l) => [l.name, l.accuracy]));
    const estimates = new LabelerEstimates(task.classes, (member) => ({ accuracy: accuracyOf.get(member.split('#')[0])! }));
    const everyone: Candidate[] = labelers.flatMap((l) =>
        l.kind === 'human' ? Array.from({ length: l.pool ?? 1 }, (_, k) => ({ labeler: l, member: `${l.name}#${k}` })) : [{ labeler: l, member: l.name }],
    );
    let answers = 0;
    let cost = 0;
    let reached = 0;
    let right = 0;
    let rightWhenReached = 0;
    for (let item = 0; item < items; item++) {
        const truth = Math.floor(rand() * K);
        const logScore = new Float64Array(K);
        const asked = new Set<string>();
        let left = [...everyone];
        let done = false;
        for (let n = 0; n < policy.maxLabels && !done; n++) {
            const next = chooseNext(policy, left, asked, estimates);
            if (!next) break;
            left = left.filter((c) => c !== next);
            asked.add(next.labeler.name);
            const a = next.labeler.accuracy;
            const answer = rand() < a ? truth : (truth + 1 + Math.floor(rand() * (K - 1))) % K;
            logScore[answer] += Math.log((a * (K - 1)) / (1 - a));
            answers++;
            cost += next.labeler.kind === 'human' ? next.labeler.cost / (1 - policy.goldShare) : next.labeler.cost;
            const top = Math.max(...logScore);
            const posterior = 1 / logScore.reduce((sum, s) => sum + Math.exp(s - top), 0);
            done = posterior >= policy.target;
        }
        const top = Math.max(...logScore);
        const leaders = [...logScore.keys()].filter((k) => logScore[k] === top);
        const share = leaders.includes(truth) ? 1 / leaders.length : 0;
        right += share;
        if (done) {
            reached++;
            rightWhenReached += share;
        }
    }
    return { meanAnswers: answers / items, meanCost: cost / items, reached: reached / items, accuracy: right / items, accuracyWhenReached: reached ? rightWhenReached / reached : 1 };
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
        const run = simulate(task, 6000, 42);
        const planned = task.redundancy;
        if (process.env.SHOW_SIM) console.log(JSON.stringify({ run, planned, perItem: task.cost.perItem, order: task.route.stages.map((s) => s.labeler) }));
        expect(run.meanAnswers).toBeGreaterThan(planned.expectedAnswers * 0.97);
        expect(run.meanAnswers).toBeLessThan(planned.expectedAnswers * 1.03);
        expect(Math.abs(run.meanCost - task.cost.perItem)).toBeLessThan(task.cost.perItem * 0.04 + 1e-9);
        expect(Math.abs(run.reached - planned.reachProbability)).toBeLessThan(0.02);
        expect(Math.abs(run.accuracy - planned.expectedAccuracy)).toBeLessThan(0.02);
        // Items that reach the target are right at least as often as the target promises.
        expect(run.accuracyWhenReached).toBeGreaterThanOrEqual(task.quality.target - 0.01);
        // Never more answers than planned at most.
        expect(planned.maxAnswers).toBeLessThanOrEqual(task.quality.maxLabels);
    });

    test('raising the target raises the planned answers and cost', async () => {
        const at = async (target: number) =>
            (await compileText(scenarios[0].program.replace('target 95%', `target ${target}%`))).tasks[0];
        const low = await at(80);
        const high = await at(99);
        expect(high.redundancy.expectedAnswers).toBeGreaterThan(low.redundancy.expectedAnswers);
        expect(high.cost.perItem).toBeGreaterThan(low.cost.perItem);
    });
});
