/**
 * `dprog compile` and `dprog diff` as a user runs them: the bundled CLI in a separate process, with
 * real files and a real (sql.js) label store.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LabelStore } from '../../engine/src/store/index.js';
import { parsePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../engine/src/plan/types.js';

const root = path.resolve(__dirname, '../..');
let dir: string;

function dprog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), ...args], { cwd: dir, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function program(version: number, labels: string): string {
    return `program Triage version ${version}
dataset emails from jsonl "data/emails.jsonl" {
    key id: String
    body: Text
    split by id { train 80%, validation 10%, test 10% }
}
labels Verdict { ${labels} }
labeler crowd: human { pool 5, cost $0.02 per item, accuracy 80% }
task classify(e: emails) -> choice<Verdict> {
    ask "Is this spam?"
    show e.body
    route cascade crowd
    quality { target 95%, at most 5 labels }
    budget $0.05
}
`;
}

const BROKEN = program(1, 'spam, ham').replace('route cascade crowd', 'route cascade crwod');

beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-compile-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(
        path.join(dir, 'data/emails.jsonl'),
        ['{"id":"1","body":"a"}', '{"id":"2","body":"b"}', '{"id":"3","body":"c"}', ''].join('\n'),
    );
    writeFileSync(path.join(dir, 'v1.dprog'), program(1, 'spam, ham'));
    writeFileSync(path.join(dir, 'v2.dprog'), program(2, 'junk from spam, ham, phishing'));
    writeFileSync(path.join(dir, 'v2-bad-from.dprog'), program(2, 'junk from spamm, ham'));
    writeFileSync(path.join(dir, 'broken.dprog'), BROKEN);
}, 300_000);

afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
});

describe('dprog compile', () => {
    test('--json prints one valid dprog.plan/v2 document with counted items, costs and a budget warning', () => {
        const result = dprog('compile', 'v1.dprog', '--json');
        expect(result.code).toBe(0);
        const plan = parsePlan(result.stdout);
        expect(plan).toMatchObject({ schema: 'dprog.plan/v2', program: 'Triage', version: 1 });
        const task = plan.tasks[0];
        expect(task).toMatchObject({
            name: 'classify',
            input: [{ name: 'e' }],
            output: { text: 'choice<Verdict>' },
            quality: { target: 0.95 },
        });
        expect(task.route.stages.map((s) => s.labeler)).toEqual(['crowd']);
        expect(task.cost.items).toBe(3);
        expect(task.cost.total).toBeCloseTo(task.cost.perItem * 3, 6);
        // About 2.5 answers at $0.02 for 3 items is more than the $0.05 budget.
        expect(task.cost.withinBudget).toBe(false);
        expect(plan.warnings.map((w) => w.code)).toContain('plan/over-budget');
    });

    test('--out writes the same plan, byte-identical on every compile; the summary names tasks, cost and warnings', () => {
        const first = dprog('compile', 'v1.dprog', '--out', 'out/plan.json');
        expect(first.code).toBe(0);
        expect(first.stdout).toContain('task classify(e: emails) -> choice<Verdict>: 3 items');
        expect(first.stdout).toMatch(/expected cost \$0\.\d\d/);
        expect(first.stdout).toContain('warning plan/over-budget');
        const bytes = readFileSync(path.join(dir, 'out/plan.json'), 'utf8');
        expect(dprog('compile', 'v1.dprog', '--out', 'out/plan.json').code).toBe(0);
        expect(readFileSync(path.join(dir, 'out/plan.json'), 'utf8')).toBe(bytes);
        expect(JSON.parse(dprog('compile', 'v1.dprog', '--json').stdout)).toEqual(JSON.parse(bytes));
    });

    test('a program with errors prints the diagnostics, exits 1 and writes no plan', () => {
        const result = dprog('compile', 'broken.dprog', '--out', 'broken-plan.json');
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(/broken\.dprog:12:19: error [\w/-]+: .*crwod/);
        expect(existsSync(path.join(dir, 'broken-plan.json'))).toBe(false);
        const json = dprog('compile', 'broken.dprog', '--json');
        expect(json.code).toBe(1);
        expect(JSON.parse(json.stdout).diagnostics[0]).toMatchObject({ file: 'broken.dprog', line: 12, column: 19, severity: 'error' });
    });

    test('--store records each version and reports the migration from the last one', async () => {
        const first = dprog('compile', 'v1.dprog', '--store', 'store/labels.sqlite');
        expect(first.code).toBe(0);
        expect(first.stdout).toContain('recorded Triage version 1');
        const second = dprog('compile', 'v2.dprog', '--store', 'store/labels.sqlite', '--json');
        expect(second.code).toBe(0);
        const output = JSON.parse(second.stdout) as LabelingPlan & {
            migration: { tasks: Array<{ task: string; action: string; members: unknown[] }> };
        };
        expect(output.version).toBe(2);
        expect(output.migration.tasks).toEqual([
            expect.objectContaining({
                task: 'classify',
                action: 'migrate',
                members: [
                    { old: 'spam', new: ['junk'], action: 'map' },
                    { old: 'ham', new: ['ham'], action: 'keep' },
                    { old: null, new: ['phishing'], action: 'review' },
                ],
            }),
        ]);
        const store = await LabelStore.open(path.join(dir, 'store/labels.sqlite'), { readonly: true });
        try {
            expect(store.planVersions('Triage').map((p) => p.version)).toEqual(['1', '2']);
            expect(parsePlan(JSON.stringify(store.getPlan('Triage')!.plan)).labelSets[0].members.map((m) => m.name)).toEqual([
                'junk',
                'ham',
                'phishing',
            ]);
        } finally {
            await store.close();
        }
    });

    test('--store applies the migration to the stored labels once; compiling the same version again is a no-op', async () => {
        expect(dprog('compile', 'v1.dprog', '--store', 'applied.sqlite').code).toBe(0);
        let store = await LabelStore.open(path.join(dir, 'applied.sqlite'));
        await store.addLabels(
            ['1', '2', '3'].map((item, i) => ({
                id: `l${item}`,
                task: 'classify',
                item,
                labeler: 'ann',
                labelerKind: 'human' as const,
                value: i === 1 ? 'ham' : 'spam',
            })),
        );
        await store.close();
        const second = dprog('compile', 'v2.dprog', '--store', 'applied.sqlite');
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout).toContain('labels of classify: 2 mapped, 0 to re-ask, 0 invalidated, 3 queued for review, 1 kept');
        const labelsNow = async () => {
            const reader = await LabelStore.open(path.join(dir, 'applied.sqlite'), { readonly: true });
            try {
                return {
                    current: reader
                        .labels({ task: 'classify' })
                        .map((l) => [l.item, l.value])
                        .sort(),
                    all: reader.countLabels({ includeSuperseded: true }),
                };
            } finally {
                await reader.close();
            }
        };
        const after = await labelsNow();
        expect(after.current).toEqual([
            ['1', 'junk'],
            ['2', 'ham'],
            ['3', 'junk'],
        ]);
        expect(after.all).toBe(5);
        for (const args of [[], ['--json']]) {
            const again = dprog('compile', 'v2.dprog', '--store', 'applied.sqlite', ...args);
            expect(again.code, again.stdout + again.stderr).toBe(0);
            if (args.length) {
                expect(JSON.parse(again.stdout).migration.applied).toMatchObject({ from: 1, to: 2, alreadyApplied: true });
            } else {
                expect(again.stdout).toMatch(/the migration 1 → 2 was applied on .*; nothing to do/);
            }
        }
        expect(await labelsNow()).toEqual(after);
        store = await LabelStore.open(path.join(dir, 'applied.sqlite'), { readonly: true });
        expect(store.planVersions('Triage').map((p) => p.version)).toEqual(['1', '2']);
        await store.close();
    });

    test('a program changed without raising its version still migrates its stored labels, once per change', async () => {
        expect(dprog('compile', 'v1.dprog', '--store', 'same-version.sqlite').code).toBe(0);
        const store = await LabelStore.open(path.join(dir, 'same-version.sqlite'));
        await store.addLabels([{ id: 'sv1', task: 'classify', item: '1', labeler: 'ann', labelerKind: 'human' as const, value: 'spam' }]);
        await store.close();
        writeFileSync(path.join(dir, 'v1-renamed.dprog'), program(1, 'junk from spam, ham'));
        const changed = dprog('compile', 'v1-renamed.dprog', '--store', 'same-version.sqlite', '--json');
        expect(changed.code, changed.stderr).toBe(0);
        expect(changed.stderr).toContain('its version is still 1');
        const migration = JSON.parse(changed.stdout).migration;
        expect(migration.tasks[0].members).toContainEqual({ old: 'spam', new: ['junk'], action: 'map' });
        expect(migration.applied).toMatchObject({ from: 1, to: 1, alreadyApplied: false });
        const again = dprog('compile', 'v1-renamed.dprog', '--store', 'same-version.sqlite', '--json');
        expect(JSON.parse(again.stdout).migration).toBeUndefined();
        const reader = await LabelStore.open(path.join(dir, 'same-version.sqlite'), { readonly: true });
        try {
            expect(reader.labels({ task: 'classify' }).map((l) => l.value)).toEqual(['junk']);
        } finally {
            await reader.close();
        }
    });

    test('a from naming a member the stored version did not have is an error: exit 1, nothing recorded', async () => {
        dprog('compile', 'v1.dprog', '--store', 'from-store.sqlite');
        const result = dprog('compile', 'v2-bad-from.dprog', '--store', 'from-store.sqlite', '--out', 'bad-from-plan.json');
        expect(result.code).toBe(1);
        // The plain compile of v1 above recorded its label sets beside the program, so the checker
        // itself knows the previous version (docs/language-rules.md) and reports the unknown member.
        expect(result.stdout).toContain("error labels/from-unknown-member: The previous version of 'Verdict' has no member 'spamm'");
        expect(existsSync(path.join(dir, 'bad-from-plan.json'))).toBe(false);
        const store = await LabelStore.open(path.join(dir, 'from-store.sqlite'), { readonly: true });
        try {
            expect(store.planVersions('Triage').map((p) => p.version)).toEqual(['1']);
        } finally {
            await store.close();
        }
    });

    test('a corrupt store is reported clearly (exit 1, like every command) and left untouched; no plan is written', () => {
        const storePath = path.join(dir, 'corrupt.sqlite');
        const garbage = Buffer.from('this is not a SQLite database, just some bytes'.repeat(40));
        writeFileSync(storePath, garbage);
        const result = dprog('compile', 'v1.dprog', '--store', 'corrupt.sqlite', '--out', 'corrupt-plan.json');
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/corrupt\.sqlite.*damaged/);
        expect(readFileSync(storePath).equals(garbage)).toBe(true);
        expect(existsSync(path.join(dir, 'corrupt-plan.json'))).toBe(false);
        const json = dprog('compile', 'v1.dprog', '--store', 'corrupt.sqlite', '--json');
        expect(json.code).toBe(1);
        expect(JSON.parse(json.stdout).error.message).toContain('damaged');
    });

    test('an unreadable store path (a folder) is reported, exit 2', () => {
        mkdirSync(path.join(dir, 'folder.sqlite'), { recursive: true });
        const result = dprog('compile', 'v1.dprog', '--store', 'folder.sqlite');
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('folder.sqlite');
    });
});

describe('dprog diff', () => {
    test('--json prints exactly the contract keys', () => {
        const result = dprog('diff', 'v1.dprog', 'v2.dprog', '--json');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({
            tasks: [
                {
                    task: 'classify',
                    action: 'migrate',
                    members: [
                        { old: 'spam', new: ['junk'], action: 'map' },
                        { old: 'ham', new: ['ham'], action: 'keep' },
                        { old: null, new: ['phishing'], action: 'review' },
                    ],
                },
            ],
        });
    });

    test('the old version may be a plan written by compile --out; the summary says what happens', () => {
        expect(dprog('compile', 'v1.dprog', '--out', 'v1.plan.json').code).toBe(0);
        const result = dprog('diff', 'v1.plan.json', 'v2.dprog');
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('task classify: migrate');
        expect(result.stdout).toMatch(/map\s+spam → junk/);
        expect(result.stdout).toMatch(/review\s+\+ phishing/);
    });

    test('a program with errors, or a from naming an unknown member: exit 1', () => {
        expect(dprog('diff', 'v1.dprog', 'broken.dprog', '--json').code).toBe(1);
        const unknown = dprog('diff', 'v1.dprog', 'v2-bad-from.dprog', '--json');
        expect(unknown.code).toBe(1);
        // v1 was compiled in this folder before, so the checker already refuses v2's unknown `from`.
        expect(unknown.stdout + unknown.stderr).toContain('labels/from-unknown-member');
    });

    test('a v1 plan file is upgraded when read; one that cannot be is refused, saying to recompile', () => {
        const v1 = path.join(root, 'test/language-server/compiler/golden/v1/spam.plan.json');
        const spam = path.join(root, 'samples/spam/spam.dprog');
        const same = dprog('diff', v1, spam, '--json');
        expect(same.stderr).toBe('');
        expect(same.code).toBe(0);
        const broken = readFileSync(v1, 'utf8').replace(/"condition": "[^"]*"/, '"condition": "length(body"');
        writeFileSync(path.join(dir, 'old.plan.json'), broken);
        const refused = dprog('diff', 'old.plan.json', spam);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/old\.plan\.json: .*dprog\.plan\/v1 plan that cannot be upgraded/);
        expect(refused.stderr).toMatch(/to dprog\.plan\/v2 at labelers\[\d\]\.rules\[0\]: expected '\)' in `length\(body`/);
        expect(refused.stderr).toContain('recompile the program with `dprog compile`');
    });

    test('a file that is not a plan is a usage error', () => {
        writeFileSync(path.join(dir, 'not-a-plan.json'), '{"schema":"something/else"}');
        const result = dprog('diff', 'not-a-plan.json', 'v2.dprog');
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('not a dprog.plan/v2 plan');
    });
});
