import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashTexts } from '../../../engine/src/data/hashed-featurizer.js';
import { assignBucket } from '../../../engine/src/data/split.js';
import { ActiveLearner, type LearningPool } from '../../../engine/src/learning/active-learning.js';
import { InMemoryModelVersions } from '../../../engine/src/learning/model-versions.js';
import { readOnnxSignature } from '../../../engine/src/learning/onnx-signature.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { BatchPick } from '../../../engine/src/learning/select-batch.js';
import { syntheticMessages } from './helpers.js';

const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());
const labels = ['spam', 'ham'];
const messages = syntheticMessages(300, 5);
const splits = messages.map((m) =>
    assignBucket(m.id, [
        { name: 'train', share: 0.6 },
        { name: 'validation', share: 0.2 },
        { name: 'test', share: 0.2 },
    ]),
);
const gold = messages.map((m) => labels.indexOf(m.gold));
const pool: LearningPool = {
    keys: messages.map((m) => m.id),
    features: hashTexts(
        messages.map((m) => m.body),
        512,
    ),
    splits,
    labels,
    validationLabels: new Map(splits.flatMap((s, i) => (s === 'validation' ? [[i, gold[i]] as [number, number]] : []))),
};

function learner(settings: Partial<ConstructorParameters<typeof ActiveLearner>[1]> = {}) {
    const asked: BatchPick[][] = [];
    const versions = new InMemoryModelVersions();
    const l = new ActiveLearner(
        pool,
        { strategy: 'margin', diversity: 0.3, batch: 10, budget: 60, retrainEvery: 20, seed: 1, ...settings },
        {
            task: 'classify',
            labeler: 'spam_model',
            sessions,
            versions,
            modelDir: mkdtempSync(join(tmpdir(), 'dprog-al-')),
            label: (picks) => {
                asked.push(picks);
                return picks.map((p) => labels[gold[p.position]]);
            },
        },
    );
    return { learner: l, asked, versions };
}

describe('ActiveLearner', () => {
    it("starts cold with k-center, retrains on people's labels every N labels, and keeps every version", async () => {
        const { learner: l, asked, versions } = learner();
        const first = await l.round();
        expect(first.model).toBeUndefined();
        expect(first.picked.every((p) => p.reason === 'cold_start')).toBe(true);
        expect(first.retrained?.version).toBe('1'); // the first model comes as soon as there are labels
        while (!l.stopReason()) {
            await l.round();
        }
        expect(l.stopReason()).toBe('budget');
        expect(l.labelsSpent).toBe(60);
        const all = versions.list('spam_model');
        expect(all.map((v) => v.labelsUsed)).toEqual([10, 30, 50, 60]);
        // Every version was trained only on labels the callback gave, and exported as ONNX that loads.
        expect(all.at(-1)!.labelsUsed).toBe(asked.flat().length);
        for (const v of all) {
            expect(readOnnxSignature(v.onnxPath).outputs[0].shape).toEqual(['batch', 2]);
        }
        expect(all.at(-1)!.validationAccuracy).toBeGreaterThan(0.85);
    });

    it('only ever asks about train items, never the same one twice', async () => {
        const { learner: l, asked } = learner({ budget: 80 });
        while (!l.stopReason()) {
            await l.round();
        }
        const positions = asked.flat().map((p) => p.position);
        expect(positions.every((p) => splits[p] === 'train')).toBe(true);
        expect(new Set(positions).size).toBe(positions.length);
        // After the first model, batches mix uncertainty and k-center picks in the declared share.
        const later = asked[asked.length - 1];
        expect(later.filter((p) => p.reason === 'diversity')).toHaveLength(3);
        expect(later.filter((p) => p.reason === 'uncertainty')).toHaveLength(7);
    });

    it('stops once validation accuracy reaches the target', async () => {
        const { learner: l } = learner({ stopAccuracy: 0.8, budget: 150 });
        while (!l.stopReason()) {
            await l.round();
        }
        expect(l.stopReason()).toBe('accuracy');
        expect(l.accuracy).toBeGreaterThanOrEqual(0.8);
        expect(l.labelsSpent).toBeLessThan(150);
    });

    it('starts from labels already given and does not ask for them again', async () => {
        const trainRows = splits.flatMap((s, i) => (s === 'train' ? [i] : []));
        const known = new Map(trainRows.slice(0, 15).map((r) => [r, gold[r]] as [number, number]));
        const asked: number[] = [];
        const l = new ActiveLearner(
            pool,
            { strategy: 'entropy', diversity: 0, batch: 5, budget: 25, retrainEvery: 5, seed: 2 },
            {
                task: 'classify',
                labeler: 'm',
                sessions,
                versions: new InMemoryModelVersions(),
                modelDir: mkdtempSync(join(tmpdir(), 'dprog-al-')),
                known,
                label: (picks) => {
                    asked.push(...picks.map((p) => p.position));
                    return picks.map((p) => labels[gold[p.position]]);
                },
            },
        );
        while (!l.stopReason()) {
            await l.round();
        }
        expect(asked).toHaveLength(10);
        expect(asked.some((p) => known.has(p))).toBe(false);
    });
});
