import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dprog } from './cli-run.js';
import { crowdDir } from './crowd-data.js';

const rte = path.join(crowdDir, 'rte-answers.csv');
const columns = ['--item', 'item', '--worker', 'worker', '--label', 'label'];

describe('dprog aggregate', () => {
    it('prints the contract JSON: method, items, accuracy, labels with confidence, workers', async () => {
        const { code, stdout } = await dprog('aggregate', rte, ...columns, '--gold', 'gold', '--json');
        expect(code).toBe(0);
        const result = JSON.parse(stdout);
        expect(result.method).toBe('dawid_skene');
        expect(result.items).toBe(800);
        expect(result.accuracy).toBeGreaterThanOrEqual(0.9275);
        expect(result.labels).toHaveLength(800);
        expect(result.labels[0]).toEqual({ item: 'rte25', label: expect.stringMatching(/^(yes|no)$/), confidence: expect.any(Number) });
        expect(result.workers).toHaveLength(164);
        expect(Object.keys(result.workers[0])).toEqual(['worker', 'accuracy', 'answers', 'confusion']);
        // Dawid-Skene's confusion matrix, rows = true class in `classes` order, each row sums to 1.
        expect(result.classes).toEqual(['no', 'yes']);
        for (const row of result.workers[0].confusion) {
            expect(row[0] + row[1]).toBeCloseTo(1, 9);
        }
    });

    it.each(['wawa', 'mace'])(
        '--method %s, with the accuracy estimated without gold and its 90%% interval holding the measured one',
        async (method) => {
            const { code, stdout } = await dprog('aggregate', rte, ...columns, '--gold', 'gold', '--method', method, '--json');
            expect(code).toBe(0);
            const result = JSON.parse(stdout);
            expect(result.method).toBe(method);
            expect(result.accuracy).toBeGreaterThan(0.92);
            const [lo, hi] = result.accuracyInterval;
            expect(lo).toBeLessThanOrEqual(result.accuracy);
            expect(hi).toBeGreaterThanOrEqual(result.accuracy);
            expect(result.estimatedAccuracy).toBeGreaterThan(lo);
            expect(result.estimatedAccuracy).toBeLessThan(hi);
        },
    );

    it('majority reports ties in JSON and counts them 1/k in accuracy', async () => {
        const { stdout } = await dprog('aggregate', rte, ...columns, '--gold', 'gold', '--method', 'majority', '--json');
        const result = JSON.parse(stdout);
        expect(result.accuracy).toBeCloseTo(0.897, 3);
        const ties = result.labels.filter((l: { tie?: string[] }) => l.tie);
        expect(ties.length).toBe(result.ties);
        expect(ties[0]).toMatchObject({ label: null, tie: ['no', 'yes'], confidence: expect.closeTo(0.5, 9) });
    });

    it('prints a readable table without --json', async () => {
        const { code, stdout } = await dprog('aggregate', rte, ...columns, '--gold', 'gold', '--limit', '3');
        expect(code).toBe(0);
        expect(stdout).toMatch(/^dawid_skene: 800 items, 8000 answers, 164 workers/);
        expect(stdout).toMatch(/accuracy against gold: 0\.92\d\d/);
        expect(stdout).toMatch(/item\s+label\s+confidence\n-+/);
        expect(stdout).toContain('… 797 more items');
    });

    it('aggregates sets per member with --separator; an empty cell is the empty set there', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'dprog-agg-'));
        const file = path.join(dir, 'tags.csv');
        writeFileSync(file, 'item,who,tags\np1,a,cat;dog\np1,b,cat\np1,c,cat;dog\np2,a,\np2,b,bird\np2,c,\n');
        const { code, stdout } = await dprog(
            'aggregate',
            file,
            '--item',
            'item',
            '--worker',
            'who',
            '--label',
            'tags',
            '--separator',
            ';',
            '--method',
            'majority',
            '--json',
        );
        expect(code).toBe(0);
        const result = JSON.parse(stdout);
        expect(result.members).toEqual(['bird', 'cat', 'dog']);
        expect(result.labels).toEqual([
            { item: 'p1', label: 'cat;dog', confidence: expect.any(Number) },
            { item: 'p2', label: '', confidence: expect.any(Number) },
        ]);
        // Three people, 3-0 on two members and 2-1 on the third: calibrated, the set is likely but far from sure.
        for (const { confidence } of result.labels) {
            expect(confidence).toBeGreaterThan(0.3);
        }
        for (const { confidence } of result.labels) {
            expect(confidence).toBeLessThan(0.95);
        }
        // Without --separator an empty label cell is a data error (exit 1) naming file and line.
        const single = await dprog('aggregate', file, '--item', 'item', '--worker', 'who', '--label', 'tags', '--json');
        expect(single.code).toBe(1);
        expect(JSON.parse(single.stdout).error.message).toMatch(/tags\.csv:5: column 'tags' is empty/);
    });

    it('a missing column is a clear error naming the file and the column, exit 2', async () => {
        const { code, stdout } = await dprog('aggregate', rte, '--item', 'item', '--worker', 'annotator', '--label', 'label', '--json');
        expect(code).toBe(2);
        expect(JSON.parse(stdout).error.message).toBe(
            `${rte}: no column 'annotator' (given as --worker); the columns are: item, worker, label, gold`,
        );
        const text = await dprog('aggregate', rte, '--item', 'item', '--worker', 'annotator', '--label', 'label');
        expect(text.code).toBe(2);
        expect(text.stderr).toContain(`no column 'annotator'`);
        expect(text.stdout).toBe('');
    });

    it('a missing file or an unknown method is a usage error, exit 2', async () => {
        expect((await dprog('aggregate', '/nonexistent/answers.csv', ...columns)).code).toBe(2);
        const bad = await dprog('aggregate', rte, ...columns, '--method', 'glad', '--json');
        expect(bad.code).toBe(2);
        expect(JSON.parse(bad.stdout).error.message).toMatch(/--method glad: unknown method; use one of majority, dawid_skene, one_coin/);
    });
});
