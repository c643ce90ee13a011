/**
 * Every command that takes `--store` runs on a PostgreSQL URL as on the embedded file: the bundled
 * CLI in its own process, on the spam sample (rules, an ONNX model, a learn block, monitors), against
 * a throwaway cluster (test/support/postgres.ts). `run` and `learn --simulate` give the same labels
 * on both backends for the same seed; `sample`, `retrain`, `evaluate` and `monitor` work on the URL.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Label } from '../../engine/src/store/index.js';
import { crowdAnswers, workerRecords } from '../support/crowd.js';
import { skipWithoutPostgres, startCluster, type PgCluster } from '../support/postgres.js';

const root = path.resolve(__dirname, '../..');
const skip = skipWithoutPostgres();
let cluster: PgCluster;
let dir: string;
let databases = 0;
const newDatabase = () => cluster.createDatabase(`dprog_cli_${++databases}`);

beforeAll(async () => {
    if (skip) {
        return;
    }
    cluster = await startCluster();
    Object.assign(process.env, { PGPASSWORD: cluster.env.PGPASSWORD });
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-pg-cli-'));
    cpSync(path.join(root, 'samples/spam'), dir, { recursive: true });
}, 120_000);
afterAll(async () => {
    await cluster?.stop();
    if (dir) {
        rmSync(dir, { recursive: true, force: true });
    }
});

// biome-ignore lint/suspicious/noExplicitAny: assertions read the CLI's JSON output as it comes
function dprog(...args: string[]): Promise<{ code: number | null; stderr: string; json: any }> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [path.join(root, 'bin/dprog.cjs'), ...args],
            { cwd: dir, encoding: 'utf8', env: cluster.env, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                let json: unknown;
                try {
                    json = JSON.parse(stdout);
                } catch {
                    json = undefined;
                }
                resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr, json });
            },
        );
    });
}

/** The store's current labels as comparable rows (ids, times and persons differ between runs). */
async function labelRows(store: string): Promise<string[]> {
    const opened = await openStore(store.startsWith('postgres:') ? store : path.resolve(dir, store), { readonly: true });
    try {
        const rows = (await opened.labels({ task: 'classify' })).map((l: Label) =>
            JSON.stringify([l.item, l.labeler, l.labelerKind, l.value, l.score === undefined ? null : Number(l.score.toFixed(6))]),
        );
        return rows.sort();
    } finally {
        await opened.close();
    }
}

