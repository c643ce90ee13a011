/**
 * Calibrates the reader's line confidence (engine/src/vision/line-confidence.ts) on validation pages
 * with known text and writes reader.calibration.json next to documents.dprog, where `dprog run`
 * finds it (a model labeler's `<name>.calibration.json`). Validation pages: 24 varied pages
 * (varied-pages.ts, seed 11 — not the benchmark's seed 2026) and the sample's 12 pages.
 *   npx tsx samples/documents/calibrate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../../engine/src/data/image.js';
import { boundingBox } from '../../engine/src/data/boxes.js';
import { SessionCache } from '../../engine/src/learning/session-cache.js';
import { loadCtcClasses } from '../../engine/src/vision/ctc.js';
import { fitLineCalibration, weakestCharacter } from '../../engine/src/vision/line-confidence.js';
import { matchBoxes } from '../../engine/src/vision/metrics.js';
import { readPage, type PageReader } from '../../engine/src/vision/read-page.js';
import { DATA_DIR, prepareDocuments, type TruthPage } from './prepare.js';

const here = dirname(fileURLToPath(import.meta.url));
const MODELS = join(here, '..', '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');
export const CALIBRATION = join(here, 'reader.calibration.json');
export const VALIDATION_DIR = join(DATA_DIR, 'validation');

/** The OCR models of the sample, ready to read pages. */
export async function sampleReader(sessions: SessionCache): Promise<PageReader> {
    const files = { detector: join(MODELS, 'ch_PP-OCRv4_det_infer.onnx'), recognizer: join(MODELS, 'ch_PP-OCRv4_rec_infer.onnx') };
    return {
        detector: await sessions.get(files.detector),
        recognizer: await sessions.get(files.recognizer),
        classes: loadCtcClasses(join(MODELS, 'ppocr_keys_v1.txt')),
        files,
    };
}

/** Each detected line matched to a truth line: its weakest character and whether it was read exactly. */
async function lineOutcomes(
    reader: PageReader,
    pages: readonly TruthPage[],
    dir: string,
): Promise<Array<{ weakest: number; right: boolean }>> {
    const outcomes: Array<{ weakest: number; right: boolean }> = [];
    for (const page of pages) {
        const regions = await readPage(reader, readImage(join(dir, page.path)));
        const pairs = matchBoxes(
            page.lines.map((l) => boundingBox(l.box)),
            regions.map((r) => boundingBox(r.box)),
        );
        for (const [t, d] of pairs) {
            outcomes.push({
                weakest: weakestCharacter(regions[d].transcription),
                right: regions[d].transcription.text === page.lines[t].text,
            });
        }
    }
    return outcomes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    const sessions = new SessionCache();
    const reader = await sampleReader(sessions);
    const outcomes = [
        ...(await lineOutcomes(reader, prepareDocuments({ dir: VALIDATION_DIR, kind: 'varied', pages: 24, seed: 11 }), VALIDATION_DIR)),
        ...(await lineOutcomes(reader, prepareDocuments(), DATA_DIR)),
    ];
    const calibration = fitLineCalibration(outcomes, '24 varied pages (seed 11) and the sample’s 12 pages');
    writeFileSync(CALIBRATION, `${JSON.stringify(calibration, null, 2)}\n`);
    console.log(
        `calibrated on ${outcomes.length} lines (${calibration.fittedOn.wrong} misread): a ${calibration.a.toFixed(3)}, b ` +
            `${calibration.b.toFixed(3)} → ${CALIBRATION}`,
    );
    await sessions.releaseAll();
}
