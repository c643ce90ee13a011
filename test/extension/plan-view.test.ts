/**
 * The readable plan view, from the samples' really compiled plans: every task with its route,
 * redundancy, quality, expected cost and accuracy as the plan states them; flows' stages in
 * dependency order; unknown numbers shown as unknown.
 */
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { money, percent, planView } from '../../webview/src/plan/plan-view.js';

async function compile(sample: string): Promise<LabelingPlan> {
    const { plan } = await compileProgramFile(resolve(__dirname, '../../samples', sample));
    if (!plan) {
        throw new Error(`${sample} does not compile`);
    }
    return plan;
}

describe('plan view', () => {
    test('the spam plan: totals, the task with its route in order, learning and monitors', async () => {
        const plan = await compile('spam/spam.dprog');
        const view = planView(plan);
        expect(view.title).toBe(`SpamTriage · version ${plan.version}`);
        expect(view.totals).toContainEqual({ label: 'Expected cost', value: money(plan.totals.expectedCost), warn: false });
        expect(view.totals).toContainEqual({ label: 'Expected accuracy', value: percent(plan.totals.expectedAccuracy) });
        const [task] = view.tasks;
        const planned = plan.tasks[0];
        expect(task.name).toBe('classify');
        expect(task.route.map((s) => `${s.labeler}:${s.kind}`)).toEqual([
            'keywords:rules',
            'spam_model:model',
            'crowd:human',
            'analysts:human',
        ]);
        expect(task.route[2].detail).toBe('$0.01 · 75.0% · up to 50 answers');
        expect(task.expectedCost).toBe(`${money(planned.cost.total)} (${money(planned.cost.perItem)} per item)`);
        expect(task.expectedAccuracy).toBe(percent(planned.redundancy.expectedAccuracy));
        expect(task.quality).toMatch(/^target 95\.0% · dawid_skene · at most 3 labels/);
        expect(task.budget).toBe('$100.00');
        expect(task.overBudget).toBe(planned.cost.withinBudget === false);
        expect(view.learn[0]).toMatch(/^learn classify using spam_model: margin with 30\.0% diversity, batches of 50/);
        expect(view.monitors).toEqual([
            'shift of emails.body (psi): warn above 0.1, alert above 0.25',
            'predictions of spam_model: confidence within [5.0%, 99.0%], rate of spam within [10.0%, 60.0%]',
        ]);
        expect(view.warnings).toEqual(plan.warnings.map((w) => ({ code: w.code, subject: w.subject, message: w.message })));
    });

    test("the documents plan: the flow's stages with their dependencies and loops", async () => {
        const plan = await compile('documents/documents.dprog');
        const [flow] = planView(plan).flows;
        expect(flow.name).toBe('transcription');
        expect(flow.stages.map((s) => s.task)).toEqual(['regions', 'transcribe']);
        expect(flow.stages[0].after).toBe('—');
        expect(flow.stages[1].after).toBe(flow.stages[0].id);
        expect(flow.stages[1].loop).toMatch(/^for r in /);
        expect(flow.stages[1].inputs).toMatch(/crop\(d\.image, r\)/);
    });

    test('unknown numbers stay unknown', () => {
        expect(money(null)).toBe('unknown');
        expect(percent(null)).toBe('unknown');
    });
});
