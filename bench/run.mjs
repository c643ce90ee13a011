// Runs every benchmark in bench/ (or those named on the command line), one process each,
// and exits non-zero if any missed its target.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
    .sort();
const failed = [];
for (const bench of benches) {
    console.log(`\n=== ${bench}`);
    const result = spawnSync('npx', ['tsx', path.join(dir, bench)], { stdio: 'inherit' });
    if (result.status !== 0) {
        failed.push(bench);
    }
}
console.log(`\n${benches.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