describe.skipIf(skip)('the CLI on a PostgreSQL store', () => {
    it('run gives the labels it gives on sql.js, and resumes on the server', async () => {
        const url = await newDatabase();
        const onServer = await dprog('run', 'spam.dprog', '--store', url, '--limit', '150', '--json');
        expect(onServer.stderr).toBe('');
        expect(onServer.code).toBe(0);
        const onFile = await dprog('run', 'spam.dprog', '--store', 'run.sqlite', '--limit', '150', '--json');
        expect(onFile.code).toBe(0);
        expect(onServer.json.stages).toEqual(onFile.json.stages);
        expect(onServer.json.labels).toEqual(onFile.json.labels);
        expect(onServer.json.queue).toEqual(onFile.json.queue);
        const rows = await labelRows(url);
        expect(rows.length).toBeGreaterThan(150); // the model on every item, the rules on some
        expect(rows).toEqual(await labelRows('run.sqlite'));
        // A second run finds every stage state on the server: nothing is labeled again.
        const again = await dprog('run', 'spam.dprog', '--store', url, '--limit', '150', '--json');
        expect(again.json.labels).toEqual(onServer.json.labels);
        expect(await labelRows(url)).toEqual(rows);
        // The plan recorded on the server types what is imported there, without --program.
        writeFileSync(
            path.join(dir, 'typed.jsonl'),
            [
                { item: 'easy-ham-1/00001', value: 'ham' },
                { item: 'easy-ham-1/00002', value: 'maybe' },
            ]
                .map((r) => JSON.stringify(r))
                .join('\n'),
        );
        const typed = await dprog('label', 'import', 'typed.jsonl', '--store', url, '--task', 'classify', '--format', 'jsonl', '--json');
        expect(typed.json).toMatchObject({ added: 1, rejected: 1, typeFrom: 'plan SpamTriage version 1 in the store' });
    }, 300_000);

    it('learn --simulate gives the same labels and learning curve for the same seed', async () => {
        const url = await newDatabase();
        // 4 rounds of 50 labels: two retrainings (every 100 labels), so the curves compared have two points.
        const args = ['learn', 'spam.dprog', '--simulate', '--rounds', '4', '--seed', '5', '--json'];
        const onServer = await dprog(...args, '--store', url);
        expect(onServer.stderr).toBe('');
        expect(onServer.code).toBe(0);
        const onFile = await dprog(...args, '--store', 'learn.sqlite');
        expect(onFile.code).toBe(0);
        for (const field of ['rounds', 'labelsSpent', 'answers', 'cost', 'labelAccuracy', 'accuracy']) {
            expect(onServer.json[field]).toEqual(onFile.json[field]);
        }
        const curve = (json: { curve: Array<{ labels: number; accuracy: number }> }) => json.curve.map((v) => [v.labels, v.accuracy]);
        expect(curve(onServer.json)).toEqual(curve(onFile.json));
        expect(onServer.json.curve.length).toBeGreaterThan(1);
        const rows = await labelRows(url);
        expect(rows.length).toBe(onServer.json.answers);
        expect(rows).toEqual(await labelRows('learn.sqlite'));

        // Then the learning commands read that store: sample skips what is labeled and uses the new model…
        const sample = await dprog('sample', 'spam.dprog', '--n', '20', '--store', url, '--json');
        expect(sample.code).toBe(0);
        expect(sample.json.coldStart).toBe(false);
        expect(sample.json.labeled).toBe(onServer.json.labelsSpent);
        expect(sample.json.model).toBe(onServer.json.curve.at(-1).path);
        const labeled = new Set(rows.map((r) => JSON.parse(r)[0]));
        expect(sample.json.items.some((i: { key: string }) => labeled.has(i.key))).toBe(false);
        // …retrain adds a version to the curve on the server…
        const retrain = await dprog('retrain', 'spam.dprog', '--store', url, '--json');
        expect(retrain.code).toBe(0);
        expect(retrain.json.version).toBe(onServer.json.curve.at(-1).version + 1);
        const versions = await openStore(url, { readonly: true });
        expect((await versions.modelVersions('spam_model')).map((v) => Number(v.version))).toContain(retrain.json.version);
        await versions.close();
        // …evaluate records the use of the test set there, and refuses a second one without a reason…
        const evaluate = await dprog('evaluate', 'spam.dprog', '--split', 'test', '--gold', 'gold', '--store', url, '--json');
        expect(evaluate.code).toBe(0);
        expect(evaluate.json.model).toBe(path.basename(retrain.json.path));
        expect(evaluate.json.testEvaluations).toBe(1);
        const peek = await dprog('evaluate', 'spam.dprog', '--split', 'test', '--gold', 'gold', '--store', url, '--json');
        expect(peek.code).toBe(2);
        expect(peek.json.error.message).toMatch(/already evaluated 1 time/);
        // …and monitor scores the newest version recorded there.
        const monitor = await dprog('monitor', 'spam.dprog', '--store', url, '--json');
        expect([0, 1]).toContain(monitor.code);
        const predictions = monitor.json.monitors.find((m: { kind: string }) => m.kind === 'predictions');
        expect(predictions.model).toBe(retrain.json.path);
    }, 600_000);

    it('a pool of people on the server: run aggregates their imported answers and store info lists each person', async () => {
        const url = await newDatabase();
        cpSync(path.join(root, 'samples/crowd/rte-items.csv'), path.join(dir, 'rte-items.csv'));
        writeFileSync(
            path.join(dir, 'rte.dprog'),
            `program Rte
dataset pairs from csv "rte-items.csv" { key item: String  hypothesis: Text  text: Text  gold: String }
labels Entails { yes, no }
labeler crowd: human { pool 200, cost $0.01 per item, accuracy 75% }
task entails(p: pairs) -> choice<Entails> {
    show p.hypothesis, p.text
    route cascade crowd
    quality { target 99%, aggregate dawid_skene, at most 10 labels }
}
`,
        );
        const answers = crowdAnswers('rte');
        writeFileSync(
            path.join(dir, 'rte-answers.jsonl'),
            answers
                .map((a) =>
                    JSON.stringify({ id: `${a.item}/${a.worker}`, item: a.item, value: a.label, labeler: 'crowd', person: a.worker }),
                )
                .join('\n'),
        );
        const imported = await dprog('label', 'import', 'rte-answers.jsonl', '--store', url, '--task', 'entails', '--format', 'jsonl');
        expect(imported.code, imported.stderr).toBe(0);
        const run = await dprog('run', 'rte.dprog', '--store', url, '--json');
        expect(run.code, run.stderr).toBe(0);
        const info = await dprog('store', 'info', url, '--json');
        expect(info.code).toBe(0);
        const estimates = new Map<string, number>(
            info.json.estimates.entails.map((e: { labeler: string; accuracy: number }) => [e.labeler, e.accuracy]),
        );
        const workers = workerRecords(answers);
        expect([...workers.keys()].every((w) => estimates.has(`crowd/${w}`))).toBe(true);
        const rated = [...workers].filter(([, w]) => w.answers >= 20).sort(([, a], [, b]) => a.right / a.answers - b.right / b.answers);
        const [worst, best] = [rated[0][0], rated.at(-1)![0]];
        expect(estimates.get(`crowd/${worst}`)!).toBeLessThan(estimates.get(`crowd/${best}`)!);
        // The final labels weigh each person by their estimate: as right as Dawid-Skene is on RTE.
        const store = await openStore(url, { readonly: true });
        const gold = new Map(answers.map((a) => [a.item, a.gold]));
        const finals = await store.aggregates('entails');
        await store.close();
        const right = finals.filter((f) => f.value === gold.get(f.item)).length / gold.size;
        console.log(`RTE on PostgreSQL through dprog run: ${(right * 100).toFixed(2)}% of ${gold.size} items right`);
        expect(finals.length).toBe(gold.size);
        expect(right).toBeGreaterThan(0.92);
    }, 300_000);
});
