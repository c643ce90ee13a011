/**
 * Every aggregation method on the real crowd answers (RTE: 8,000 answers; TEMP: 4,620): accuracy
 * against gold and fit time (median of 5, calibration included).
 * Baselines, named: Crowd-Kit on TEMP — Wawa 0.9459, DawidSkene 0.9416; Crowd-Kit's MACE and GLAD
 * take 24–86 s on these sets (measured on this kind of machine; Crowd-Kit cannot run here).
 * Wawa's one-item difference on TEMP (0.9437 here): Crowd-Kit's majority step breaks 5–5 ties toward
 * the alphabetically first label when scoring workers; dprog credits a tie 1/2 to each side (with
 * Crowd-Kit's tie-break the same code gives 0.9459).
 * Targets: Wawa and MACE each fit 8,000 answers in < 1 s.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAnswersCsv } from '../engine/src/data/answers-csv.js';
import { encodeAnswers } from '../engine/src/quality/answers.js';
import { aggregate, aggregationMethods } from '../engine/src/quality/aggregate.js';
import { accuracyAgainst } from '../engine/src/quality/posterior.js';

const CROWD_KIT_TEMP: Record<string, number> = { wawa: 0.9459, dawid_skene: 0.9416 };
const CROWD_KIT_MACE_SECONDS = [24, 86];
const RUNS = 5;
const crowdDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../samples/crowd');

let slowest = 0;
for (const name of ['rte', 'temp'] as const) {
    const { answers, gold } = readAnswersCsv(path.join(crowdDir, `${name}-answers.csv`), {
        item: 'item',
        worker: 'worker',
        label: 'label',
        gold: 'gold',
    });
    const encoded = encodeAnswers(answers);
    console.log(
        `\n${name.toUpperCase()}: ${answers.length} answers, ${encoded.items.length} items, ${encoded.workers.length} workers ` +
            `(machine shared: timings are upper bounds)`,
    );
    console.log('  method        accuracy   ties   fit (median of 5)   vs Crowd-Kit');
    for (const method of aggregationMethods) {
        const seconds: number[] = [];
        let result = aggregate(method, encoded);
        for (let run = 0; run < RUNS; run++) {
            const start = performance.now();
            result = aggregate(method, encoded);
            seconds.push((performance.now() - start) / 1000);
        }
        const median = seconds.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
        if (method === 'wawa' || method === 'mace') {
            slowest = Math.max(slowest, median);
        }
        const accuracy = accuracyAgainst(result.items, gold!).accuracy;
        const ties = result.items.filter((i) => i.tie).length;
        const versus = [
            name === 'temp' && CROWD_KIT_TEMP[method]
                ? `accuracy ${(accuracy / CROWD_KIT_TEMP[method]).toFixed(4)}× Crowd-Kit's ${CROWD_KIT_TEMP[method]}`
                : '',
            method === 'mace'
                ? `${(CROWD_KIT_MACE_SECONDS[0] / median).toFixed(0)}–${(CROWD_KIT_MACE_SECONDS[1] / median).toFixed(0)}× faster ` +
                  `than Crowd-Kit's MACE`
                : '',
        ]
            .filter(Boolean)
            .join('; ');
        console.log(
            `  ${method.padEnd(12)}  ${accuracy.toFixed(4)}   ${String(ties).padStart(4)}   ` +
                `${(median * 1000).toFixed(0).padStart(6)} ms           ${versus}`,
        );
    }
}
const ok = slowest < 1;
console.log(
    ok
        ? `\nPASS: Wawa and MACE each fit in < 1 s (slowest ${(slowest * 1000).toFixed(0)} ms)`
        : `\nFAIL: slowest Wawa/MACE fit ${slowest.toFixed(2)} s`,
);
process.exitCode = ok ? 0 : 1;
