import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dprog } from '../quality/cli-run.js';
import { crowdDir } from '../quality/crowd-data.js';

const program = path.join(__dirname, 'fixtures', 'rte.dprog');
const replay = ['--replay', path.join(crowdDir, 'rte-answers.csv'), '--item', 'item', '--worker', 'worker', '--label', 'label'];

describe('dprog simulate', () => {
    it("runs the compiled task's routing on the recorded answers and prints the contract JSON", async () => {
        const { code, stdout } = await dprog('simulate', program, ...replay, '--gold', 'gold', '--json');
        expect(code).toBe(0);
        const result = JSON.parse(stdout);
        expect(result).toMatchObject({ task: 'entails', labelsAvailable: 8000, target: 0.95, unasked: 0 });
        expect(result.policy).toEqual({ strategy: 'best', labelers: ['crowd'], maxLabels: 10, method: 'dawid_skene', goldShare: 0.02 });
        expect(result.items + result.goldItems).toBe(800);
        expect(result.labelsUsed).toBeLessThanOrEqual(4000);
        expect(result.accuracy).toBeGreaterThan(0.91);
        expect(result.cost).toBeCloseTo(result.labelsUsed * 0.01, 6);
        expect(result.labels).toHaveLength(result.items);
        expect(result.labels[0]).toEqual({
            item: expect.any(String),
            label: expect.stringMatching(/^(yes|no)$/),
            confidence: expect.any(Number),
        });
        const [lo, hi] = result.accuracyInterval;
        expect(lo).toBeLessThanOrEqual(result.estimatedAccuracy);
        expect(hi).toBeGreaterThanOrEqual(result.estimatedAccuracy);
        expect(typeof result.targetReached).toBe('boolean');
    });

    it('also takes a plan written by `dprog compile --out`, with the same result', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'dprog-sim-'));
        const planFile = path.join(dir, 'rte.plan.json');
        expect((await dprog('compile', program, '--out', planFile, '--json')).code).toBe(0);
        const fromPlan = JSON.parse((await dprog('simulate', planFile, ...replay, '--gold', 'gold', '--json')).stdout);
        const fromProgram = JSON.parse((await dprog('simulate', program, ...replay, '--gold', 'gold', '--json')).stdout);
        expect(fromPlan).toEqual(fromProgram);
        writeFileSync(planFile, '{"schema":"something else"}');
        expect((await dprog('simulate', planFile, ...replay, '--json')).code).toBe(2);
    });

    it('prints the accuracy/answers curve for several targets', async () => {
        const { code, stdout } = await dprog('simulate', program, ...replay, '--gold', 'gold', '--target', '0.8', '95%', '0.99');
        expect(code).toBe(0);
        const rows = stdout.split('\n').filter((l) => /^\s*\d+(\.\d)?%/.test(l));
        expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['80%', '95%', '99%']);
        const used = rows.map((r) => Number(r.trim().split(/\s+/)[2]));
        expect(used[0]).toBeLessThan(used[1]);
        expect(used[1]).toBeLessThan(used[2]);
    });

    it('without gold it still reports answers and cost, and no accuracy', async () => {
        const result = JSON.parse((await dprog('simulate', program, ...replay, '--json')).stdout);
        expect(result.accuracy).toBeUndefined();
        expect(result.goldItems).toBe(0);
        expect(result.labelsUsed).toBeGreaterThan(0);
    });

    it('names an unknown task, a missing column and a label outside the label set clearly', async () => {
        const task = await dprog('simulate', program, ...replay, '--task', 'nope', '--json');
        expect(task.code).toBe(2);
        expect(JSON.parse(task.stdout).error.message).toMatch(/no task 'nope'; the tasks are: entails/);
        const column = await dprog(
            'simulate',
            program,
            ...replay.slice(0, 2),
            '--item',
            'item',
            '--worker',
            'who',
            '--label',
            'label',
            '--json',
        );
        expect(column.code).toBe(2);
        expect(JSON.parse(column.stdout).error.message).toMatch(/rte-answers\.csv: no column 'who' \(given as --worker\)/);
        const dir = mkdtempSync(path.join(tmpdir(), 'dprog-sim-'));
        const csv = path.join(dir, 'answers.csv');
        writeFileSync(csv, 'item,worker,label\nrte1,w1,maybe\n');
        const label = await dprog(
            'simulate',
            program,
            '--replay',
            csv,
            '--item',
            'item',
            '--worker',
            'worker',
            '--label',
            'label',
            '--json',
        );
        expect(label.code).toBe(1);
        expect(JSON.parse(label.stdout).error.message).toMatch(/label 'maybe' is not one of no, yes/);
    });

    it('stops at a program with errors (exit 1) and at a missing program (exit 2)', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'dprog-sim-'));
        const broken = path.join(dir, 'broken.dprog');
        writeFileSync(broken, 'labels L { a, b }\ntask t(x: Text) -> choice<Missing> { route best nobody }\n');
        expect((await dprog('simulate', broken, ...replay, '--json')).code).toBe(1);
        expect((await dprog('simulate', path.join(dir, 'none.dprog'), ...replay, '--json')).code).toBe(2);
    });
});
