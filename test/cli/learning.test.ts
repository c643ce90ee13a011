/**
 * `dprog sample`, `learn --simulate`, `retrain` and `evaluate` as a user runs them: the bundled CLI
 * in a separate process, on a small generated program and data set, with the real store (sql.js)
 * and onnxruntime-node. Bad input (corrupt or mismatched model, non-UTF-8 text, empty data) exits
 * non-zero naming the file, and leaves the label store byte for byte as it was.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashTexts } from '../../engine/src/data/hashed-featurizer.js';
import { writeLinearHead } from '../../engine/src/learning/onnx-export.js';
import { trainSoftmax } from '../../engine/src/learning/softmax-regression.js';
import { syntheticMessages } from '../engine/learning/helpers.js';
import { LabelStore } from '../../engine/src/store/index.js';

const root = path.resolve(__dirname, '../..');
let dir: string;
/** Where `dprog learn --simulate` keeps simulated answers (apart from real labels). */
const SIM = '.dprog/simulation/labels.sqlite';

const PROGRAM = (dataFile: string, model: string, extra = '') => `program Triage version 1
dataset emails from jsonl "${dataFile}" {
    key id: String
    body: Text
    split by id { train 60%, validation 20%, test 20% }
}
labels Verdict { spam, ham }
labeler crowd: human { cost $0.01 per item, accuracy 80% }
labeler analysts: human { cost $0.10 per item, accuracy 95% }
labeler spam_model: model "${model}" {
    input body as hashed 512
    output choice<Verdict>
}
task classify(e: emails) -> choice<Verdict> {
    show e.body
    route cascade spam_model, crowd, analysts
    quality { target 90%, at most 3 labels }
}
learn classify using spam_model {
    strategy entropy
    diversity 20%
    batch 10
    budget 40 labels
    retrain every 20 labels
    ${extra}
}
`;

/** Runs the CLI without blocking the test worker (a blocked worker misses vitest's heartbeats on a busy machine). */
// biome-ignore lint/suspicious/noExplicitAny: assertions read the CLI's JSON output as it comes
function dprog(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; json: any }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [path.join(root, 'bin/dprog.cjs'), ...args], { cwd: dir, encoding: 'utf8' }, (error, stdout, stderr) => {
            let json: unknown;
            try {
                json = JSON.parse(stdout);
            } catch {
                json = undefined;
            }
            const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
            resolve({ code, stdout, stderr, json });
        });
    });
}

function write(name: string, content: string | Buffer): string {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
}

beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-learn-cli-'));
    write(
        'data/emails.jsonl',
        `${syntheticMessages(240, 8)
            .map((m) => JSON.stringify(m))
            .join('\n')}\n`,
    );
    write('triage.dprog', PROGRAM('data/emails.jsonl', 'models/spam.onnx'));
}, 300_000);

describe('dprog sample', () => {
    it('cold start: no model yet → k-center picks, only train items, the contract JSON', async () => {
        const { code, json } = await dprog('sample', 'triage.dprog', '--task', 'classify', '--n', '7', '--seed', '3', '--json');
        expect(code).toBe(0);
        expect(json.task).toBe('classify');
        expect(json.strategy).toBe('entropy');
        expect(json.coldStart).toBe(true);
        expect(json.items).toHaveLength(7);
        for (const item of json.items) {
            expect(Object.keys(item)).toEqual(expect.arrayContaining(['key', 'score', 'split']));
            expect(item.split).toBe('train');
            expect(typeof item.score).toBe('number');
        }
        const again = await dprog('sample', 'triage.dprog', '--task', 'classify', '--n', '7', '--seed', '3', '--json');
        expect(again.json.items).toEqual(json.items);
        // The program has one `learn` block: --task may be left out.
        const implicit = await dprog('sample', 'triage.dprog', '--n', '7', '--seed', '3', '--json');
        expect(implicit.json.task).toBe('classify');
        expect(implicit.json.items).toEqual(json.items);
    });

    it('bad usage exits 2 with a message', async () => {
        expect((await dprog('sample', 'triage.dprog', '--task', 'classify', '--n', '0', '--json')).code).toBe(2);
        const unknown = await dprog('sample', 'triage.dprog', '--task', 'sort', '--json');
        expect(unknown.code).toBe(2);
        expect(unknown.json.error.message).toMatch(/no `learn sort using …` block; there is one for: classify/);
    });
});

