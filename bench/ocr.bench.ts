/**
 * OCR against Tesseract on the same pages, which carry ground truth:
 *   - the documents sample's 12 pages (prepare.ts), and
 *   - 8 varied pages dprog was never tuned on (varied-pages.ts: 14–40 px, a tilted line, prices and
 *     figures, two columns, low-contrast grey), seed 2026.
 * dprog: PaddleOCR's PP-OCRv4 detector with dprog's DB post-processing (rotated boxes; regions under
 * the box threshold are kept for review, so they count; boxes fitted to the ink), each region warped
 * upright with a reading margin and read by the PP-OCRv4 recognizer with word gaps recovered. Baseline side by side: Tesseract 5 (Debian's
 * `tesseract-ocr`, `tesseract PAGE stdout tsv`: its words by line, a line split where words are more
 * than twice its height apart, since Tesseract reads a row across two columns as one line). A truth line is found when
 * a detected line's box overlaps it at IoU ≥ 0.5 (the two boxes' upright extents, so Tesseract's
 * upright boxes and dprog's rotated ones are judged alike). CER counts spaces and counts every
 * character of a missed line as an error (also printed: CER on matched lines only).
 * Targets on the varied pages: recall ≥ 0.99 and equal to Tesseract's (dprog ≥ Tesseract), CER ≤ 1%
 * and at most 0.5 points above Tesseract's; the transcription gate (documents.dprog: target 97%)
 * with the calibrated line confidence (reader.calibration.json, fitted on other pages by
 * samples/documents/calibrate.ts) accepts only lines that are right at ≥ 97%, shown beside the
 * uncalibrated mean character probability.
 *   npx tsx bench/ocr.bench.ts           (the Tesseract columns are skipped, with a message, when it is absent)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readImage, type RgbImage } from '../engine/src/data/image.js';
import { boundingBox, type RotatedBox } from '../engine/src/data/boxes.js';
import { SessionCache } from '../engine/src/learning/session-cache.js';
import type { Transcription } from '../engine/src/vision/ctc.js';
import { calibratedConfidence, readLineCalibration } from '../engine/src/vision/line-confidence.js';
import { editDistance, matchBoxes } from '../engine/src/vision/metrics.js';
import { readPage } from '../engine/src/vision/read-page.js';
import { CALIBRATION, sampleReader } from '../samples/documents/calibrate.js';
import { DATA_DIR, prepareDocuments, type TruthPage } from '../samples/documents/prepare.js';

const VARIED_DIR = join(DATA_DIR, 'varied');
const TARGET_RECALL = 0.99;
const TARGET_CER = 0.01;
const CER_MARGIN = 0.005;
/** documents.dprog's transcribe task: `target 97%`. */
const TRANSCRIPTION_TARGET = 0.97;

interface ReadLine {
    box: RotatedBox;
    text: string;
    transcription?: Transcription;
}

interface Score {
    truthLines: number;
    found: number;
    detections: number;
    edits: number;
    matchedEdits: number;
    chars: number;
    matchedChars: number;
    mistakes: string[];
    /** dprog's matched lines: the transcription and whether it is exactly right. */
    outcomes: Array<{ transcription: Transcription; right: boolean }>;
}

const sessions = new SessionCache();
const reader = await sampleReader(sessions);
const calibration = readLineCalibration(CALIBRATION);

async function dprogRead(image: RgbImage): Promise<ReadLine[]> {
    return (await readPage(reader, image)).map((r) => ({ box: r.box, text: r.transcription.text, transcription: r.transcription }));
}

function tesseractAvailable(): boolean {
    try {
        execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
        return true;
    } catch {
        return false;
    }
}

interface Word {
    x: number;
    y: number;
    width: number;
    height: number;
    text: string;
}

