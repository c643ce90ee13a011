/**
 * Pages of kinds the documents sample's own pages do not have, for measuring OCR on pages it was
 * never tuned on (bench/ocr.bench.ts): text from 14 to 40 px, one line per page tilted 3–8° either
 * way, prices and figures ("Tax 8.25% $103.12"), rows set in two columns, and low-contrast grey
 * text (grey on white, or on a light grey band). Same fonts and ground truth as prepare.ts; a tilted
 * line's truth box carries its rotation.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Rng } from '../../engine/src/learning/random.js';
import { FONTS, lineText, pick, registerFonts, type TruthLine, type TruthPage } from './prepare.js';

/** Bump when the varied rendering changes. */
export const VARIED_VERSION = 1;
const WIDTH = 900;
const LABELS = ['Subtotal', 'Tax', 'Total', 'Shipping', 'Discount', 'Balance due', 'Unit price', 'Invoice', 'Paid', 'Deposit'];

function money(rng: Rng): string {
    const value = Math.floor(rng() * 500000) / 100;
    const [whole, cents] = value.toFixed(2).split('.');
    return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** A line of prices, percentages, dates and counts. */
function figuresText(rng: Rng): string {
    const r = rng();
    const label = pick(LABELS, rng);
    if (r < 0.25) {
        return `${label} ${(rng() * 20).toFixed(2)}% ${money(rng)}`;
    }
    if (r < 0.5) {
        return `${label} ${money(rng)}`;
    }
    if (r < 0.75) {
        return `Qty ${1 + Math.floor(rng() * 40)} x ${money(rng)} = ${money(rng)}`;
    }
    return (
        `${label} #${10000 + Math.floor(rng() * 90000)} ` +
        `20${10 + Math.floor(rng() * 16)}-0${1 + Math.floor(rng() * 9)}-${10 + Math.floor(rng() * 18)}`
    );
}

interface Spec {
    text: string;
    font: string;
    size: number;
    color: string;
    /** Light band drawn behind the text (low contrast), if any. */
    band?: string;
    rotation?: number;
}

function spec(rng: Rng, size: number, maxWidth: number, g: SKRSContext2D): Spec {
    const grey = rng() < 0.25;
    const font = pick(FONTS, rng).family;
    let text = rng() < 0.35 ? figuresText(rng) : lineText(rng);
    g.font = `${size}px "${font}"`;
    while (g.measureText(text).width > maxWidth && text.includes(' ')) {
        text = text.slice(0, text.lastIndexOf(' '));
    }
    return {
        text,
        font,
        size,
        color: grey ? pick(['#8c8c8c', '#999999', '#7a7a7a'], rng) : '#111111',
        band: grey && rng() < 0.5 ? '#e4e4e4' : undefined,
    };
}

/** Draws one line with its ink box's top-left at (x, top) — or, tilted, centred there — and returns its truth. */
function draw(g: SKRSContext2D, s: Spec, x: number, top: number): TruthLine {
    g.font = `${s.size}px "${s.font}"`;
    const m = g.measureText(s.text);
    const width = Math.ceil(m.actualBoundingBoxLeft + m.actualBoundingBoxRight);
    const height = Math.ceil(m.actualBoundingBoxAscent + m.actualBoundingBoxDescent);
    const angle = ((s.rotation ?? 0) * Math.PI) / 180;
    const cx = x + width / 2;
    const cy = top + (Math.abs(Math.sin(angle)) * width + Math.cos(angle) * height) / 2;
    g.save();
    g.translate(cx, cy);
    g.rotate(angle);
    if (s.band) {
        g.fillStyle = s.band;
        g.fillRect(-width / 2 - 8, -height / 2 - 6, width + 16, height + 12);
    }
    g.fillStyle = s.color;
    g.fillText(
        s.text,
        (m.actualBoundingBoxLeft - m.actualBoundingBoxRight) / 2,
        (m.actualBoundingBoxAscent - m.actualBoundingBoxDescent) / 2,
    );
    g.restore();
    const box = { x: Math.round(cx - width / 2), y: Math.round(cy - height / 2), width, height };
    return { text: s.text, box: s.rotation ? { ...box, rotation: s.rotation } : box, font: s.font, size: s.size };
}

/** One varied page: rows of one line or two columns, one row tilted. */
export function renderVariedPage(index: number, rng: Rng): { png: Buffer; page: TruthPage } {
    registerFonts();
    const rows = 6 + Math.floor(rng() * 3);
    const tilted = Math.floor(rng() * rows);
    const measure = createCanvas(10, 10).getContext('2d');
    const layout = Array.from({ length: rows }, (_, r) => {
        const columns = r !== tilted && rng() < 0.35 ? 2 : 1;
        const size = 14 + Math.floor(rng() * 27);
        const specs = Array.from({ length: columns }, () =>
            spec(rng, columns === 2 ? Math.min(size, 28) : size, columns === 2 ? WIDTH / 2 - 80 : WIDTH - 120, measure),
        );
        if (r === tilted) {
            specs[0].rotation = (rng() < 0.5 ? -1 : 1) * (3 + rng() * 5);
        }
        return specs;
    });
    const rowHeight = (specs: Spec[]) =>
        Math.max(...specs.map((s) => s.size * 1.9 + (s.rotation ? Math.abs(Math.sin((s.rotation * Math.PI) / 180)) * (WIDTH - 120) : 0)));
    const height = Math.ceil(40 + layout.reduce((sum, specs) => sum + rowHeight(specs), 0));
    const canvas = createCanvas(WIDTH, height);
    const g = canvas.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, WIDTH, height);
    g.textBaseline = 'alphabetic';
    const lines: TruthLine[] = [];
    let y = 20;
    for (const specs of layout) {
        specs.forEach((s, c) => {
            const left = specs.length === 2 ? (c === 0 ? 30 : WIDTH / 2 + 30) : 30 + Math.floor(rng() * 40);
            lines.push(draw(g, s, left, y + s.size * 0.3));
        });
        y += rowHeight(specs);
    }
    const name = `pages/varied-${String(index + 1).padStart(2, '0')}.png`;
    return { png: canvas.toBuffer('image/png'), page: { path: name, width: WIDTH, height, lines } };
}