describe('dprog learn --simulate, retrain, evaluate', () => {
    it('runs rounds answered by simulated people, retrains, and keeps the learning curve in the store', async () => {
        const { code, json, stderr } = await dprog('learn', 'triage.dprog', '--task', 'classify', '--simulate', '--json');
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(json.labelsSpent).toBe(40);
        expect(json.stopped).toBe('budget');
        expect(json.answers).toBeGreaterThanOrEqual(80); // one 80% answer never reaches the 90% target
        // the first model as soon as there are labels, then every 20, and at the end of the budget
        expect(json.curve.map((v: { labels: number }) => v.labels)).toEqual([10, 30, 40]);
        for (const v of json.curve) {
            expect(existsSync(v.path)).toBe(true);
        }
        expect(json.accuracy).toBeGreaterThan(0.7);
        expect(existsSync(path.join(dir, SIM))).toBe(true);
        expect(existsSync(path.join(dir, '.dprog/labels.sqlite'))).toBe(false); // real labels are untouched
    });

    it("follows the route's order (the model in training left out) and stops for the task's money budget, saying so", async () => {
        write(
            'budget.dprog',
            PROGRAM('data/emails.jsonl', 'models/spam.onnx').replace(
                'quality { target 90%, at most 3 labels }',
                'quality { target 90%, at most 3 labels }\n    budget $0.50',
            ),
        );
        const { code, json } = await dprog(
            'learn',
            'budget.dprog',
            '--task',
            'classify',
            '--simulate',
            '--store',
            'budget.sqlite',
            '--json',
        );
        expect(code).toBe(0);
        expect(json.stopped).toBe('money');
        expect(json.budget).toBe(0.5);
        expect(json.cost).toBeLessThanOrEqual(0.5);
        expect(json.cost).toBeGreaterThan(0.4);
        const store = await LabelStore.open(path.join(dir, 'budget.sqlite'), { readonly: true });
        try {
            const byItem = new Map<string, string[]>();
            for (const l of store.labels({ task: 'classify' }).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))) {
                byItem.set(l.item, [...(byItem.get(l.item) ?? []), l.labeler]);
            }
            // cascade crowd, analysts: the crowd first, the analysts second, never the model being trained.
            for (const asked of byItem.values()) {
                expect(asked[0]).toBe('crowd');
                if (asked.length > 1) {
                    expect(asked[1]).toBe('analysts');
                }
            }
        } finally {
            await store.close();
        }
        const text = await dprog('learn', 'budget.dprog', '--task', 'classify', '--simulate', '--store', 'budget2.sqlite');
        expect(text.stdout).toMatch(/stopped for the budget: \$0\.\d\d of \$0\.50 spent, and the next answer would cost \$0\.\d\d/);
    });

    it('then sample uses the newest model and skips labeled items', async () => {
        const { json } = await dprog('sample', 'triage.dprog', '--task', 'classify', '--n', '10', '--store', SIM, '--json');
        expect(json.coldStart).toBe(false);
        expect(json.model).toMatch(/spam_model-v3\.onnx$/);
        expect(json.labeled).toBe(40);
        expect(json.items.filter((i: { reason: string }) => i.reason === 'diversity')).toHaveLength(2);
    });

    it('a second learn resumes: the budget is spent, nothing more is asked', async () => {
        const { json } = await dprog('learn', 'triage.dprog', '--task', 'classify', '--simulate', '--json');
        expect(json.rounds).toBe(0);
        expect(json.answers).toBe(0);
        expect(json.curve).toHaveLength(3);
    });

    it('--fresh starts the simulation over, and refuses to clear a store given with --store', async () => {
        const refused = await dprog('learn', 'triage.dprog', '--task', 'classify', '--simulate', '--fresh', '--store', SIM, '--json');
        expect(refused.code).toBe(2);
        const { json } = await dprog('learn', 'triage.dprog', '--task', 'classify', '--simulate', '--fresh', '--rounds', '2', '--json');
        expect(json.rounds).toBe(2);
        expect(json.labelsSpent).toBe(20);
        const again = await dprog('learn', 'triage.dprog', '--task', 'classify', '--simulate', '--json');
        expect(again.json.labelsSpent).toBe(40);
        expect(again.json.curve.map((v: { labels: number }) => v.labels)).toEqual([10, 30, 40]);
    });

    it('retrain makes the next version from the stored labels', async () => {
        const { code, json } = await dprog('retrain', 'triage.dprog', '--task', 'classify', '--store', SIM, '--json');
        expect(code).toBe(0);
        expect(json.version).toBe(4);
        expect(json.trainingLabels).toBe(40);
    });

    it('evaluate records every evaluation and refuses a second use of test unless --reuse-test records why', async () => {
        const evaluateTest = (...extra: string[]) =>
            dprog('evaluate', 'triage.dprog', '--task', 'classify', '--split', 'test', '--gold', 'gold', '--store', SIM, ...extra);
        const first = await evaluateTest('--json');
        expect(first.code).toBe(0);
        expect(first.json.split).toBe('test');
        expect(first.json.warning).toBeUndefined();
        expect(first.json.accuracy).toBeGreaterThan(0.7);
        const second = await evaluateTest();
        expect(second.code).toBe(2);
        expect(second.stderr).toMatch(/the test set was already evaluated 1 time\(s\) for program version 1.*--reuse-test/);
        const refusedJson = await evaluateTest('--json');
        expect(refusedJson.code).toBe(2);
        expect(refusedJson.json.error.message).toMatch(/already evaluated 1 time/);
        const reused = await evaluateTest('--reuse-test', 'final report after relabeling', '--json');
        expect(reused.code).toBe(0);
        expect(reused.json).toMatchObject({ testEvaluations: 2, reuseReason: 'final report after relabeling' });
        const third = await evaluateTest();
        expect(third.code).toBe(2);
        expect(third.stderr).toMatch(/already evaluated 2 time\(s\)/);
    });

    it('learn without --simulate explains how people answer, and exits 2', async () => {
        const { code, stderr } = await dprog('learn', 'triage.dprog', '--task', 'classify');
        expect(code).toBe(2);
        expect(stderr).toMatch(/--simulate/);
    });
});

