/** The journal on its own: a failed append leaves no trace, entries split into lines read back whole. */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalWriter, readJournal, replaceFile, type JournalEntry } from '../../../engine/src/store/journal.js';
import type { Label } from '../../../engine/src/store/types.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const label = (id: string, note = ''): Label => ({
    id,
    task: 't',
    item: id,
    labeler: 'a',
    labelerKind: 'human',
    value: note,
    gold: false,
    createdAt: '2026-01-01T00:00:00Z',
});

describe('journal', () => {
    it('reads back a large batch written on several lines, supersede marks with their replacements', () => {
        const path = join(dir, 'j');
        const writer = JournalWriter.create(path, 7);
        // Two lines of 5000 labels, over 4 MiB in all (written in more than one piece).
        const labels = Array.from({ length: 10_000 }, (_, i) => label(`l${i}`, 'x'.repeat(300)));
        writer.append([{ op: 'labels', labels, supersede: [{ id: 'l0', by: 'l9999' }] }]);
        writer.close();
        const content = readJournal(path)!;
        expect(content.base).toBe(7);
        expect(content.tornTail).toBe(false);
        expect(content.entries).toHaveLength(2);
        expect(content.entries.flatMap((e) => (e.op === 'labels' ? e.labels : []))).toEqual(labels);
        expect(content.entries.map((e) => (e.op === 'labels' ? e.supersede.length : -1))).toEqual([0, 1]);
    });

    it('cuts a failed append back, so the journal stays readable and appends go on', () => {
        const path = join(dir, 'j');
        const writer = JournalWriter.create(path, 1);
        writer.append([{ op: 'labels', labels: [label('kept')], supersede: [] }]);
        const size = statSync(path).size;
        // The first entry (over 4 MiB) is written before the second fails to serialise.
        const big: JournalEntry = {
            op: 'labels',
            labels: Array.from({ length: 4000 }, (_, i) => label(`big${i}`, 'x'.repeat(1200))),
            supersede: [],
        };
        const bad = {
            op: 'items',
            items: [{ dataset: 'd', key: 'k', split: 'train', addedAt: 'now', contentHash: 1n }],
        } as unknown as JournalEntry;
        const bytes = writer.bytes;
        expect(() => writer.append([big, bad])).toThrow(/BigInt/);
        expect(statSync(path).size).toBe(size);
        expect(writer.bytes).toBe(bytes);
        writer.append([{ op: 'labels', labels: [label('after')], supersede: [] }]);
        writer.close();
        const ids = readJournal(path)!.entries.flatMap((e) => (e.op === 'labels' ? e.labels.map((l) => l.id) : []));
        expect(ids).toEqual(['kept', 'after']);
    });

    it('treats an unterminated last line as torn and any other bad line as damage', () => {
        const path = join(dir, 'j');
        JournalWriter.create(path, 2).close();
        const header = readFileSync(path, 'utf8');
        writeFileSync(path, `${header}{"op":"labels","labels":[],"supersede":[]}\n{"op":"lab`);
        expect(readJournal(path)).toMatchObject({ base: 2, tornTail: true, entries: [{ op: 'labels' }] });
        writeFileSync(path, `${header}{"op":"dance"}\n`);
        expect(() => readJournal(path)).toThrow(/line 2: not a journal entry/);
        writeFileSync(path, 'hello\n');
        expect(() => readJournal(path)).toThrow(/line 1 of the journal is not valid JSON/);
        writeFileSync(path, '{"some":"json"}\n');
        expect(() => readJournal(path)).toThrow(/line 1: not a dprog journal header/);
    });
});

describe('journal reset after a snapshot', () => {
    it('finishes a failed reset before appending, so new entries are never filed under an old snapshot', () => {
        const path = join(dir, 'j');
        const writer = JournalWriter.create(path, 1);
        writer.append([{ op: 'labels', labels: [label('before')], supersede: [] }]);
        // The reset cannot write its temporary file (a folder is in the way): it fails.
        mkdirSync(`${path}.tmp-${process.pid}`);
        expect(() => writer.reset(2)).toThrow();
        expect(readJournal(path)!.base).toBe(1);
        expect(() => writer.append([{ op: 'labels', labels: [label('refused')], supersede: [] }])).toThrow();
        rmSync(`${path}.tmp-${process.pid}`, { recursive: true });
        writer.append([{ op: 'labels', labels: [label('after')], supersede: [] }]);
        writer.close();
        const content = readJournal(path)!;
        expect(content.base).toBe(2);
        expect(content.entries.flatMap((e) => (e.op === 'labels' ? e.labels.map((l) => l.id) : []))).toEqual(['after']);
    });
});

