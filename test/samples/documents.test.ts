/**
 * `dprog run` on the documents sample, as a user runs it: the PP-OCRv4 detector finds the lines of
 * every page, each line is cropped and transcribed by the recognizer, and the transcriptions the
 * recognizer is unsure of wait for a person.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LabelStore } from '../../engine/src/store/index.js';
import { editDistance } from '../../engine/src/vision/metrics.js';
import { prepareDocuments, type TruthPage } from '../../samples/documents/prepare.js';
import { program, recorded, runJson, type Recorded, type RunJson } from './documents-helpers.js';

let dir: string;
let truth: TruthPage[];
let result: RunJson;
let store: Recorded;

beforeAll(async () => {
    truth = prepareDocuments();
    dir = mkdtempSync(path.join(tmpdir(), 'documents-'));
    result = runJson(program, path.join(dir, 'labels.sqlite'));
    store = await recorded(path.join(dir, 'labels.sqlite'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dprog run samples/documents/documents.dprog', () => {
    test('every page gets its regions, and every region the detector found is transcribed or waits for a person', () => {
        const regions = result.stages.find((s) => s.task === 'regions')!;
        const transcribe = result.stages.find((s) => s.task === 'transcribe')!;
        expect(regions).toMatchObject({ done: truth.length, pending: 0, waitingForPeople: 0, failed: 0 });
        const found = new Map(store.states.get('1:regions')!.map((s) => [s.item, (s.detail as { value: unknown[] }).value.length]));
        expect(found.size).toBe(truth.length);
        const total = [...found.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeGreaterThanOrEqual(truth.reduce((n, p) => n + p.lines.length, 0) * 0.9);
        const lines = store.states.get('2:transcribe')!;
        expect(new Set(lines.map((s) => s.item))).toEqual(
            new Set([...found].flatMap(([page, n]) => Array.from({ length: n }, (_, i) => `${page}#${i}`))),
        );
        expect(lines.every((s) => s.status === 'done' || s.status === 'waiting')).toBe(true);
        expect(transcribe.done + transcribe.waitingForPeople).toBe(total);
        expect(transcribe).toMatchObject({ pending: 0, failed: 0 });
    });

    test('both models recorded one label per item they labeled, with scores', () => {
        const transcribe = result.stages.find((s) => s.task === 'transcribe')!;
        expect(result.labels.detector).toBe(truth.length);
        expect(result.labels.reader).toBe(transcribe.done + transcribe.waitingForPeople);
        expect(store.labels.every((l) => typeof l.score === 'number' && l.score >= 0 && l.score <= 1)).toBe(true);
        const keys = store.labels.map((l) => `${l.task}|${l.item}|${l.labeler}`);
        expect(new Set(keys).size).toBe(keys.length);
    });

    test('transcriptions under the quality target wait for the reviewer, with the crop to look at; the rest are final', () => {
        const target = store.plan!.tasks.find((t) => t.name === 'transcribe')!.quality.target;
        const lines = store.states.get('2:transcribe')!;
        const waiting = lines.filter((s) => s.status === 'waiting');
        expect(waiting.length).toBeGreaterThan(0);
        for (const s of waiting) {
            const d = s.detail as { score: number; waitingFor: string; derived: string };
            expect(d.waitingFor).toBe('reviewer');
            expect(d.score).toBeLessThan(target);
            expect(existsSync(d.derived)).toBe(true);
        }
        for (const s of lines.filter((x) => x.status === 'done')) {
            expect((s.detail as { score: number }).score).toBeGreaterThanOrEqual(target);
        }
    });

    test('the transcriptions read the rendered text', () => {
        let edits = 0;
        let chars = 0;
        for (const s of store.states.get('2:transcribe')!) {
            const [page] = s.item.split('#');
            const lines = truth.find((p) => page.endsWith(p.path))!.lines;
            const text = (s.detail as { value: string }).value;
            // Compare with the closest line of the page (the detector's order need not be the truth's).
            const best = Math.min(...lines.map((l) => editDistance(text, l.text)));
            edits += best;
            chars += text.length;
        }
        expect(edits / chars).toBeLessThan(0.1);
    });

    test("the reviewer's answers make waiting lines final, and a correction of a confident line replaces the model's reading", async () => {
        const file = path.join(dir, 'labels.sqlite');
        const lines = store.states.get('2:transcribe')!;
        const waiting = lines.find((s) => s.status === 'waiting')!;
        const confident = lines.find((s) => s.status === 'done')!;
        const writer = await LabelStore.open(file);
        await writer.addLabels([
            { task: 'transcribe', item: waiting.item, labeler: 'reviewer', labelerKind: 'human', value: 'checked by a person' },
            { task: 'transcribe', item: confident.item, labeler: 'reviewer', labelerKind: 'human', value: 'corrected by a person' },
        ]);
        await writer.close();
        const again = runJson(program, file);
        const transcribe = again.stages.find((s) => s.task === 'transcribe')!;
        const before = result.stages.find((s) => s.task === 'transcribe')!;
        expect(transcribe.waitingForPeople).toBe(before.waitingForPeople - 1);
        expect(again.labels.reader).toBe(result.labels.reader); // no model ran again
        const after = await recorded(file);
        const byItem = new Map(after.states.get('2:transcribe')!.map((s) => [s.item, s]));
        expect(byItem.get(waiting.item)).toMatchObject({ status: 'done', detail: { value: 'checked by a person', labeler: 'reviewer' } });
        expect(byItem.get(confident.item)).toMatchObject({
            status: 'done',
            detail: { value: 'corrected by a person', labeler: 'reviewer' },
        });
    });
});
