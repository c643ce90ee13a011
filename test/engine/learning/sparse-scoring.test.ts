import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureMatrix } from '../../../engine/src/data/feature-matrix.js';
import { hashTexts } from '../../../engine/src/data/hashed-featurizer.js';
import { writeLinearHead } from '../../../engine/src/learning/onnx-export.js';
import { seededRng } from '../../../engine/src/learning/random.js';
import { scoreMatrix, scoreModel, scoreSparse } from '../../../engine/src/learning/scoring.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { batchInputs, findLinearHead } from '../../../engine/src/learning/sparse-head.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { syntheticMessages } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-sparse-'));
const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());

const rng = seededRng(5);
const dims = 512;
const labels = ['a', 'b', 'c'];
const path = join(dir, 'head.onnx');
writeLinearHead(path, {
    dims,
    labels,
    weights: Float32Array.from({ length: dims * labels.length }, () => (rng() - 0.5) * 8),
    bias: Float32Array.from(labels, () => rng() - 0.5),
});
// Rows of very different lengths, including an empty text (no non-zeros at all).
const texts = [
    ...syntheticMessages(300, 9).map((m) => m.body),
    '',
    'one',
    syntheticMessages(5, 2)
        .map((m) => m.body)
        .join(' '),
];
const features = hashTexts(texts, dims);

describe('sparse scoring of linear heads', () => {
    it.each([1, 7, 64, 1024])('gives the dense path’s probabilities to 1e-6 at batch %i', async (batch) => {
        const dense = await scoreMatrix(await sessions.get(path), features, path, batch);
        const sparse = await scoreSparse((await sessions.sparse(path))!, features, batch);
        expect(sparse.rows).toBe(features.rows);
        expect(sparse.classes).toBe(3);
        let worst = 0;
        for (let i = 0; i < dense.values.length; i++) {
            worst = Math.max(worst, Math.abs(dense.values[i] - sparse.values[i]));
        }
        expect(worst).toBeLessThan(1e-6);
    });

    it('scoreModel takes the sparse path for hashed rows and the dense one for dense rows', async () => {
        const viaModel = await scoreModel(sessions, path, features);
        const direct = await scoreSparse((await sessions.sparse(path))!, features);
        expect(viaModel.values).toEqual(direct.values);
        const denseRows = FeatureMatrix.fromDense(features.denseRows(0, 10), dims);
        const fromDense = await scoreModel(sessions, path, denseRows);
        for (let i = 0; i < fromDense.values.length; i++) {
            expect(fromDense.values[i]).toBeCloseTo(direct.values[i], 6);
        }
    });

    it('feeds a batch as views of the compressed rows with offsets from 0', () => {
        const m = FeatureMatrix.fromSparseRows(8, [
            { indices: Int32Array.of(1, 5), values: Float32Array.of(0.5, 0.25) },
            { indices: Int32Array.of(), values: Float32Array.of() },
            { indices: Int32Array.of(0, 2, 7), values: Float32Array.of(1, 2, 3) },
        ]);
        const batch = batchInputs(m, 1, 3);
        expect([...batch.offsets]).toEqual([0, 0, 3]);
        expect([...batch.indices]).toEqual([0, 2, 7]);
        expect([...batch.values]).toEqual([1, 2, 3]);
        expect(batch.indices.buffer).toBe(m.indices.buffer);
    });

    it('recognizes only plain linear heads; other models keep the dense path', () => {
        expect(findLinearHead(readFileSync(path))).toMatchObject({ dims, classes: 3 });
        const detector = join(
            import.meta.dirname,
            '..',
            '..',
            '..',
            'node_modules',
            '@gutenye',
            'ocr-models',
            'assets',
            'ch_PP-OCRv4_det_infer.onnx',
        );
        expect(findLinearHead(readFileSync(detector))).toBeUndefined();
        const other = join(dir, 'not-a-head.onnx');
        writeFileSync(other, readFileSync(detector));
        return expect(sessions.sparse(other)).resolves.toBeNull();
    });
});
