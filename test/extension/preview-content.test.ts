/**
 * The preview panel's content from what the engine computed (the spam sample's plan): the batch as
 * shown, test-set alerts, and a note for each thing the preview cannot show yet.
 */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import type { SampleResult } from '../../extension/src/engine-bridge/dprog-engine.js';
import { previewMessage } from '../../extension/src/panels/preview-content.js';
import type { HostToPreview } from '../../webview/src/protocol.js';

const program = path.resolve(__dirname, '../../samples/spam/spam.dprog');
let plan: LabelingPlan;
beforeAll(async () => {
    plan = (await compileProgramFile(program)).plan!;
});

const batch: SampleResult = {
    task: 'classify',
    strategy: 'margin',
    coldStart: false,
    labeled: 20,
    candidates: 4000,
    items: [{ key: 'm1', score: 0.51, split: 'train', reason: 'uncertainty' }],
    poolScores: [0.1, 0.51],
};

function preview(over: Partial<SampleResult> = {}, uses: Array<[string, number]> = []): Extract<HostToPreview, { type: 'preview' }> {
    const learn = plan.learn.find((l) => l.task === 'classify')!;
    const message = previewMessage({
        plan,
        learn,
        program,
        task: 'classify',
        batch: { ...batch, ...over },
        curve: [{ version: 'v1', labelsUsed: 20, accuracy: 0.9 }],
        testSetUses: new Map(uses),
    });
    if (message.type !== 'preview') {
        throw new Error(message.type);
    }
    return message;
}

describe('previewMessage', () => {
    it("shows the engine's batch, pool and curve as they are", () => {
        const message = preview();
        expect(message).toMatchObject({
            program,
            task: 'classify',
            strategy: 'margin',
            coldStart: false,
            batch: [{ key: 'm1', score: 0.51, reason: 'uncertainty', split: 'train' }],
            poolScores: [0.1, 0.51],
            labeled: 20,
            candidates: 4000,
            learningCurve: [{ version: 'v1', labelsUsed: 20, accuracy: 0.9 }],
            expectedSavings: null,
            alerts: [],
        });
    });

    it('notes each monitor it cannot show, and that savings are unknown', () => {
        expect(preview().notes).toEqual([
            'Monitor shift of emails.body (psi): not available in the preview yet.',
            'Monitor predictions of spam_model: bounds are checked by `dprog run`; not available in the preview yet.',
            'Expected savings against random sampling: not available yet (no random-sampling baseline has been recorded in the store).',
        ]);
    });

    it('says when the pool was not scored, and explains a cold start (no prediction monitor then)', () => {
        const unscored = preview({ strategy: 'random', poolScores: null }).notes;
        expect(unscored[0]).toBe('Pool scores: not computed for the `random` strategy (every item is equally likely).');
        expect(unscored.some((n) => n.startsWith('Monitor predictions'))).toBe(false);
        const cold = preview({ coldStart: true, poolScores: null });
        expect(cold.poolScores).toBeNull();
        expect(cold.notes.some((n) => n.startsWith('Pool scores'))).toBe(false);
        expect(cold.notes.some((n) => n.startsWith('Monitor predictions'))).toBe(false);
        expect(cold.notes).toContain(
            'Cold start: spam_model has no trained version yet, so the batch is chosen for coverage (k-center), scores are coverage ' +
                "distances, and the pool's score distribution appears once a model exists.",
        );
    });

    it('warns about a program version that used the test set more than once, and only then', () => {
        const message = preview({}, [
            ['1', 1],
            ['2', 3],
        ]);
        expect(message.alerts).toEqual([
            {
                level: 'warning',
                monitor: 'test set',
                message: 'The test set was evaluated 3 times under program version 2: use it once per version.',
            },
        ]);
    });
});
