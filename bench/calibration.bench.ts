/**
 * Calibration on the real crowd answers (RTE, TEMP), with every answer and with 3 random answers
 * per item (what routing sees), 2% planted gold questions: for each confidence level c, the share
 * right among items at confidence ≥ c, and a text reliability diagram (bins of confidence: mean
 * confidence against share right). Baseline, side by side: the raw Dawid-Skene posterior (what
 * dprog reported before, and what Crowd-Kit's DawidSkene reports). Printed as the worst gap
 * c − share right: the target is ≤ 0.02.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAnswersCsv } from '../engine/src/data/answers-csv.js';
import { estimateAccuracy } from '../engine/src/quality/accuracy-estimate.js';
import { encodeAnswers } from '../engine/src/quality/answers.js';
import { aggregate } from '../engine/src/quality/aggregate.js';
import { accuracyAgainst } from '../engine/src/quality/posterior.js';
import type { ItemAggregate } from '../engine/src/quality/result.js';
import { seededRandom, subsampleAnswers } from '../test/engine/quality/synthetic.js';

const crowdDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../samples/crowd');
function crowdAnswers(name: 'rte' | 'temp') {
    const { answers, gold } = readAnswersCsv(path.join(crowdDir, `${name}-answers.csv`), {
        item: 'item',
        worker: 'worker',
        label: 'label',
        gold: 'gold',
    });
    return { answers, truth: gold! };
}

const LEVELS = [0.8, 0.9, 0.95, 0.99];
const BINS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001];
const SEEDS = [1, 2, 3];

/** Per level: items at ≥ c and the share right; the worst gap c − share over levels with ≥ 20 items. */
function levels(labels: readonly ItemAggregate[], truth: ReadonlyMap<string, string>) {
    const rows = LEVELS.map((c) => {
        const sure = labels.filter((l) => l.confidence >= c);
        return { c, n: sure.length, right: sure.length ? accuracyAgainst(sure, truth).accuracy : NaN };
    });
    const gap = Math.max(0, ...rows.filter((r) => r.n >= 20).map((r) => r.c - r.right));
    return { rows, gap };
}

function diagram(labels: readonly ItemAggregate[], truth: ReadonlyMap<string, string>): string[] {
    const lines: string[] = [];
    for (let b = 0; b + 1 < BINS.length; b++) {
        const inBin = labels.filter((l) => l.confidence >= BINS[b] && l.confidence < BINS[b + 1]);
        if (inBin.length === 0) {
            continue;
        }
        const mean = inBin.reduce((s, l) => s + l.confidence, 0) / inBin.length;
        const right = accuracyAgainst(inBin, truth).accuracy;
        const bar = (x: number) => '#'.repeat(Math.round(Math.max(0, x - 0.5) * 60));
        const label = `[${BINS[b].toFixed(2)}, ${Math.min(1, BINS[b + 1]).toFixed(2)})`;
        lines.push(`    ${label.padEnd(13)} n=${String(inBin.length).padStart(4)}  confidence ${mean.toFixed(3)} |${bar(mean)}`);
        lines.push(`    ${''.padEnd(13)} ${''.padStart(6)}  right      ${right.toFixed(3)} |${bar(right)}`);
    }
    return lines;
}

let worstCalibrated = 0;
let worstRaw = 0;
let intervalsHeld = 0;
let intervals = 0;
for (const name of ['rte', 'temp'] as const) {
    const { answers, truth } = crowdAnswers(name);
    for (const per of ['all', 3] as const) {
        console.log(
            `\n${name.toUpperCase()}, ${per === 'all' ? 'every answer' : '3 random answers per item'}, 2% planted gold (seeds ` +
                `${SEEDS.join(', ')} pooled for the table):`,
        );
        const pooled: { calibrated: ItemAggregate[]; raw: ItemAggregate[] } = { calibrated: [], raw: [] };
        const truthPooled = new Map<string, string>();
        for (const seed of SEEDS) {
            const chosen = per === 'all' ? answers : subsampleAnswers(answers, per, seed);
            const random = seededRandom(seed * 7);
            const planted = new Map([...truth].filter(() => random() < 0.02));
            const encoded = encodeAnswers(chosen, { gold: planted });
            const calibrated = aggregate('dawid_skene', encoded);
            const raw = aggregate('dawid_skene', encoded, { uncalibrated: true });
            const keep = (l: ItemAggregate) => !l.gold;
            const tag = (l: ItemAggregate) => ({ ...l, item: `${seed}:${l.item}` });
            pooled.calibrated.push(...calibrated.items.filter(keep).map(tag));
            pooled.raw.push(...raw.items.filter(keep).map(tag));
            for (const [item, label] of truth) {
                truthPooled.set(`${seed}:${item}`, label);
            }
            const labels = calibrated.items.filter(keep);
            const estimate = estimateAccuracy(
                labels.map((l) => l.confidence),
                calibrated.calibration!,
                encoded.classes.length,
            );
            const measured = accuracyAgainst(labels, truth).accuracy;
            const [lo, hi] = estimate.accuracyInterval;
            intervals++;
            if (measured >= lo && measured <= hi) {
                intervalsHeld++;
            }
            console.log(
                `  seed ${seed}: measured ${measured.toFixed(4)}, estimated without gold ${estimate.estimatedAccuracy.toFixed(4)} ` +
                    `[${lo.toFixed(4)}, ${hi.toFixed(4)}] ${measured >= lo && measured <= hi ? 'holds' : 'MISSES'}; floor ` +
                    `${calibrated.calibration!.floor.toFixed(3)} from ${calibrated.calibration!.gold.questions} gold, temperature ` +
                    `${calibrated.calibration!.temperature.toFixed(2)}`,
            );
        }
        const cal = levels(pooled.calibrated, truthPooled);
        const raw = levels(pooled.raw, truthPooled);
        worstCalibrated = Math.max(worstCalibrated, cal.gap);
        worstRaw = Math.max(worstRaw, raw.gap);
        console.log('  confidence ≥ c   calibrated: items, share right   raw Dawid-Skene (baseline): items, share right');
        cal.rows.forEach((r, i) => {
            const b = raw.rows[i];
            console.log(
                `    ${r.c.toFixed(2)}           ${String(r.n).padStart(5)}  ` +
                    `${Number.isNaN(r.right) ? '  —  ' : r.right.toFixed(3)}                        ${String(b.n).padStart(5)}  ` +
                    `${b.right.toFixed(3)}`,
            );
        });
        console.log(`  worst gap c − share right: calibrated ${cal.gap.toFixed(3)}, raw ${raw.gap.toFixed(3)}`);
        console.log('  reliability diagram (calibrated):');
        for (const line of diagram(pooled.calibrated, truthPooled)) {
            console.log(line);
        }
    }
}
console.log(
    `\nworst gap c − share right over data sets and answer budgets: calibrated ${worstCalibrated.toFixed(3)} vs raw Dawid-Skene ` +
        `(baseline) ${worstRaw.toFixed(3)} (target ≤ 0.020: calibrated/target ${(worstCalibrated / 0.02).toFixed(2)}, raw/target ` +
        `${(worstRaw / 0.02).toFixed(2)}); intervals holding the measured accuracy: ${intervalsHeld}/${intervals}`,
);
const ok = worstCalibrated <= 0.02 && intervalsHeld === intervals;
console.log(ok ? 'PASS: share right ≥ c − 0.02 at every level, every interval holds' : 'FAIL');
process.exitCode = ok ? 0 : 1;
