import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashTexts } from '../../../engine/src/data/hashed-featurizer.js';
import { ModelError } from '../../../engine/src/learning/errors.js';
import { writeLinearHead, type LinearHead } from '../../../engine/src/learning/onnx-export.js';
import { readOnnxSignature } from '../../../engine/src/learning/onnx-signature.js';
import { scoreMatrix } from '../../../engine/src/learning/scoring.js';
import { createSession, SessionCache } from '../../../engine/src/learning/session-cache.js';
import { predictSoftmax, trainSoftmax } from '../../../engine/src/learning/softmax-regression.js';
import { syntheticMessages } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-onnx-'));
const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());

const labels = ['spam', 'ham'];
const messages = syntheticMessages(200, 3);
const x = hashTexts(
    messages.map((m) => m.body),
    256,
);
const y = Int32Array.from(messages, (m) => labels.indexOf(m.gold));

describe('softmax head: train in TypeScript, export to ONNX, run in onnxruntime-node', () => {
    const head = trainSoftmax(x, y, labels);
    const path = join(dir, 'head.onnx');
    writeLinearHead(path, head, { 'dprog.task': 'classify' });

    it('learns a separable problem', () => {
        const p = predictSoftmax(head, x);
        let correct = 0;
        for (let r = 0; r < x.rows; r++) {
            if ((p[r * 2] > p[r * 2 + 1] ? 0 : 1) === y[r]) {
                correct++;
            }
        }
        expect(correct / x.rows).toBeGreaterThan(0.95);
    });

    it('regularisation shrinks the weights', () => {
        const strong = trainSoftmax(x, y, labels, { l2: 10 });
        const norm = (h: LinearHead) => Math.sqrt(h.weights.reduce((s, w) => s + w * w, 0));
        expect(norm(strong)).toBeLessThan(norm(head) / 3);
    });

    it('gives the same probabilities through onnxruntime as in TypeScript', async () => {
        const session = await sessions.get(path);
        const scores = await scoreMatrix(session, x, path, 64);
        expect(scores.classes).toBe(2);
        const expected = predictSoftmax(head, x);
        for (let i = 0; i < expected.length; i++) {
            expect(scores.values[i]).toBeCloseTo(expected[i], 4);
        }
    });

    it('has a signature the checker can read without a session', () => {
        const signature = readOnnxSignature(path);
        expect(signature.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['batch', 256] }]);
        expect(signature.outputs).toEqual([{ name: 'probabilities', type: 'float32', shape: ['batch', 2] }]);
        expect(JSON.parse(signature.metadata['dprog.labels'])).toEqual(labels);
        expect(signature.metadata['dprog.task']).toBe('classify');
    });

    it('reuses one session per file and reloads when the file changes', async () => {
        const a = await sessions.get(path);
        expect(await sessions.get(path)).toBe(a);
        const other = join(dir, 'changing.onnx');
        writeLinearHead(other, head);
        const first = await sessions.get(other);
        await new Promise((r) => setTimeout(r, 20));
        writeLinearHead(other, trainSoftmax(x, y, labels, { l2: 1 }));
        expect(await sessions.get(other)).not.toBe(first);
    });
});

describe('bad model files give a ModelError naming the file', () => {
    it('missing file', async () => {
        const path = join(dir, 'missing.onnx');
        await expect(createSession(path)).rejects.toThrow(ModelError);
        await expect(createSession(path)).rejects.toThrow(`${path}: model file not found`);
        expect(() => readOnnxSignature(path)).toThrow(`${path}: cannot read the model file`);
    });

    it('corrupt file', async () => {
        const path = join(dir, 'corrupt.onnx');
        writeFileSync(path, Buffer.from('this is not a protobuf \x00\xff\x12\x34 at all'));
        await expect(sessions.get(path)).rejects.toThrow(new RegExp(`${path}: onnxruntime cannot load this model`));
        expect(() => readOnnxSignature(path)).toThrow(ModelError);
        // The failure is not cached: once the file is fixed, it loads.
        writeLinearHead(path, trainSoftmax(x, y, labels));
        await expect(sessions.get(path)).resolves.toBeDefined();
    });

    it('a model whose input width does not match the featurizer', async () => {
        const path = join(dir, 'narrow.onnx');
        writeLinearHead(path, trainSoftmax(hashTexts(['a b', 'c d'], 16), Int32Array.from([0, 1]), labels));
        const session = await sessions.get(path);
        await expect(scoreMatrix(session, x, path)).rejects.toThrow(
            `${path}: input 'features' has shape [batch, 16] but the featurizer produces [batch, 256]`,
        );
    });
});