describe('reading a journal', () => {
    it('has nothing to replay when there is no journal, or an empty one (a crash while resetting)', () => {
        const path = join(dir, 'j');
        expect(readJournal(path)).toBeUndefined();
        writeFileSync(path, '');
        expect(readJournal(path)).toEqual({ base: -1, entries: [], tornTail: false });
    });

    it('refuses a file without a header line, or with a header that is not a dprog journal', () => {
        const path = join(dir, 'j');
        writeFileSync(path, '{"dprogJournal":1,"base":3}');
        expect(() => readJournal(path)).toThrow(/the journal has no header line \(it is not a dprog journal\)/);
        for (const header of ['{"dprogJournal":2,"base":3}', '{"dprogJournal":1,"base":"3"}', '{"dprogJournal":1}']) {
            writeFileSync(path, `${header}\n`);
            expect(() => readJournal(path)).toThrow(/line 1: not a dprog journal header/);
        }
        writeFileSync(path, '{"dprogJournal":1,"base":3}\n');
        expect(readJournal(path)).toEqual({ base: 3, entries: [], tornTail: false });
    });

    it('refuses a line that is JSON but not an entry object, naming its line', () => {
        const path = join(dir, 'j');
        for (const line of ['null', '5', '"labels"', '{"labels":[]}']) {
            writeFileSync(path, `{"dprogJournal":1,"base":0}\n{"op":"items","items":[]}\n${line}\n`);
            expect(() => readJournal(path)).toThrow(/line 3: not a journal entry/);
        }
    });

    it('reads one whole line per entry, and a torn tail only at the end', () => {
        const path = join(dir, 'j');
        const writer = JournalWriter.create(path, 4);
        const every: JournalEntry[] = [
            { op: 'labels', labels: [label('a')], supersede: [] },
            { op: 'items', items: [{ dataset: 'd', key: 'k', split: 'train', addedAt: 'now' }] },
            {
                op: 'aggregates',
                aggregates: [{ task: 't', item: 'i', value: 1, confidence: 1, method: 'm', answers: 1, updatedAt: 'now' }],
            },
            { op: 'estimates', estimates: [{ labeler: 'a', task: 't', accuracy: 1, n: 1, updatedAt: 'now' }] },
            { op: 'plan', plan: { program: 'p', version: '1', plan: {}, contentHash: 'h', compiledAt: 'now' } },
            { op: 'model', model: { labeler: 'm', version: '1', onnxPath: 'm.onnx', labelsUsed: 1, createdAt: 'now' } },
            { op: 'evaluation', evaluation: { id: 'e', model: 'm', split: 'test', accuracy: 1, at: 'now' } },
            { op: 'stages', states: [{ run: 'r', stage: 's', item: 'i', status: 'done', updatedAt: 'now' }] },
        ];
        writer.append(every);
        expect(readJournal(path)!.entries).toEqual(every);
        expect(writer.bytes).toBe(statSync(path).size - '{"dprogJournal":1,"base":4}\n'.length);
        writer.reset(5);
        expect(writer.bytes).toBe(0);
        writer.append([{ op: 'labels', labels: [label('b')], supersede: [] }]);
        writer.close();
        const content = readJournal(path)!;
        expect(content.base).toBe(5);
        expect(content.entries.map((e) => e.op)).toEqual(['labels']);
    });
});

describe('retiring', () => {
    it('journals supersede marks without labels (retired labels) as they are', () => {
        const path = join(dir, 'j');
        const writer = JournalWriter.create(path, 1);
        const retire: JournalEntry = { op: 'labels', labels: [], supersede: [{ id: 'a', by: 'migration:P@2' }] };
        writer.append([retire]);
        writer.close();
        expect(readJournal(path)!.entries).toEqual([retire]);
    });
});

describe('files', () => {
    it('closes the journal and the folders it fsyncs', () => {
        const open = () => readdirSync('/proc/self/fd').length;
        const before = open();
        const writer = JournalWriter.create(join(dir, 'j'), 1);
        writer.reset(2);
        writer.close();
        expect(open()).toBe(before);
    });
});

describe('replaceFile', () => {
    it('renames over the target, and fails at once when the source is missing', () => {
        const from = join(dir, 'from');
        const to = join(dir, 'to');
        writeFileSync(from, 'new');
        writeFileSync(to, 'old');
        replaceFile(from, to);
        expect(readFileSync(to, 'utf8')).toBe('new');
        expect(() => replaceFile(from, to)).toThrow(/ENOENT/);
    });
});
