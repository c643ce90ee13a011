/**
 * `dprog label export|import` as a user runs it: the CLI bundled with esbuild (sql-wasm.wasm copied
 * beside it, as esbuild.mjs does) in a separate process, against real store files.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelStore } from '../../../engine/src/store/index.js';
import { fileHash, startFixture, tempDir } from './helpers.js';
import { skipWithoutPostgres, startCluster, type PgCluster } from '../../support/postgres.js';

const root = resolve(__dirname, '../../..');
const bundleDir = join(root, 'out', 'test-label-cli');
const cli = join(bundleDir, 'cli', 'main.cjs');
const { dir, cleanup } = tempDir();

beforeAll(async () => {
    await esbuild.build({
        entryPoints: [join(root, 'cli/src/main.ts')],
        outfile: cli,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external: ['vscode', 'onnxruntime-node', 'better-sqlite3', 'pg-native'],
        define: { 'import.meta.url': 'importMetaUrl' },
        banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
        logLevel: 'silent',
    });
    mkdirSync(join(bundleDir, 'wasm'), { recursive: true });
    copyFileSync(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm'), join(bundleDir, 'wasm', 'sql-wasm.wasm'));
}, 120_000);
afterAll(() => {
    cleanup();
    // Not part of the product: keep it out of packaging.
    rmSync(bundleDir, { recursive: true, force: true });
});

function dprog(...args: string[]): { code: number; stdout: string; stderr: string; json: () => Record<string, unknown> } {
    return dprogWith({ DPROG_LOCK_WAIT: '1' }, ...args);
}

function dprogWith(
    env: NodeJS.ProcessEnv,
    ...args: string[]
): { code: number; stdout: string; stderr: string; json: () => Record<string, unknown> } {
    const run = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr, json: () => JSON.parse(run.stdout) };
}

const jsonl = `${[
    {
        id: 'l1',
        task: 'spam',
        item: 'm1',
        labeler: 'alice',
        labelerKind: 'human',
        value: 'spam',
        gold: false,
        createdAt: '2026-01-01T00:00:00.000Z',
    },
    {
        id: 'l2',
        task: 'spam',
        item: 'm2',
        labeler: 'clf',
        labelerKind: 'model',
        value: 'ham',
        score: 0.7,
        gold: false,
        createdAt: '2026-01-01T00:00:01.000Z',
    },
]
    .map((record) => JSON.stringify(record))
    .join('\n')}\n`;

describe('dprog label', () => {
    it('imports, then exports byte for byte, to stdout and to a file', () => {
        writeFileSync(join(dir, 'in.jsonl'), jsonl);
        const imported = dprog('label', 'import', '--task', 'spam', '--format', 'jsonl', 'in.jsonl', '--json');
        expect(imported.code, imported.stderr).toBe(0);
        expect(imported.json()).toMatchObject({
            task: 'spam',
            format: 'jsonl',
            read: 2,
            added: 2,
            alreadyStored: 0,
            store: join(dir, '.dprog', 'labels.sqlite'),
        });
        expect(dprog('label', 'import', '--task', 'spam', '--format', 'jsonl', 'in.jsonl', '--json').json()).toMatchObject({
            added: 0,
            alreadyStored: 2,
        });

        const out = dprog('label', 'export', '--task', 'spam', '--format', 'jsonl');
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout).toBe(jsonl);
        const toFile = dprog(
            'label',
            'export',
            '--store',
            '.dprog/labels.sqlite',
            '--task',
            'spam',
            '--format',
            'csv',
            '--out',
            'out.csv',
            '--json',
        );
        expect(toFile.json()).toMatchObject({ labels: 2, files: ['out.csv'] });
        expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\n')[1]).toBe(
            // … supersededBy and person empty.
            'l1,spam,m1,alice,human,spam,,false,,2026-01-01T00:00:00.000Z,,',
        );
    });

    it('exports while another process holds the write lock, but refuses a second writer after waiting (exit 2)', async () => {
        const store = join(dir, 'held.sqlite');
        const holder = startFixture('hold-lock.ts', [store]);
        const pid = (await holder.waitFor('open ')).split(' ')[1];
        try {
            const read = dprog('label', 'export', '--store', store, '--task', 't', '--format', 'jsonl', '--json');
            expect(read.code, read.stderr).toBe(0);
            expect(JSON.parse(String(read.json().content)).id).toBe('held');
            const write = dprog('label', 'import', '--store', store, '--task', 'spam', '--format', 'jsonl', 'in.jsonl', '--json');
            expect(write.code).toBe(2);
            expect(write.stderr).toMatch(new RegExp(`label store is busy \\(process ${pid} is writing\\); waiting up to 1 s`));
            const message = String((write.json().error as { message: string }).message);
            expect(message).toMatch(
                new RegExp(
                    `locked by another writer \\(process ${pid} on .*, last heartbeat \\d+ s ago, lock file .*held\\.sqlite\\.lock\\)`,
                ),
            );
            expect(message).not.toMatch(/delete/i);
        } finally {
            holder.child.kill('SIGKILL');
            await holder.exited;
        }
    });

    it('reports a damaged store (exit 1) and leaves it as it was', () => {
        const store = join(dir, 'broken.sqlite');
        writeFileSync(store, `SQLite format 3\0${'garbage'.repeat(100)}`);
        const before = fileHash(store);
        for (const args of [['export'], ['import', 'in.jsonl']]) {
            const run = dprog('label', args[0], '--store', store, '--task', 'spam', '--format', 'jsonl', ...args.slice(1));
            expect(run.code).toBe(1);
            expect(run.stderr).toMatch(
                /broken\.sqlite: the label store is damaged: .* The file was not modified\. Restore it from a backup/,
            );
        }
        expect(fileHash(store)).toBe(before);
    });

    it('explains bad usage and bad data', async () => {
        expect(dprog('label', 'export', '--task', 'spam', '--format', 'xml').stderr).toMatch(
            /unknown format; use one of jsonl, csv, coco, yolo, labelstudio/,
        );
        expect(dprog('label', 'export', '--task', 'spam', '--format', 'xml').code).toBe(2);
        const noTask = dprog('label', 'export', '--task', 'nope', '--format', 'csv');
        expect([noTask.code, noTask.stderr]).toEqual([1, expect.stringMatching(/no labels for task 'nope'; tasks with labels: spam/)]);
        expect(dprog('label', 'export', '--task', 'spam', '--format', 'yolo').stderr).toMatch(/writes a folder: pass --out DIR/);
        expect(dprog('label', 'export', '--task', 'spam', '--format', 'coco', '--history').stderr).toMatch(/--history: only jsonl and csv/);
        expect(dprog('label', 'export', '--task', 'spam', '--format', 'csv', '--history', '--labeler', 'alice').stderr).toMatch(
            /--history with --labeler would cut supersede links/,
        );
        expect(dprog('label', 'export', '--store', 'missing.sqlite', '--task', 'spam', '--format', 'csv').code).toBe(2);
        writeFileSync(join(dir, 'bad.csv'), 'item,value\nm9,ok\nm10\n');
        const bad = dprog('label', 'import', '--store', 'fresh.sqlite', '--task', 'spam', '--format', 'csv', 'bad.csv');
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/bad\.csv:3: rejected: 1 field\(s\), the header has 2/);
        expect(bad.stdout).toMatch(/imported 1 label\(s\) into task spam \(2 read, 0 already in the store, 1 rejected\)/);
        const fresh = await LabelStore.open(join(dir, 'fresh.sqlite'), { readonly: true });
        expect(fresh.countLabels()).toBe(1);
        await fresh.close();
    });

    it("checks values against the task's type, from --program or from the plan compile --store recorded", () => {
        mkdirSync(join(dir, 'data'), { recursive: true });
        writeFileSync(join(dir, 'data', 'q.jsonl'), '{"id":"a","text":"x"}\n{"id":"b","text":"y"}\n');
        writeFileSync(
            join(dir, 'yn.dprog'),
            `program YesNo version 1
dataset questions from jsonl "data/q.jsonl" {
    key id: String
    text: Text
}
labels Answer { yes, no }
labeler crowd: human { pool 3, cost $0.01 per item, accuracy 80% }
task answer(q: questions) -> choice<Answer> {
    ask "Yes or no?"
    route cascade crowd
}
`,
        );
        writeFileSync(join(dir, 'yn.jsonl'), '{"item":"a","value":"yes"}\n{"item":"b","value":"banana"}\n{"item":"17","value":"no"}\n');
        const typed = dprog(
            'label',
            'import',
            '--store',
            'yn.sqlite',
            '--task',
            'answer',
            '--format',
            'jsonl',
            '--program',
            'yn.dprog',
            'yn.jsonl',
            '--json',
        );
        expect(typed.code).toBe(1);
        expect(typed.json()).toMatchObject({
            added: 1,
            rejected: 2,
            typeFrom: 'yn.dprog',
            rejections: [
                { file: 'yn.jsonl', line: 2, reason: expect.stringMatching(/value "banana" does not fit choice<Answer>/) },
                { file: 'yn.jsonl', line: 3, reason: "item '17' is not an item of the task's dataset" },
            ],
        });
        const unchecked = dprog('label', 'import', '--store', 'yn2.sqlite', '--task', 'answer', '--format', 'jsonl', 'yn.jsonl');
        expect(unchecked.code).toBe(0);
        expect(unchecked.stderr).toMatch(/warning: values of task answer were not checked against its type/);
        expect(dprog('compile', 'yn.dprog', '--store', 'yn3.sqlite').code).toBe(0);
        const fromStore = dprog('label', 'import', '--store', 'yn3.sqlite', '--task', 'answer', '--format', 'jsonl', 'yn.jsonl', '--json');
        expect(fromStore.json()).toMatchObject({ added: 2, rejected: 1, typeFrom: 'plan YesNo version 1 in the store' });
        // With the program, Label Studio tasks carry the item's fields and a labeling config is written beside them.
        const ls = dprog(
            'label',
            'export',
            '--store',
            'yn.sqlite',
            '--task',
            'answer',
            '--format',
            'labelstudio',
            '--program',
            'yn.dprog',
            '--out',
            'yn-ls.json',
            '--json',
        );
        expect(ls.json()).toMatchObject({ files: ['yn-ls.json', 'yn-ls.label_config.xml'] });
        expect(JSON.parse(readFileSync(join(dir, 'yn-ls.json'), 'utf8'))[0].data).toEqual({ id: 'a', text: 'x', dprog_item: 'a' });
        expect(readFileSync(join(dir, 'yn-ls.label_config.xml'), 'utf8')).toContain('<Choice value="banana"/>'.replace('banana', 'yes'));
    });

    it('--json prints one JSON error document for argument errors too', () => {
        for (const args of [
            ['label', 'import', '--format', 'jsonl', 'in.jsonl', '--json'],
            ['label', 'export', '--task', 'spam', '--format', 'jsonl', '--no-such-option', '--json'],
            ['compile', '--json'],
            ['no-such-command', '--json'],
        ]) {
            const run = dprog(...args);
            expect(run.code, args.join(' ')).toBe(2);
            expect(run.stderr).toBe('');
            const doc = run.json();
            expect(Object.keys(doc)).toEqual(['error']);
            expect(doc.error).toMatchObject({ message: expect.any(String), exitCode: 2 });
        }
        const plain = dprog('label', 'import', '--format', 'jsonl', 'in.jsonl');
        expect([plain.code, plain.stdout]).toEqual([2, '']);
        expect(plain.stderr).toMatch(/required option '--task <task>' not specified/);
    });
});

describe('dprog store and --store locations', () => {
    it('refuses a --store that is neither a path nor a postgres:// URL, and creates no folder for it', () => {
        for (const store of ['postgres:labels', 'http://example.org/labels', 'sqlite://x.db']) {
            const run = dprog('label', 'import', '--store', store, '--task', 'spam', '--format', 'jsonl', 'in.jsonl');
            expect(run.code).toBe(2);
            expect(run.stderr).toMatch(
                /not a label store this dprog can open\. Give a file path .* or postgres:\/\/user@host:port\/database/,
            );
        }
        expect(existsSync(join(dir, 'postgres:labels'))).toBe(false);
        expect(existsSync(join(dir, 'http:'))).toBe(false);
    });

    it('describes a store, and copies one file store to another with the same content', () => {
        writeFileSync(join(dir, 'in.jsonl'), jsonl);
        expect(dprog('label', 'import', '--store', 'a.sqlite', '--task', 'spam', '--format', 'jsonl', 'in.jsonl', '--as', 'ann').code).toBe(
            0,
        );
        // --as names the person of the human labels (not the model's); jsonl carries it out and back in.
        const exported = dprog('label', 'export', '--store', 'a.sqlite', '--task', 'spam', '--format', 'jsonl')
            .stdout.split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l));
        expect(exported.map((r) => [r.id, r.person])).toEqual([
            ['l1', 'ann'],
            ['l2', undefined],
        ]);
        const info = dprog('store', 'info', 'a.sqlite', '--json');
        expect(info.code, info.stderr).toBe(0);
        expect(info.json()).toMatchObject({ backend: 'sqljs', location: join(dir, 'a.sqlite'), labels: 2, tasks: { spam: 2 } });
        expect(Number(info.json().schemaVersion)).toBeGreaterThanOrEqual(3);
        const copy = dprog('store', 'copy', 'a.sqlite', 'b.sqlite', '--json');
        expect(copy.code, copy.stderr).toBe(0);
        expect(copy.json()).toMatchObject({ verified: true, counts: { labels: 2 } });
        expect(dprog('store', 'info', 'b.sqlite', '--json').json()).toMatchObject({ labels: 2, tasks: { spam: 2 } });
        // A copy never mixes into a store that has labels already.
        const again = dprog('store', 'copy', 'a.sqlite', 'b.sqlite');
        expect(again.code).toBe(2);
        expect(again.stderr).toMatch(/already holds 2 label\(s\); copy into a new, empty store/);
    });
});

describe.skipIf(skipWithoutPostgres())('dprog store copy with PostgreSQL', () => {
    let cluster: PgCluster;
    beforeAll(async () => {
        cluster = await startCluster();
    }, 120_000);
    afterAll(() => cluster?.stop());

    it('round-trips sql.js → PostgreSQL → sql.js with equal content hashes; the password comes from PGPASSWORD', async () => {
        const url = await cluster.createDatabase('cli_copy');
        writeFileSync(join(dir, 'in.jsonl'), jsonl);
        expect(dprog('label', 'import', '--store', 'c.sqlite', '--task', 'spam', '--format', 'jsonl', 'in.jsonl', '--as', 'ann').code).toBe(
            0,
        );
        const noPassword = dprogWith({ PGPASSWORD: '' }, 'store', 'info', url);
        expect(noPassword.code).toBe(2);
        expect(noPassword.stderr).toMatch(/refused the login .* PGPASSWORD or ~\/\.pgpass/);
        const there = dprogWith(cluster.env, 'store', 'copy', 'c.sqlite', url, '--json');
        expect(there.code, there.stderr).toBe(0);
        const back = dprogWith(cluster.env, 'store', 'copy', url, 'd.sqlite', '--json');
        expect(back.code, back.stderr).toBe(0);
        expect(back.json().hash).toBe(there.json().hash);
        expect(dprogWith(cluster.env, 'store', 'info', url, '--json').json()).toMatchObject({
            backend: 'postgres',
            location: url,
            labels: 2,
            tasks: { spam: 2 },
        });
        const exported = dprogWith(cluster.env, 'label', 'export', '--store', url, '--task', 'spam', '--format', 'jsonl');
        expect(
            exported.stdout
                .split('\n')
                .filter(Boolean)
                .map((line) => JSON.parse(line).id),
        ).toEqual(['l1', 'l2']);
    });
});
