/**
 * A team on one store: 8 annotator processes labeling at once through the engine's store on
 * PostgreSQL (each label: a lease, then `addLabel`, acknowledged once committed) — labels per
 * second and p95 acknowledgement latency (target < 20 ms on localhost) — printed beside one
 * writer doing the same on the embedded sql.js store (the baseline, run in the same session).
 * PostgreSQL is a throwaway cluster (test/support/postgres.ts); without it the bench says why and stops.
 *
 *   npx tsx bench/store-team.bench.ts          (LABELS=250 per annotator, ANNOTATORS=8)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailable, startCluster } from '../test/support/postgres.js';

const ANNOTATORS = Number(process.env.ANNOTATORS ?? 8);
const LABELS = Number(process.env.LABELS ?? 250);
const P95_TARGET_MS = 20;
const annotatorScript = join(import.meta.dirname, 'store-annotator.ts');

interface Result {
    person: string;
    acks: number[];
    leases: number[];
    seconds: number;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

interface Annotator {
    ready: Promise<void>;
    go: () => void;
    result: Promise<Result>;
}

/** Starts one annotator process; it labels once `go` is called (after every annotator is ready). */
function annotator(store: string, person: string, items: number, env: NodeJS.ProcessEnv): Annotator {
    const child = spawn(process.execPath, ['--import', 'tsx', annotatorScript, store, person, String(LABELS), String(items)], {
        env,
        stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        if (out.startsWith('ready\n')) {
            markReady();
        }
    });
    const result = new Promise<Result>((resolve, reject) => {
        child.on('exit', (code) => {
            markReady();
            const last = out.trim().split('\n').pop() ?? '';
            code === 0 ? resolve(JSON.parse(last) as Result) : reject(new Error(`annotator ${person} exited ${code}`));
        });
    });
    return { ready, go: () => child.stdin.end('go\n'), result };
}

async function team(
    store: string,
    annotators: number,
    env: NodeJS.ProcessEnv,
): Promise<{ labelsPerS: number; p50: number; p95: number; p99: number; leaseP95: number; labels: number }> {
    const members = Array.from({ length: annotators }, (_, i) => annotator(store, `annotator-${i}`, annotators * LABELS * 2, env));
    await Promise.all(members.map((a) => a.ready));
    for (const a of members) {
        a.go();
    }
    const results = await Promise.all(members.map((a) => a.result));
    // Throughput over the span all were labeling (process start-up is not labeling).
    const span = Math.max(...results.map((r) => r.seconds));
    const acks = results.flatMap((r) => r.acks);
    return {
        labels: acks.length,
        labelsPerS: acks.length / span,
        p50: percentile(acks, 50),
        p95: percentile(acks, 95),
        p99: percentile(acks, 99),
        leaseP95: percentile(
            results.flatMap((r) => r.leases),
            95,
        ),
    };
}

const why = postgresUnavailable();
if (why) {
    console.log(`skipped: ${why}`);
    process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'dprog-team-bench-'));
const cluster = await startCluster();
try {
    const url = await cluster.createDatabase('team_bench');
    console.log(`${ANNOTATORS} annotators × ${LABELS} labels on PostgreSQL (lease + addLabel each), beside 1 writer × ${LABELS} on sql.js`);
    console.log(
        `  load average before: ${loadavg()
            .map((l) => l.toFixed(2))
            .join(', ')} on ${availableParallelism()} cores`,
    );
    const embedded = await team(join(dir, 'labels.sqlite'), 1, process.env);
    const pg = await team(url, ANNOTATORS, cluster.env);
    const row = (name: string, r: typeof pg) =>
        `  ${name.padEnd(34)} ${r.labels.toString().padStart(6)} labels  ${r.labelsPerS.toFixed(0).padStart(6)} labels/s  ack p50 ` +
        `${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (lease p95 ${r.leaseP95.toFixed(2)} ms)`;
    console.log(row('sql.js, 1 writer (baseline)', embedded));
    console.log(row(`PostgreSQL, ${ANNOTATORS} annotators`, pg));
    console.log(
        `  ratio labels/s PostgreSQL team / sql.js writer = ${(pg.labelsPerS / embedded.labelsPerS).toFixed(2)}; p95 ack ` +
            `${pg.p95.toFixed(2)} ms (target < ${P95_TARGET_MS} ms); load average after: ${loadavg()[0].toFixed(2)}`,
    );
    const ok = pg.p95 < P95_TARGET_MS && pg.labels === ANNOTATORS * LABELS;
    console.log(
        `\n${ok ? 'PASS' : 'FAIL'}: PostgreSQL p95 ack ${pg.p95.toFixed(2)} ms < ${P95_TARGET_MS} ms, ${pg.labels} of ` +
            `${ANNOTATORS * LABELS} labels`,
    );
    process.exitCode = ok ? 0 : 1;
} finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
}
