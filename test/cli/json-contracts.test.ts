/**
 * The CLI's `--json` output satisfies the contracts the extension reads it with
 * (cli/src/json-contracts.ts): the real commands run in-process on real programs and data, and their
 * output is parsed with the strict schemas, so neither side can add, drop or retype a field alone.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationJson, runJson, simulateJson } from '../../cli/src/json-contracts.js';
import { checkedJson } from '../../extension/src/engine-bridge/cli-runner.js';
import { dprog } from '../engine/quality/cli-run.js';
import { crowdDir } from '../engine/quality/crowd-data.js';

const root = path.resolve(__dirname, '../..');
const rte = path.join(root, 'test/engine/routing/fixtures/rte.dprog');
const replay = ['--replay', path.join(crowdDir, 'rte-answers.csv'), '--item', 'item', '--worker', 'worker', '--label', 'label'];
const dir = mkdtempSync(path.join(tmpdir(), 'dprog-contracts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function printed(...argv: string[]): Promise<unknown> {
    const { code, stdout, stderr } = await dprog(...argv, '--json');
    expect(code, stderr).toBe(0);
    return JSON.parse(stdout);
}

describe('CLI JSON contracts', () => {
    it('simulate, with one target and with a curve of targets', async () => {
        const one = simulateJson.parse(await printed('simulate', rte, ...replay, '--gold', 'gold'));
        expect(one.accuracy).toBeGreaterThan(0.5);
        const curve = simulateJson.parse(await printed('simulate', rte, ...replay, '--target', '0.8', '0.95'));
        expect(curve.curve?.map((p) => p.target)).toEqual([0.8, 0.95]);
        expect(curve.accuracy).toBeUndefined();
    });

    it('run, replaying recorded answers (one routed task: its numbers at the top and its labels as `final`)', async () => {
        const result = runJson.parse(await printed('run', rte, '--store', path.join(dir, 'rte.sqlite'), ...replay, '--seed', '7'));
        expect(result.routing).toHaveLength(1);
        expect(result.final?.length).toBeGreaterThan(0);
        expect(result.stages[0].waitingForPeople).toBe(0);
    });

    it('run of a program whose items wait for people (a queue, several tasks)', async () => {
        const program = path.join(dir, 'tickets.dprog');
        copyFileSync(path.join(root, 'samples/tickets/tickets.dprog'), program);
        copyFileSync(path.join(root, 'samples/tickets/tickets.jsonl'), path.join(dir, 'tickets.jsonl'));
        const result = runJson.parse(await printed('run', program, '--limit', '5'));
        expect(result.queue.length).toBeGreaterThan(0);
        expect(result.stages.length).toBeGreaterThan(1);
    });

    it('diff between two versions of a program', async () => {
        const programs = path.join(root, 'test/language-server/compiler/programs');
        const argv = ['diff', path.join(programs, 'language-md.dprog'), path.join(programs, 'language-md-v3.dprog'), '--json'];
        const { stdout } = await dprog(...argv);
        const migration = migrationJson.parse(JSON.parse(stdout));
        expect(migration.tasks.length).toBeGreaterThan(0);
    });

    it('the extension refuses output that drifted from the contract, naming the field', () => {
        expect(() => checkedJson('simulate', simulateJson, { task: 'x', items: '12' })).toThrow(/dprog simulate printed JSON .*items/);
        expect(() => checkedJson('diff', migrationJson, { tasks: [], extra: 1 })).toThrow(/does not match its contract/);
        expect(checkedJson('diff', migrationJson, { tasks: [] })).toEqual({ tasks: [] });
    });
});
