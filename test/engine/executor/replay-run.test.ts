/**
 * `dprog run --replay` runs the same policy as `dprog simulate`: with the same seed, the same final
 * labels, the same number of answers and the same cost, on the real crowd answers (RTE and TEMP).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelStore } from '../../../engine/src/store/index.js';
import { dprog } from '../quality/cli-run.js';
import { crowdDir } from '../quality/crowd-data.js';

const fixtures = path.resolve(__dirname, '../routing/fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'dprog-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
    { name: 'rte', task: 'entails', seed: '7' },
    { name: 'temp', task: 'order', seed: '3' },
])('run --replay on $name', ({ name, task, seed }) => {
    const replay = [
        '--replay',
        path.join(crowdDir, `${name}-answers.csv`),
        '--item',
        'item',
        '--worker',
        'worker',
        '--label',
        'label',
        '--gold',
        'gold',
        '--seed',
        seed,
    ];
    const program = path.join(fixtures, `${name}.dprog`);
    const store = path.join(dir, `${name}.sqlite`);

    it('gives the final labels, answer count and cost that simulate gives with the same seed', async () => {
        const simulated = await dprog('simulate', program, ...replay, '--json');
        const ran = await dprog('run', program, '--store', store, ...replay, '--json');
        expect(simulated.code).toBe(0);
        expect(ran.code).toBe(0);
        const sim = JSON.parse(simulated.stdout);
        const run = JSON.parse(ran.stdout);
        expect(run.labelsUsed).toBe(sim.labelsUsed);
        expect(run.cost).toBe(sim.cost);
        expect(run.unasked).toBe(0);
        expect(run.goldItems).toBe(sim.goldItems);
        expect(run.final).toEqual(sim.labels);
        expect(run.estimatedAccuracy).toBe(sim.estimatedAccuracy);
        expect(run.stages[0]).toMatchObject({ task, done: sim.items + sim.goldItems, waitingForPeople: 0 });
    });

    it('keeps every bought answer, every final label with its method, and the refit estimates in the store', async () => {
        const reader = await LabelStore.open(store, { readonly: true });
        try {
            const sim = JSON.parse((await dprog('simulate', program, ...replay, '--json')).stdout);
            expect(reader.countLabels({ task, labelerKind: 'human' })).toBe(sim.labelsUsed);
            const aggregates = reader.aggregates(task);
            const final = new Map(sim.labels.map((l: { item: string; label: string }) => [l.item, l.label]));
            for (const a of aggregates.filter((x) => final.has(x.item))) {
                expect(a.value).toBe(final.get(a.item));
                expect(a.method).toBe('dawid_skene');
                expect(a.answers).toBe(reader.countLabels({ task, item: a.item }));
            }
            expect(aggregates.filter((x) => final.has(x.item))).toHaveLength(final.size);
            expect(reader.labelerEstimates(task).length).toBeGreaterThan(10);
        } finally {
            await reader.close();
        }
    });

    it('exports the final labels, one row per item with value, confidence, method and answers (jsonl and csv)', async () => {
        const jsonl = await dprog('label', 'export', '--store', store, '--task', task, '--format', 'jsonl', '--final');
        expect(jsonl.code).toBe(0);
        const rows = jsonl.stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line));
        expect(new Set(rows.map((r) => r.item)).size).toBe(rows.length);
        const sim = JSON.parse((await dprog('simulate', program, ...replay, '--json')).stdout);
        expect(rows).toHaveLength(sim.items + sim.goldItems);
        expect(rows.filter((r) => r.method === 'gold')).toHaveLength(sim.goldItems);
        const byItem = new Map(rows.map((r) => [r.item, r]));
        const first = sim.labels[0];
        expect(byItem.get(first.item)).toEqual({
            item: first.item,
            value: first.label,
            confidence: first.confidence,
            method: 'dawid_skene',
            answers: expect.any(Number),
        });
        const csv = await dprog('label', 'export', '--store', store, '--task', task, '--format', 'csv', '--final');
        const lines = csv.stdout.trim().split('\n');
        expect(lines[0]).toBe('item,value,confidence,method,answers');
        expect(lines).toHaveLength(rows.length + 1);
        expect(lines.find((l) => l.startsWith(`${first.item},`))).toBe(
            `${first.item},${first.label},${first.confidence},dawid_skene,${byItem.get(first.item).answers}`,
        );
    });
});

describe('run --replay usage', () => {
    const program = path.join(fixtures, 'temp.dprog');
    it('names what is missing, and refuses answers outside the label sets', async () => {
        const stray = await dprog('run', program, '--store', path.join(dir, 'usage.sqlite'), '--item', 'item', '--json');
        expect(stray.code).toBe(2);
        expect(JSON.parse(stray.stdout).error.message).toMatch(/--item only mean something with --replay CSV/);
        const partial = await dprog(
            'run',
            program,
            '--store',
            path.join(dir, 'usage.sqlite'),
            '--replay',
            path.join(crowdDir, 'temp-answers.csv'),
            '--item',
            'item',
            '--json',
        );
        expect(partial.code).toBe(2);
        expect(JSON.parse(partial.stdout).error.message).toMatch(/--replay needs --worker, --label/);
        const wrong = await dprog(
            'run',
            program,
            '--store',
            path.join(dir, 'usage.sqlite'),
            '--replay',
            path.join(crowdDir, 'rte-answers.csv'),
            '--item',
            'item',
            '--worker',
            'worker',
            '--label',
            'label',
            '--json',
        );
        expect(wrong.code).toBe(1);
        expect(JSON.parse(wrong.stdout).error.message).toMatch(/label 'no' is not a member of any task's label set \(after, before\)/);
    });
});
