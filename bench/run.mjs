// Runs every benchmark in bench/ (or those named on the command line), one process each,
// prints each one's wall time and the load average beside it (the machine may be shared),
// and exits non-zero if any missed its target.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import * as path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
    .sort();
const load = () =>
    loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
const failed = [];
const times = [];
const started = performance.now();
for (const bench of benches) {
    console.log(`\n=== ${bench}`);
    const start = performance.now();
    const result = spawnSync('npx', ['tsx', path.join(dir, bench)], { stdio: 'inherit' });
    const seconds = (performance.now() - start) / 1000;
    times.push(`${bench} ${seconds.toFixed(0)} s${result.status === 0 ? '' : ' (failed)'}`);
    console.log(`--- ${bench}: ${seconds.toFixed(0)} s (load average ${load()})`);
    if (result.status !== 0) {
        failed.push(bench);
    }
}
console.log(`\n${times.join('\n')}`);
console.log(
    `\n${benches.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''} ` +
        `in ${((performance.now() - started) / 60000).toFixed(1)} min (load average ${load()} on ${availableParallelism()} cores)`,
);
process.exit(failed.length === 0 ? 0 : 1);