/** A line's words as one or more lines: split where two words are further apart than twice the line's height (a row across two columns). */
function splitAtGutters(words: Word[]): ReadLine[] {
    const height = Math.max(...words.map((w) => w.height));
    const parts: Word[][] = [[words[0]]];
    for (const word of words.slice(1)) {
        const last = parts[parts.length - 1].at(-1)!;
        if (word.x - (last.x + last.width) > 2 * height) {
            parts.push([word]);
        } else {
            parts[parts.length - 1].push(word);
        }
    }
    return parts.map((part) => {
        const x = Math.min(...part.map((w) => w.x));
        const y = Math.min(...part.map((w) => w.y));
        const right = Math.max(...part.map((w) => w.x + w.width));
        const bottom = Math.max(...part.map((w) => w.y + w.height));
        return { box: { x, y, width: right - x, height: bottom - y }, text: part.map((w) => w.text).join(' ') };
    });
}

/** Tesseract's lines from its TSV output (level-5 words grouped by their line), split at column gutters. */
function tesseractRead(file: string): ReadLine[] {
    const tsv = execFileSync('tesseract', [file, 'stdout', '-l', 'eng', 'tsv'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = new Map<string, Word[]>();
    for (const row of tsv.split('\n').slice(1)) {
        const f = row.split('\t');
        if (f.length < 12 || f[0] !== '5' || f[11].trim() === '') {
            continue;
        }
        const key = f.slice(1, 5).join('.');
        const [x, y, width, height] = f.slice(6, 10).map(Number);
        lines.set(key, [...(lines.get(key) ?? []), { x, y, width, height, text: f[11].trim() }]);
    }
    return [...lines.values()].flatMap(splitAtGutters);
}

function score(pages: readonly TruthPage[], read: ReadLine[][]): Score {
    const s: Score = {
        truthLines: 0,
        found: 0,
        detections: 0,
        edits: 0,
        matchedEdits: 0,
        chars: 0,
        matchedChars: 0,
        mistakes: [],
        outcomes: [],
    };
    pages.forEach((page, p) => {
        const lines = read[p];
        const pairs = matchBoxes(
            page.lines.map((l) => boundingBox(l.box)),
            lines.map((l) => boundingBox(l.box)),
        );
        const matched = new Map(pairs);
        s.truthLines += page.lines.length;
        s.detections += lines.length;
        s.found += pairs.length;
        page.lines.forEach((line, t) => {
            const want = line.text;
            const got = matched.has(t) ? lines[matched.get(t)!].text : '';
            const e = matched.has(t) ? editDistance(got, want) : [...want].length;
            s.edits += e;
            s.chars += [...want].length;
            const transcription = matched.has(t) ? lines[matched.get(t)!].transcription : undefined;
            if (transcription) {
                s.outcomes.push({ transcription, right: e === 0 });
            }
            if (matched.has(t)) {
                s.matchedEdits += e;
                s.matchedChars += [...want].length;
            }
            if (e > 0 && s.mistakes.length < 6) {
                s.mistakes.push(`    ${page.path}: ${matched.has(t) ? `"${got}"` : 'MISSED'} for "${want}"`);
            }
        });
    });
    return s;
}

function report(name: string, s: Score): void {
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(
        `  ${name.padEnd(9)} recall ${(s.found / s.truthLines).toFixed(3)} (${s.found}/${s.truthLines}, ${s.detections} lines read)  ` +
            `CER ${pct(s.edits / s.chars)} (matched lines ${pct(s.matchedEdits / Math.max(1, s.matchedChars))})`,
    );
    if (s.mistakes.length > 0) {
        console.log(s.mistakes.join('\n'));
    }
}

async function measure(
    title: string,
    pages: readonly TruthPage[],
    dir: string,
    tesseract: boolean,
): Promise<{ dprog: Score; tesseract?: Score }> {
    const dprogLines: ReadLine[][] = [];
    const tesseractLines: ReadLine[][] = [];
    let dprogMs = 0;
    let tesseractMs = 0;
    for (const page of pages) {
        const file = join(dir, page.path);
        let t = performance.now();
        dprogLines.push(await dprogRead(readImage(file)));
        dprogMs += performance.now() - t;
        if (tesseract) {
            t = performance.now();
            tesseractLines.push(tesseractRead(file));
            tesseractMs += performance.now() - t;
        }
    }
    const lines = pages.reduce((n, p) => n + p.lines.length, 0);
    console.log(
        `${title}: ${pages.length} pages, ${lines} lines  (per page: dprog ${(dprogMs / pages.length).toFixed(0)} ` +
            `ms${tesseract ? `, Tesseract ${(tesseractMs / pages.length).toFixed(0)} ms` : ''})`,
    );
    const result = { dprog: score(pages, dprogLines), tesseract: tesseract ? score(pages, tesseractLines) : undefined };
    report('dprog', result.dprog);
    if (result.tesseract) {
        report('Tesseract', result.tesseract);
    }
    return result;
}

const tesseract = tesseractAvailable() && !process.env.NO_TESS;
if (!tesseract) {
    console.log('Tesseract is not installed (apt-get install -y tesseract-ocr tesseract-ocr-eng): printing dprog alone, no comparison.');
}
await measure('documents sample', prepareDocuments(), DATA_DIR, tesseract);
const varied = await measure(
    'varied pages (never tuned on)',
    prepareDocuments({ dir: VARIED_DIR, kind: 'varied', pages: 8, seed: 2026 }),
    VARIED_DIR,
    tesseract,
);
await sessions.releaseAll();

/** The transcription gate at the sample's target: lines accepted without review, and how many are right. */
function gate(name: string, outcomes: Score['outcomes'], confidence: (t: Transcription) => number): boolean {
    const accepted = outcomes.filter((o) => confidence(o.transcription) >= TRANSCRIPTION_TARGET);
    const right = accepted.filter((o) => o.right).length;
    const accuracy = accepted.length === 0 ? 1 : right / accepted.length;
    console.log(
        `  ${name}: accepts ${accepted.length}/${outcomes.length} lines without review, ${right} right ` +
            `(${(accuracy * 100).toFixed(1)}%; target ${TRANSCRIPTION_TARGET * 100}%)`,
    );
    return accuracy >= TRANSCRIPTION_TARGET;
}
console.log(`\ntranscription gate at ${TRANSCRIPTION_TARGET * 100}% on the varied pages:`);
gate('mean character probability (uncalibrated)', varied.dprog.outcomes, (t) => t.score);
const calibratedOk = calibration
    ? gate(
          `calibrated (${CALIBRATION.split('/').pop()}: ${calibration.fittedOn.lines} lines, ${calibration.fittedOn.wrong} wrong)`,
          varied.dprog.outcomes,
          (t) => calibratedConfidence(t, calibration),
      )
    : noCalibration();

function noCalibration(): false {
    console.log('  no calibration file: run npx tsx samples/documents/calibrate.ts');
    return false;
}

const recall = varied.dprog.found / varied.dprog.truthLines;
const cer = varied.dprog.edits / varied.dprog.chars;
const checks = [
    { ok: recall >= TARGET_RECALL, text: `recall ${recall.toFixed(3)} ≥ ${TARGET_RECALL}` },
    { ok: cer <= TARGET_CER, text: `CER ${(cer * 100).toFixed(2)}% ≤ ${TARGET_CER * 100}%` },
    { ok: calibratedOk, text: `calibrated gate's accepted lines right at ≥ ${TRANSCRIPTION_TARGET * 100}%` },
];
if (varied.tesseract) {
    const tRecall = varied.tesseract.found / varied.tesseract.truthLines;
    const tCer = varied.tesseract.edits / varied.tesseract.chars;
    checks.push({ ok: recall >= tRecall, text: `recall ≥ Tesseract's ${tRecall.toFixed(3)} (ratio ${(recall / tRecall).toFixed(3)})` });
    checks.push({
        ok: cer <= tCer + CER_MARGIN,
        text: `CER within 0.5 points of Tesseract's ${(tCer * 100).toFixed(2)}% (difference ${((cer - tCer) * 100).toFixed(2)} points)`,
    });
}
console.log(`\nvaried pages: ${checks.map((c) => `${c.ok ? 'ok' : 'MISSED'} ${c.text}`).join('; ')}`);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