describe('dprog monitor', () => {
    const MONITORS = `
monitor shift of emails.body { metric psi, warn above 0.1, alert above 0.25 }
monitor predictions of spam_model { confidence within [5%, 99%], rate of spam within [10%, 60%] }
`;

    it("is ok on the program's own held-out buckets and alerts (exit 1) on drifted data", async () => {
        // A model trained on 60 of the messages, as `dprog learn` would make it.
        const messages = syntheticMessages(240, 8).slice(0, 60);
        const head = trainSoftmax(
            hashTexts(
                messages.map((m) => m.body),
                512,
            ),
            Int32Array.from(messages, (m) => (m.gold === 'spam' ? 0 : 1)),
            ['spam', 'ham'],
        );
        writeLinearHead(path.join(dir, 'models/monitored.onnx'), head);
        // PSI over n items carries a bias of about (bins − 1)(1/n₁ + 1/n₂): monitors need real sample sizes.
        write(
            'data/monitored.jsonl',
            `${syntheticMessages(2000, 12)
                .map((m) => JSON.stringify(m))
                .join('\n')}\n`,
        );
        write('monitored.dprog', PROGRAM('data/monitored.jsonl', 'models/monitored.onnx') + MONITORS);
        const ok = await dprog('monitor', 'monitored.dprog', '--json');
        expect(ok.code).toBe(0);
        expect(ok.json.monitors.map((m: { kind: string; level: string }) => `${m.kind}:${m.level}`)).toEqual([
            'shift:ok',
            'predictions:ok',
        ]);
        // New mail: only spam, and words the training mail never had.
        const drifted = syntheticMessages(600, 9)
            .filter((m) => m.gold === 'spam')
            .map((m, i) => JSON.stringify({ ...m, id: `new${i}`, body: `${m.body} ${m.body} lottery bitcoin crypto urgent` }));
        write('data/new.jsonl', `${drifted.join('\n')}\n`);
        const alert = await dprog('monitor', 'monitored.dprog', '--data', path.join(dir, 'data/new.jsonl'), '--json');
        expect(alert.code).toBe(1);
        expect(alert.json.level).toBe('alert');
        const [shift, predictions] = alert.json.monitors;
        expect(shift.level).toBe('alert');
        expect(shift.value).toBeGreaterThan(0.25);
        expect(predictions.violations.map((v: { what: string }) => v.what)).toContain('rate of spam');
    });
});

