/**
 * Sets up the documents sample (idempotent; `npx tsx samples/documents/prepare.ts [--force]`):
 * renders pages of text lines in several fonts and sizes into data/pages/*.png, with the ground
 * truth (each line's text and pixel box) in data/truth.jsonl. Deterministic: the same seed gives
 * the same pages on every machine with the same fonts. Generated, never committed.
 *
 * Rendering: @napi-rs/canvas (Skia; its prebuilt binary ships inside an npm package, nothing is
 * downloaded at run time) with the DejaVu fonts of Debian's fonts-dejavu-core, which .ci/run
 * installs. Text is anti-aliased the way real scans and screenshots are.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { seededRng, type Rng } from '../../engine/src/learning/random.js';
import { renderVariedPage, VARIED_VERSION } from './varied-pages.js';

const here = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = join(here, 'data');

/** Bump when the rendering changes, so existing data is regenerated. */
const GENERATOR_VERSION = 1;
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
export const FONTS = [
    { family: 'DejaVu Sans', file: 'DejaVuSans.ttf' },
    { family: 'DejaVu Serif', file: 'DejaVuSerif.ttf' },
    { family: 'DejaVu Sans Mono', file: 'DejaVuSansMono.ttf' },
    { family: 'DejaVu Sans Bold', file: 'DejaVuSans-Bold.ttf' },
];
const SIZES = [16, 20, 24, 30, 36];
const WORDS = (
    'invoice total amount due date account number order shipped received payment balance customer ' +
    'address street city delivery report summary quarter revenue growth meeting notes agenda project ' +
    'review status approved pending signature reference page section table figure chapter contract ' +
    'terms policy member service support contact phone email office north south river garden market'
).split(' ');

export interface TruthLine {
    text: string;
    /** The rendered ink's box in pixels; `rotation` (degrees clockwise about its centre) on tilted lines. */
    box: { x: number; y: number; width: number; height: number; rotation?: number };
    font: string;
    size: number;
}

export interface TruthPage {
    /** Relative to the data folder, e.g. `pages/page-01.png`. */
    path: string;
    width: number;
    height: number;
    lines: TruthLine[];
}

export interface PrepareOptions {
    /** Where data goes (default samples/documents/data). */
    dir?: string;
    pages?: number;
    seed?: number;
    force?: boolean;
    /**
     * `sample` (default): the sample's pages. `varied`: pages of other kinds, for measuring OCR on
     * pages it was never tuned on — sizes 14–40 px, a line tilted 3–8°, prices and figures, two
     * columns, low-contrast grey text (see varied-pages.ts).
     */
    kind?: 'sample' | 'varied';
}

export function registerFonts(): void {
    for (const font of FONTS) {
        const path = join(FONT_DIR, font.file);
        if (!existsSync(path)) {
            throw new Error(
                `${path}: font not found; install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core) to render the ` +
                    `documents sample`,
            );
        }
        if (!GlobalFonts.has(font.family)) {
            GlobalFonts.registerFromPath(path, font.family);
        }
    }
}

export function pick<T>(items: readonly T[], rng: Rng): T {
    return items[Math.floor(rng() * items.length)];
}

export function lineText(rng: Rng): string {
    const words: string[] = [];
    const count = 2 + Math.floor(rng() * 4);
    for (let i = 0; i < count; i++) {
        const r = rng();
        if (r < 0.15) {
            words.push(String(Math.floor(rng() * 10000)));
        } else if (r < 0.3) {
            const w = pick(WORDS, rng);
            words.push(w[0].toUpperCase() + w.slice(1));
        } else {
            words.push(pick(WORDS, rng));
        }
    }
    return words.join(' ');
}

/** Renders one page; returns its PNG bytes and ground truth. */
function renderPage(index: number, rng: Rng): { png: Buffer; page: TruthPage } {
    const width = 720;
    const count = 4 + Math.floor(rng() * 3);
    const specs = Array.from({ length: count }, () => ({ font: pick(FONTS, rng).family, size: pick(SIZES, rng), text: lineText(rng) }));
    const height = 40 + specs.reduce((sum, s) => sum + Math.round(s.size * 2.2), 0);
    const canvas = createCanvas(width, height);
    const g = canvas.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, width, height);
    g.fillStyle = '#111111';
    g.textBaseline = 'alphabetic';
    const lines: TruthLine[] = [];
    let y = 20;
    for (const spec of specs) {
        g.font = `${spec.size}px "${spec.font}"`;
        let text = spec.text;
        // Keep every line on the page: drop words until it fits.
        while (g.measureText(text).width > width - 60 && text.includes(' ')) {
            text = text.slice(0, text.lastIndexOf(' '));
        }
        const m = g.measureText(text);
        const x = 20 + Math.floor(rng() * Math.max(1, width - 40 - m.width));
        const baseline = y + Math.ceil(spec.size * 1.1);
        g.fillText(text, x, baseline);
        const left = Math.floor(x - m.actualBoundingBoxLeft);
        const top = Math.floor(baseline - m.actualBoundingBoxAscent);
        const right = Math.ceil(x + m.actualBoundingBoxRight);
        const bottom = Math.ceil(baseline + m.actualBoundingBoxDescent);
        lines.push({ text, box: { x: left, y: top, width: right - left, height: bottom - top }, font: spec.font, size: spec.size });
        y += Math.round(spec.size * 2.2);
    }
    const name = `pages/page-${String(index + 1).padStart(2, '0')}.png`;
    return { png: canvas.toBuffer('image/png'), page: { path: name, width, height, lines } };
}

function writeAtomically(path: string, bytes: Buffer | string): void {
    const temporary = `${path}.tmp-${process.pid}`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
}

/** Generates the pages and truth.jsonl unless they already exist for these options. Returns the truth. */
export function prepareDocuments(options: PrepareOptions = {}): TruthPage[] {
    const dir = options.dir ?? DATA_DIR;
    const pages = options.pages ?? 12;
    const seed = options.seed ?? 7;
    const kind = options.kind ?? 'sample';
    const stamp = JSON.stringify({
        generator: GENERATOR_VERSION,
        pages,
        seed,
        ...(kind === 'varied' ? { kind, varied: VARIED_VERSION } : {}),
    });
    const stampPath = join(dir, 'stamp.json');
    const truthPath = join(dir, 'truth.jsonl');
    if (!options.force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp && existsSync(truthPath)) {
        const truth = readTruth(dir);
        if (truth.every((p) => existsSync(join(dir, p.path)))) {
            return truth;
        }
    }
    registerFonts();
    mkdirSync(join(dir, 'pages'), { recursive: true });
    const rng = seededRng(seed);
    const truth: TruthPage[] = [];
    for (let i = 0; i < pages; i++) {
        const { png, page } = kind === 'varied' ? renderVariedPage(i, rng) : renderPage(i, rng);
        writeAtomically(join(dir, page.path), png);
        truth.push(page);
    }
    writeAtomically(truthPath, `${truth.map((p) => JSON.stringify(p)).join('\n')}\n`);
    writeAtomically(stampPath, stamp);
    return truth;
}

/** Reads data/truth.jsonl. */
export function readTruth(dir = DATA_DIR): TruthPage[] {
    return readFileSync(join(dir, 'truth.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as TruthPage);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    const truth = prepareDocuments({ force: process.argv.includes('--force') });
    const lines = truth.reduce((n, p) => n + p.lines.length, 0);
    console.log(`documents: ${truth.length} pages, ${lines} text lines in ${DATA_DIR}`);
}
