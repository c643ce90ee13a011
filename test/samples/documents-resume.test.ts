/**
 * Resume: a `dprog run` killed with SIGKILL in the middle of the documents sample, then started
 * again, ends exactly where an uninterrupted run ends, without asking a model twice for the same
 * item or storing a label twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prepareDocuments } from '../../samples/documents/prepare.js';
import { program, recorded, runJson, startRun, type Recorded } from './documents-helpers.js';

let dir: string;

beforeAll(() => {
    prepareDocuments();
    dir = mkdtempSync(path.join(tmpdir(), 'documents-resume-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function outcome(r: Recorded): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [stage, states] of r.states) {
        for (const s of states) {
            out[`${stage} ${s.item}`] = `${s.status} ${JSON.stringify((s.detail as { value?: unknown }).value)}`;
        }
    }
    return out;
}

describe('resume after SIGKILL', () => {
    test('the resumed run finishes with the same result as an uninterrupted one and no duplicated labels', async () => {
        const reference = path.join(dir, 'reference.sqlite');
        const expected = runJson(program, reference);

        const store = path.join(dir, 'killed.sqlite');
        const child = startRun(program, store);
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        // Kill once the reader has transcribed some lines, well before the last page.
        const deadline = Date.now() + 90_000;
        let before: Recorded | undefined;
        while (Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 150));
            try {
                before = await recorded(store);
            } catch {
                continue; // not created yet
            }
            if (before.labels.filter((l) => l.labeler === 'reader').length >= 8) {
                break;
            }
        }
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        const interrupted = await recorded(store);
        const total = expected.labels.reader;
        const readerLabels = interrupted.labels.filter((l) => l.labeler === 'reader').length;
        expect(readerLabels).toBeGreaterThan(0);
        expect(readerLabels).toBeLessThan(total); // it really stopped midway

        const resumed = runJson(program, store);
        expect(resumed).toEqual(expected);
        const after = await recorded(store);
        expect(outcome(after)).toEqual(outcome(await recorded(reference)));
        const keys = after.labels.map((l) => `${l.task}|${l.item}|${l.labeler}`);
        expect(new Set(keys).size).toBe(keys.length);
        // Labels given before the kill were kept, not given again.
        const ids = new Set(after.labels.map((l) => l.id));
        for (const l of interrupted.labels) {
            expect(ids.has(l.id)).toBe(true);
        }
        const createdBefore = new Map(interrupted.labels.map((l) => [l.id, l.createdAt]));
        for (const l of after.labels) {
            if (createdBefore.has(l.id)) {
                expect(l.createdAt).toBe(createdBefore.get(l.id));
            }
        }
    });
});
