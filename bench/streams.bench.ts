/**
 * Huge data stays linear. (1) A JSONL file that is one single line of 100 MB and of 1 GB
 * (generated in a temp folder, deleted after): the line splitter keeps the pieces of an unfinished
 * line as a list and joins them once, so its time per MB stays flat. Baseline, side by side on the
 * same file: reading it raw in the same 1 MB chunks. (The 1 GB line is then one clear error —
 * longer than the longest string Node.js holds — not a hang.) (2) COCO import of 60,000 boxes on
 * one image: boxes grouped by image and label in one pass. Baseline: JSON.parse of the same file.
 *   npx tsx bench/streams.bench.ts            (SIZES_MB=100,1024 to change the line sizes)
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonl, readLines } from '../engine/src/data/jsonl.js';
import { cocoFormat } from '../engine/src/store/formats/coco.js';

const SIZES_MB = (process.env.SIZES_MB ?? '100,1024').split(',').map(Number);
const MB = 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'dprog-streams-bench-'));

/** One JSON object on one line, `mb` MB long (a long text field). */
function writeOneLine(file: string, mb: number): void {
    const fd = openSync(file, 'w');
    const filler = Buffer.alloc(MB, 'a');
    writeSync(fd, '{"id":"only","text":"');
    for (let i = 0; i < mb; i++) {
        writeSync(fd, filler);
    }
    writeSync(fd, '"}\n');
    closeSync(fd);
}

function rawRead(file: string): number {
    const fd = openSync(file, 'r');
    const chunk = Buffer.allocUnsafe(MB);
    let total = 0;
    for (let n = readSync(fd, chunk, 0, MB, null); n > 0; n = readSync(fd, chunk, 0, MB, null)) {
        total += n;
    }
    closeSync(fd);
    return total;
}

function timed<T>(run: () => T): { ms: number; value: T } {
    const start = performance.now();
    const value = run();
    return { ms: performance.now() - start, value };
}

console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
);
try {
    for (const mb of SIZES_MB) {
        const file = join(dir, `one-line-${mb}.jsonl`);
        writeOneLine(file, mb);
        const raw = timed(() => rawRead(file));
        const lines = timed(() => {
            let bytes = 0;
            for (const { bytes: line } of readLines(file)) {
                bytes += line.length;
            }
            return bytes;
        });
        let parsed = '';
        try {
            const records = timed(() => [...readJsonl(file)].length);
            parsed = `; readJsonl (decode + JSON.parse) ${(records.ms / 1000).toFixed(2)} s`;
        } catch (error) {
            parsed = `; readJsonl: ${(error as Error).message.slice(0, 140)}`;
        }
        console.log(
            `  ${mb} MB line: split ${(lines.ms / 1000).toFixed(2)} s (${(lines.ms / mb).toFixed(1)} ms/MB), raw read ` +
                `${(raw.ms / 1000).toFixed(2)} s → ${(lines.ms / raw.ms).toFixed(2)}× raw${parsed}`,
        );
        rmSync(file);
    }

    const boxes = 60_000;
    const coco = {
        images: [{ id: 1, file_name: 'page.png', width: 4000, height: 4000 }],
        annotations: Array.from({ length: boxes }, (_, i) => ({
            id: i + 1,
            image_id: 1,
            category_id: 1 + (i % 3),
            bbox: [i % 3900, (i * 7) % 3900, 10, 10],
            area: 100,
            iscrowd: 0,
        })),
        categories: [
            { id: 1, name: 'word' },
            { id: 2, name: 'line' },
            { id: 3, name: 'figure' },
        ],
    };
    const file = join(dir, 'coco.json');
    writeFileSync(file, JSON.stringify(coco));
    const parse = timed(() => JSON.parse(readFileSync(file, 'utf8')));
    const imported = timed(() => cocoFormat.import(file, { task: 'regions' }));
    const count = (imported.value.labels[0].label.value as unknown[]).length;
    console.log(
        `  COCO, ${boxes.toLocaleString('en')} boxes on one image: import ${(imported.ms / 1000).toFixed(2)} s (${count} boxes in ` +
            `1 label), JSON.parse ${(parse.ms / 1000).toFixed(2)} s → ${(imported.ms / parse.ms).toFixed(1)}× JSON.parse`,
    );
} finally {
    rmSync(dir, { recursive: true, force: true });
}
