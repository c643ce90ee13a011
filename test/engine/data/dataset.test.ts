import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataset, type DatasetSpec } from '../../../engine/src/data/dataset.js';
import { DataError } from '../../../engine/src/data/errors.js';
import { readJsonl } from '../../../engine/src/data/jsonl.js';
import { thrownBy } from '../../support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-data-'));
let counter = 0;
function file(content: string | Buffer, ext = 'jsonl'): string {
    const path = join(dir, `f${counter++}.${ext}`);
    writeFileSync(path, content);
    return path;
}

const spec = (path: string, format: 'jsonl' | 'csv' = 'jsonl'): DatasetSpec => ({
    name: 'emails',
    format,
    path,
    fields: [
        { name: 'id', type: 'String', key: true },
        { name: 'body', type: 'Text', source: 'Body' },
        { name: 'size', type: 'Number' },
    ],
    split: {
        field: 'id',
        buckets: [
            { name: 'train', share: 0.8 },
            { name: 'test', share: 0.2 },
        ],
    },
});

const errorOf = (run: () => unknown): DataError => thrownBy(DataError, run);

describe('readDataset (jsonl)', () => {
    it('reads typed fields, renamed sources, the key and a split bucket, keeping undeclared columns', () => {
        const path = file('{"id":"a","Body":"hello","size":"3","gold":"ham"}\n\n{"id":"b","Body":"x","size":4}\n');
        const { items } = readDataset(spec(path));
        expect(items.map((i) => i.key)).toEqual(['a', 'b']);
        expect(items[0].fields).toEqual({ id: 'a', body: 'hello', size: 3 });
        expect(items[0].record.gold).toBe('ham');
        expect(items[1].line).toBe(3);
        expect(items.every((i) => i.split === 'train' || i.split === 'test')).toBe(true);
    });

    it('names file and line for malformed JSON, a missing field, a wrong type and a duplicate key', () => {
        const bad = file('{"id":"a","Body":"x","size":1}\n{"id": oops}\n');
        expect(errorOf(() => readDataset(spec(bad))).message).toMatch(new RegExp(`${bad}:2: invalid JSON`));
        const missing = file('{"id":"a","size":1}\n');
        expect(errorOf(() => readDataset(spec(missing))).message).toMatch(/:1: missing field 'Body'/);
        const wrongType = file('{"id":"a","Body":"x","size":"big"}\n');
        expect(errorOf(() => readDataset(spec(wrongType))).message).toMatch(/:1: field 'size' should be a Number, found "big"/);
        const dup = file('{"id":"a","Body":"x","size":1}\n{"id":"a","Body":"y","size":2}\n');
        const e = errorOf(() => readDataset(spec(dup)));
        expect(e.line).toBe(2);
        expect(e.message).toMatch(/duplicate key 'a' \(first seen at line 1\)/);
    });

    it('rejects text that is not UTF-8, naming the line', () => {
        const latin1 = Buffer.concat([
            Buffer.from('{"id":"a","Body":"ok","size":1}\n{"id":"b","Body":"caf'),
            Buffer.from([0xe9]),
            Buffer.from('","size":2}\n'),
        ]);
        const path = file(latin1);
        const e = errorOf(() => readDataset(spec(path)));
        expect(e.file).toBe(path);
        expect(e.line).toBe(2);
        expect(e.message).toMatch(/not valid UTF-8/);
    });

    it('rejects an empty dataset and a missing file, naming the file', () => {
        const empty = file('\n\n');
        expect(errorOf(() => readDataset(spec(empty))).message).toMatch(new RegExp(`${empty}: the dataset 'emails' is empty`));
        const nowhere = join(dir, 'nope.jsonl');
        expect(errorOf(() => readDataset(spec(nowhere))).message).toMatch(new RegExp(`${nowhere}: cannot read the file \\(ENOENT\\)`));
    });

    it('streams lines across read chunks and handles CRLF and a last line without newline', () => {
        const long = 'x'.repeat(1_500_000);
        const path = file(`{"id":"a","Body":"${long}","size":1}\r\n{"id":"b","Body":"é","size":2}`);
        const records = [...readJsonl(path)];
        expect(records.map((r) => r.line)).toEqual([1, 2]);
        expect((records[0].value.Body as string).length).toBe(long.length);
        expect(records[1].value.Body).toBe('é');
    });
});

describe('readDataset (csv)', () => {
    it('reads rows and reports non-UTF-8 and type errors with the file', () => {
        const path = file('id,Body,size\na,"hi, there",1\nb,yo,2\n', 'csv');
        expect(readDataset(spec(path, 'csv')).items.map((i) => i.fields.body)).toEqual(['hi, there', 'yo']);
        const bad = file(Buffer.concat([Buffer.from('id,Body,size\na,x,1\nb,'), Buffer.from([0xff, 0xfe]), Buffer.from(',2\n')]), 'csv');
        const e = errorOf(() => readDataset(spec(bad, 'csv')));
        expect(e.line).toBe(3);
        expect(e.message).toMatch(/not valid UTF-8/);
        const headerOnly = file('id,Body,size\n', 'csv');
        expect(errorOf(() => readDataset(spec(headerOnly, 'csv'))).message).toMatch(/is empty; add at least one row below the header/);
    });
});
