/**
 * What the active-learning preview shows, from what the engine computed: the batch, the pool's
 * scores, the learning curve, the test-set alerts, and notes on what is not available yet. No
 * `vscode` import, so it is tested without an editor.
 */
import * as path from 'node:path';
import type { LabelingPlan, PlanLearn } from '../../../engine/src/plan/types.js';
import type { AlertView, HostToPreview } from '../../../webview/src/protocol.js';
import type { LearningCurvePoint, SampleResult } from '../engine-bridge/dprog-engine.js';

export interface PreviewInputs {
    plan: LabelingPlan;
    learn: PlanLearn;
    /** The program file and the task previewed. */
    program: string;
    task: string;
    batch: SampleResult;
    curve: LearningCurvePoint[];
    /** Per program version, how many evaluations on the test split it made. */
    testSetUses: ReadonlyMap<string, number>;
}

export function previewMessage({ plan, learn, program, task, batch, curve, testSetUses }: PreviewInputs): HostToPreview {
    const pool = batch.poolScores ?? null;
    const notes: string[] = [];
    if (!pool && !batch.coldStart) {
        notes.push(`Pool scores: not computed for the \`${batch.strategy}\` strategy (every item is equally likely).`);
    }
    for (const note of monitorNotes(plan, pool !== null && !batch.coldStart)) {
        notes.push(note);
    }
    if (batch.coldStart) {
        notes.push(
            `Cold start: ${learn.model} has no trained version yet, so the batch is chosen for coverage (k-center), scores are ` +
                `coverage distances, and the pool's score distribution appears once a model exists.`,
        );
    }
    notes.push('Expected savings against random sampling: not available yet (no random-sampling baseline has been recorded in the store).');
    return {
        type: 'preview',
        program,
        task,
        strategy: batch.strategy,
        coldStart: batch.coldStart,
        batch: batch.items.map((i) => ({ key: i.key, score: i.score, reason: i.reason, split: i.split })),
        poolScores: pool,
        labeled: batch.labeled,
        candidates: batch.candidates,
        learningCurve: curve,
        expectedSavings: null,
        alerts: testSetAlerts(testSetUses),
        notes: notes.map((n) => n.replace(path.dirname(program) + path.sep, '')),
    };
}

/** A warning for each program version that evaluated on the test set more than once. */
function testSetAlerts(uses: ReadonlyMap<string, number>): AlertView[] {
    return [...uses]
        .filter(([, count]) => count > 1)
        .map(([version, count]) => ({
            level: 'warning',
            monitor: 'test set',
            message: `The test set was evaluated ${count} times under program version ${version}: use it once per version.`,
        }));
}

/** What the preview cannot show yet of the program's monitors. */
function monitorNotes(plan: LabelingPlan, scored: boolean): string[] {
    const notes: string[] = [];
    for (const monitor of plan.monitors) {
        if (monitor.kind === 'predictions' && scored) {
            notes.push(`Monitor predictions of ${monitor.model}: bounds are checked by \`dprog run\`; not available in the preview yet.`);
        } else if (monitor.kind === 'shift') {
            notes.push(
                `Monitor shift of ${monitor.source}${monitor.field ? `.${monitor.field}` : ''} (${monitor.metric}): not ` +
                    `available in the preview yet.`,
            );
        }
    }
    return notes;
}
