/**
 * OCR quality on the documents sample's rendered pages (they carry ground truth): detection recall
 * at IoU 0.5 of PaddleOCR's PP-OCRv4 detector with dprog's DB post-processing, and the character
 * error rate of the recognizer's CTC transcriptions of the matched regions (cropped from the
 * detected boxes, as `dprog run` does). Targets (issue 7, for clean rendered text): recall ≥ 0.9,
 * CER ≤ 10%; printed as measured ÷ target ratios. Timings per page, beside performance.md's
 * published 130 ms (detection at 640 × 640) and 33 ms (recognition at width 320).
 *   npx tsx bench/ocr.bench.ts
 */
import { join } from 'node:path';
import { cropImage, readImage } from '../engine/src/data/image.js';
import { SessionCache } from '../engine/src/learning/session-cache.js';
import { loadCtcClasses } from '../engine/src/vision/ctc.js';
import { editDistance, matchBoxes } from '../engine/src/vision/metrics.js';
import { detectText } from '../engine/src/vision/text-detector.js';
import { recognizeText } from '../engine/src/vision/text-recognizer.js';
import { DATA_DIR, prepareDocuments } from '../samples/documents/prepare.js';

const MODELS = join(import.meta.dirname, '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');
const DETECTOR = join(MODELS, 'ch_PP-OCRv4_det_infer.onnx');
const RECOGNIZER = join(MODELS, 'ch_PP-OCRv4_rec_infer.onnx');
const TARGET_RECALL = 0.9;
const TARGET_CER = 0.1;

const truth = prepareDocuments();
const sessions = new SessionCache();
const detector = await sessions.get(DETECTOR);
const recognizer = await sessions.get(RECOGNIZER);
const classes = loadCtcClasses(join(MODELS, 'ppocr_keys_v1.txt'));

let truthLines = 0;
let found = 0;
let detections = 0;
let edits = 0;
let chars = 0;
let exact = 0;
const detectMs: number[] = [];
const recognizeMs: number[] = [];
const mistakes: string[] = [];
for (const page of truth) {
    const image = readImage(join(DATA_DIR, page.path));
    let t0 = performance.now();
    const regions = await detectText(detector, image, DETECTOR);
    detectMs.push(performance.now() - t0);
    const pairs = matchBoxes(
        page.lines.map((l) => l.box),
        regions.map((r) => r.box),
    );
    truthLines += page.lines.length;
    detections += regions.length;
    found += pairs.length;
    t0 = performance.now();
    const texts = await recognizeText(
        recognizer,
        pairs.map(([, d]) => cropImage(image, regions[d].box)),
        classes,
        RECOGNIZER,
    );
    recognizeMs.push(performance.now() - t0);
    pairs.forEach(([t], k) => {
        const want = page.lines[t].text;
        const got = texts[k].text;
        const e = editDistance(got, want);
        edits += e;
        chars += [...want].length;
        if (e === 0) exact++;
        else if (mistakes.length < 8) mistakes.push(`  ${page.path}: "${got}" for "${want}"`);
    });
}
await sessions.releaseAll();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const recall = found / truthLines;
const precision = detections === 0 ? 0 : found / detections;
const cer = chars === 0 ? 1 : edits / chars;
console.log(`pages ${truth.length}, text lines ${truthLines}, detected regions ${detections}`);
console.log(`detection recall @ IoU 0.5: ${recall.toFixed(3)} (target ≥ ${TARGET_RECALL}; ratio ${(recall / TARGET_RECALL).toFixed(2)})  precision ${precision.toFixed(3)}`);
console.log(`character error rate on matched lines: ${(cer * 100).toFixed(2)}% (target ≤ ${TARGET_CER * 100}%; ratio ${(cer / TARGET_CER).toFixed(2)} of the allowed)  exact lines ${exact}/${found}`);
console.log(`median per page: detection ${median(detectMs).toFixed(0)} ms, recognition ${median(recognizeMs).toFixed(0)} ms (performance.md: 130 ms at 640 x 640, 33 ms per crop at width 320)`);
if (mistakes.length > 0) console.log(`some misread lines:\n${mistakes.join('\n')}`);
const ok = recall >= TARGET_RECALL && cer <= TARGET_CER;
console.log(ok ? 'targets met' : 'TARGET MISSED');
process.exit(ok ? 0 : 1);
