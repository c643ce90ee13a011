import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActiveLearner } from '../../../engine/src/learning/active-learning.js';
import { loadLearningData, type LearnProgram } from '../../../engine/src/learning/learn-program.js';
import { InMemoryModelVersions } from '../../../engine/src/learning/model-versions.js';
import { writeLinearHead } from '../../../engine/src/learning/onnx-export.js';
import { readOnnxSignature } from '../../../engine/src/learning/onnx-signature.js';
import { seededRng } from '../../../engine/src/learning/random.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { syntheticMessages } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-encoder-'));
const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());

const messages = syntheticMessages(200, 4);
writeFileSync(join(dir, 'emails.jsonl'), messages.map((m) => JSON.stringify(m)).join('\n'));
// A frozen "encoder": 512 hashed inputs → 16 outputs (any ONNX model with a float [N, D] output will do).
const rng = seededRng(2);
const encoder = join(dir, 'encoder.onnx');
writeLinearHead(encoder, {
    dims: 512,
    labels: Array.from({ length: 16 }, (_, i) => `e${i}`),
    weights: Float32Array.from({ length: 512 * 16 }, () => (rng() - 0.5) * 8),
    bias: new Float32Array(16),
});

const program: LearnProgram = {
    program: 'Triage',
    programVersion: '1',
    task: 'classify',
    labels: ['spam', 'ham'],
    dataset: {
        name: 'emails',
        format: 'jsonl',
        path: join(dir, 'emails.jsonl'),
        fields: [
            { name: 'id', type: 'String', key: true },
            { name: 'body', type: 'Text' },
        ],
        split: {
            field: 'id',
            buckets: [
                { name: 'train', share: 0.7 },
                { name: 'validation', share: 0.3 },
            ],
        },
    },
    model: { name: 'spam_model', path: join(dir, 'absent.onnx'), inputField: 'body', featurizer: { kind: 'hashed', dims: 512 }, encoder },
    learn: { strategy: 'margin', diversity: 0.2, batch: 10, budget: 30, retrainEvery: 10, stopSplit: 'validation', seed: 1 },
    people: [],
    quality: { target: 0.9, maxLabels: 1 },
};

describe('features from a frozen ONNX encoder', () => {
    it('featurizes through the encoder and trains a head on its 16-dim outputs', async () => {
        const data = await loadLearningData(program, sessions);
        expect(data.features.dims).toBe(16);
        expect(data.features.rows).toBe(200);
        expect(data.features.dense).toBeDefined();
        const labels = program.labels;
        const gold = messages.map((m) => labels.indexOf(m.gold));
        const versions = new InMemoryModelVersions();
        const learner = new ActiveLearner(
            {
                keys: data.items.map((i) => i.key),
                features: data.features,
                splits: data.splits,
                labels,
                validationLabels: new Map(data.splits.flatMap((s, i) => (s === 'validation' ? [[i, gold[i]] as [number, number]] : []))),
            },
            program.learn,
            {
                task: 'classify',
                labeler: 'spam_model',
                sessions,
                versions,
                modelDir: join(dir, 'models'),
                label: (picks) => picks.map((p) => labels[gold[p.position]]),
            },
        );
        while (!learner.stopReason()) {
            await learner.round();
        }
        const last = versions.list('spam_model').at(-1)!;
        expect(readOnnxSignature(last.onnxPath).inputs[0].shape).toEqual(['batch', 16]);
        expect(last.validationAccuracy).toBeGreaterThan(0.6);
    });

    it('a missing encoder is an error naming it', async () => {
        const missing = join(dir, 'nope.onnx');
        await expect(loadLearningData({ ...program, model: { ...program.model, encoder: missing } }, sessions)).rejects.toThrow(
            `${missing}: model file not found`,
        );
    });
});
