/**
 * Replay speed: 25,000 recorded answers over 8,000 items (4 for the first 1,000 items, 3 for the rest;
 * 200 people, 2 classes)
 * through `simulateReplay` — routing, online estimates, refits, final calibrated labels — as
 * `dprog simulate` does. Baseline, named: 16 s for 25,000 answers over 8,000 items before issue 11
 * (measured on this kind of machine). Target: under 2 s. CPU time is printed beside the wall clock
 * because the machine is shared.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import type { RoutingPolicy } from '../engine/src/routing/policy.js';
import { simulateReplay } from '../engine/src/routing/simulate.js';
import { syntheticCrowd } from '../test/engine/quality/synthetic.js';

const BASELINE_SECONDS = 16;
const TARGET_SECONDS = 2;

const crowd = syntheticCrowd({ items: 8000, workers: 200, classes: 2, perItem: 4, seed: 4 });
const { itemOf, workerOf, labelOf } = crowd.encoded;
const answers = Array.from(itemOf, (i, a) => ({ item: `i${i}`, worker: `w${workerOf[a]}`, label: `c${labelOf[a]}` })).filter(
    (_, a) => itemOf[a] < 1000 || a % 4 !== 3,
);
const truth = new Map(Array.from(crowd.truth, (t, i) => [`i${i}`, `c${t}`]));
const policy: RoutingPolicy = {
    strategy: 'cascade',
    labelers: [{ name: 'crowd', kind: 'human', cost: 0.05, accuracy: 0.8, pool: 200 }],
    target: 0.95,
    maxLabels: 10,
    method: 'dawid_skene',
    goldShare: 0.02,
};

const start = performance.now();
const cpuStart = process.cpuUsage();
const result = simulateReplay(policy, answers, { truth });
const cpu = process.cpuUsage(cpuStart);
const wall = (performance.now() - start) / 1000;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const idle = Number(load.split(' ')[0]) < availableParallelism();
const time = idle ? wall : cpuSeconds;
console.log(
    `replay of ${answers.length} answers over 8,000 items: ${wall.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (load ${load} ` +
        `on ${availableParallelism()} cores)`,
);
console.log(
    `  ${result.labelsUsed} answers asked, accuracy ${result.accuracy?.toFixed(4)}, estimated ` +
        `${result.estimatedAccuracy.toFixed(4)} [${result.accuracyInterval.map((x) => x.toFixed(4)).join(', ')}]`,
);
console.log(
    `  vs before issue 11 (${BASELINE_SECONDS} s): ${(BASELINE_SECONDS / time).toFixed(1)}× faster by ` +
        `${idle ? 'wall clock' : 'CPU time (machine loaded)'}`,
);
const ok = time < TARGET_SECONDS;
console.log(ok ? `PASS: < ${TARGET_SECONDS} s` : `FAIL: ${time.toFixed(2)} s (target < ${TARGET_SECONDS} s)`);
process.exitCode = ok ? 0 : 1;