describe('bad input names the file and leaves the store as it was', () => {
    const storeBytes = () => readFileSync(path.join(dir, SIM));

    async function expectFailure(
        program: string,
        pattern: RegExp,
        args: string[] = ['learn', program, '--task', 'classify', '--simulate', '--json'],
    ): Promise<void> {
        const before = storeBytes();
        const { code, json } = await dprog(...args);
        expect(code).toBe(1);
        expect(json.error.message).toMatch(pattern);
        expect(storeBytes().equals(before)).toBe(true);
    }

    it('a corrupt model file', async () => {
        const model = write('models/corrupt.onnx', Buffer.from('not an onnx model at all'));
        write('corrupt.dprog', PROGRAM('data/emails.jsonl', 'models/corrupt.onnx'));
        await expectFailure('corrupt.dprog', new RegExp(`${model}: not a valid ONNX model`));
        await expectFailure('corrupt.dprog', new RegExp(`${model}: not a valid ONNX model`), [
            'sample',
            'corrupt.dprog',
            '--task',
            'classify',
            '--json',
        ]);
    });

    it('a model whose input does not match the featurizer', async () => {
        // A version trained for 512 inputs, declared as hashed 256.
        const model = path.join(dir, 'models/narrow.onnx');
        copyFileSync(path.join(dir, '.dprog/simulation/models/spam_model-v1.onnx'), model);
        write('narrow.dprog', PROGRAM('data/emails.jsonl', 'models/narrow.onnx').replace('hashed 512', 'hashed 256'));
        // The checker catches it (the program does not compile), naming the program line and the model file.
        expect(existsSync(model)).toBe(true);
        await expectFailure('narrow.dprog', /narrow\.dprog:11:\d+: error .*models\/narrow\.onnx.*256.*512/, [
            'evaluate',
            'narrow.dprog',
            '--task',
            'classify',
            '--gold',
            'gold',
            '--store',
            SIM,
            '--json',
        ]);
    });

    it('text that is not UTF-8', async () => {
        const data = write(
            'data/latin1.jsonl',
            Buffer.concat([Buffer.from('{"id":"a","body":"caf'), Buffer.from([0xe9]), Buffer.from('","gold":"ham"}\n')]),
        );
        write('latin1.dprog', PROGRAM('data/latin1.jsonl', 'models/spam.onnx'));
        await expectFailure('latin1.dprog', new RegExp(`${data}:1: the line is not valid UTF-8`), [
            'learn',
            'latin1.dprog',
            '--task',
            'classify',
            '--simulate',
            '--store',
            SIM,
            '--json',
        ]);
    });

    it('an empty dataset', async () => {
        const data = write('data/empty.jsonl', '');
        write('empty.dprog', PROGRAM('data/empty.jsonl', 'models/spam.onnx'));
        await expectFailure('empty.dprog', new RegExp(`${data}: the dataset 'emails' is empty`), [
            'learn',
            'empty.dprog',
            '--task',
            'classify',
            '--simulate',
            '--store',
            SIM,
            '--json',
        ]);
    });
});
