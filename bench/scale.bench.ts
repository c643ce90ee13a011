/**
 * Scale: parsing, linking and checking stay linear in the size of a program, and hostile input
 * stays bounded. Prints the time per 1,000 lines of a generated 20,000- and 200,000-line program
 * (bench/generate-program.ts) and their ratio — the baseline is the 20,000-line run, side by side;
 * linear is a ratio near 1. Then random token soup of 500 KB and 5 MB (time per 100 KB, and the
 * diagnostics listed, capped per file), and nesting far beyond the limit (parentheses, `if`s).
 *   npx tsx bench/scale.bench.ts            (SIZES=20000,200000 to change the program sizes)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from 'langium/node';
import { createDprogServices } from '../language-server/src/dprog-module.js';
import { loadProgramFiles } from '../language-server/src/workspace/load.js';
import { generateProgram } from './generate-program.js';

const SIZES = (process.env.SIZES ?? '20000,200000').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'dprog-scale-bench-'));

/** Loads, links and checks one file in fresh services; the time and the diagnostics listed. */
async function check(name: string, text: string): Promise<{ ms: number; diagnostics: number }> {
    const file = join(dir, name);
    writeFileSync(file, text);
    const { shared } = createDprogServices(NodeFileSystem);
    const start = performance.now();
    const [document] = await loadProgramFiles(shared, [file]);
    return { ms: performance.now() - start, diagnostics: document.diagnostics?.length ?? 0 };
}

/** Deterministic random words, symbols and numbers, about `bytes` long. */
function tokenSoup(bytes: number, seed: number): string {
    const words = [
        'task',
        'flow',
        'if',
        'else',
        '{',
        '}',
        '(',
        ')',
        '[',
        ']',
        'labels',
        'dataset',
        'x',
        '==',
        ',',
        ':',
        '->',
        'list',
        '<',
        '>',
        '"s"',
        '42',
        '80%',
        'not',
        'route',
        'quality',
        '.',
        'let',
        '=',
        '\n',
    ];
    let state = seed;
    const out: string[] = [];
    let length = 0;
    while (length < bytes) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        const word = words[state % words.length];
        out.push(word);
        length += word.length + 1;
    }
    return out.join(' ');
}

function nestedIfs(n: number): string {
    return `program Deep
dataset d from jsonl "d.jsonl" { key id: String }
labels L { a, b }
labeler crowd: human
task t(x: d) -> choice<L> { route cascade crowd }
flow f(x: d) {
${'if t(x) == a {\n'.repeat(n)}t(x)
${'}\n'.repeat(n)}}
`;
}

console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
);
try {
    const perThousand: number[] = [];
    for (const size of SIZES) {
        const text = generateProgram(size);
        const lines = text.split('\n').length;
        const { ms, diagnostics } = await check(`generated-${size}.dprog`, text);
        perThousand.push(ms / (lines / 1000));
        console.log(
            `  ${lines.toLocaleString('en')} lines: ${(ms / 1000).toFixed(1)} s, ${(ms / (lines / 1000)).toFixed(0)} ms per 1,000 ` +
                `lines (${diagnostics} diagnostics listed)`,
        );
    }
    if (perThousand.length > 1) {
        console.log(
            `  → per-1,000-line time, ${SIZES.at(-1)} ÷ ${SIZES[0]} lines = ${(perThousand.at(-1)! / perThousand[0]).toFixed(2)}× ` +
                `(linear: ≈ 1×)`,
        );
    }
    const soup: number[] = [];
    for (const kb of [500, 5000]) {
        const { ms, diagnostics } = await check(`soup-${kb}.dprog`, tokenSoup(kb * 1024, kb));
        soup.push(ms / (kb / 100));
        console.log(
            `  random tokens ${kb} KB: ${(ms / 1000).toFixed(1)} s, ${(ms / (kb / 100)).toFixed(0)} ms per 100 KB, ${diagnostics} ` +
                `diagnostics listed`,
        );
    }
    console.log(`  → per-100-KB time, 5 MB ÷ 500 KB = ${(soup[1] / soup[0]).toFixed(2)}× (linear: ≈ 1×)`);
    for (const depth of [10, 10000]) {
        const parens =
            `program P\ndataset d from jsonl "d.jsonl" { key id: String }\nlabels L { a, b }\nlabeler crowd: ` +
            `human\ntask t(x: d) -> choice<L> { route cascade crowd }\nflow f(x: d) {\n    if ${'('.repeat(depth)}t(x) == ` +
            `a${')'.repeat(depth)} { t(x) }\n}\n`;
        const p = await check(`parens-${depth}.dprog`, parens);
        const ifs = await check(`ifs-${depth}.dprog`, nestedIfs(depth));
        console.log(`  nesting ${depth}: parentheses ${(p.ms / 1000).toFixed(2)} s, nested ifs ${(ifs.ms / 1000).toFixed(2)} s`);
    }
} finally {
    rmSync(dir, { recursive: true, force: true });
}
