import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswersCsv, readEncodedAnswersCsv } from '../../../engine/src/data/answers-csv.js';
import { parseCsv, readCsvFile, requireColumns } from '../../../engine/src/data/csv.js';
import { DataError } from '../../../engine/src/data/errors.js';
import { thrownBy } from '../../support/thrown.js';

describe('CSV reading', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dprog-csv-'));
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        writeFileSync(file, text);
        return file;
    };

    it('parses quoted fields, embedded commas and newlines, and a BOM', () => {
        const table = parseCsv('\uFEFFitem,text\nrte1,"a, ""quoted""\nline"\n');
        expect(table.header).toEqual(['item', 'text']);
        expect(table.rows).toEqual([{ item: 'rte1', text: 'a, "quoted"\nline' }]);
    });

    it('names the file and the line of a malformed record', () => {
        expect(() => parseCsv('a,b\n1,2\n3\n', 'answers.csv')).toThrow(/answers\.csv:3: invalid CSV/);
    });

    it('names the file, the missing column and the columns there are', () => {
        const table = readCsvFile(write('a.csv', 'item,worker,label\nx,w,yes\n'));
        expect(thrownBy(DataError, () => requireColumns(table, { '--gold': 'gold' }))).toMatchObject({
            name: 'DataError',
            fault: 'usage',
            line: 1,
        });
        expect(() => requireColumns(table, { '--gold': 'gold' })).toThrow(
            /a\.csv: no column 'gold' \(given as --gold\); the columns are: item, worker, label/,
        );
    });

    it('reports an unreadable or empty file clearly', () => {
        expect(() => readCsvFile(path.join(dir, 'missing.csv'))).toThrow(/missing\.csv: cannot read the file \(ENOENT\)/);
        expect(() => readCsvFile(write('empty.csv', ''))).toThrow(/empty\.csv: the file is empty/);
    });

    it('reads answers, and rejects an empty cell or conflicting gold with file and line', () => {
        const columns = { item: 'item', worker: 'worker', label: 'label', gold: 'gold' };
        const ok = readAnswersCsv(write('ok.csv', 'item,worker,label,gold\nx,w1,yes,yes\nx,w2,no,yes\ny,w1,no,\n'), columns);
        expect(ok.answers).toHaveLength(3);
        expect([...ok.gold!]).toEqual([['x', 'yes']]);
        expect(() => readAnswersCsv(write('blank.csv', 'item,worker,label\nx,w1,yes\nx,,no\n'), columns)).toThrow(/no column 'gold'/);
        expect(() => readAnswersCsv(write('blank2.csv', 'item,worker,label\nx,w1,yes\nx,,no\n'), { ...columns, gold: undefined })).toThrow(
            /blank2\.csv:3: column 'worker' is empty/,
        );
        const conflict = thrownBy(DataError, () =>
            readAnswersCsv(write('conflict.csv', 'item,worker,label,gold\nx,w1,yes,yes\nx,w2,no,no\n'), columns),
        );
        expect(conflict).toBeInstanceOf(DataError);
        expect(conflict).toMatchObject({ fault: 'data', line: 3 });
    });

    it("calls a short record the data's fault whether the file is read byte by byte or through csv-parse", () => {
        const columns = { item: 'item', worker: 'worker', label: 'label' };
        const plain = thrownBy(DataError, () => readAnswersCsv(write('short.csv', 'item,worker,label\nx,w1\n'), columns));
        const quoted = thrownBy(DataError, () => readAnswersCsv(write('short-quoted.csv', 'item,worker,label\n"x",w1\n'), columns));
        expect(plain).toMatchObject({ name: 'DataError', fault: 'data', line: 2 });
        expect(quoted).toMatchObject({ name: 'DataError', fault: 'data', line: 2 });
    });

    it('reads a plain file byte by byte exactly as csv-parse reads it quoted (BOM, CRLF, blank lines, spaces, extra columns)', () => {
        const columns = { item: 'item', worker: 'worker', label: 'label', gold: 'gold' };
        const plain = readAnswersCsv(
            write('plain.csv', '\uFEFFitem,worker,label,gold,note\r\nx, w1 ,yes,yes,a\r\n\r\nx,w2,no,yes,b\r\ny,w1,no,,c\r\n'),
            columns,
        );
        const quoted = readAnswersCsv(
            write('quoted.csv', 'item,worker,label,gold,note\nx, w1 ,yes,yes,"a"\nx,w2,no,yes,b\ny,w1,no,,"c, d"\n'),
            columns,
        );
        expect(plain.answers).toEqual([
            { item: 'x', worker: 'w1', label: 'yes' },
            { item: 'x', worker: 'w2', label: 'no' },
            { item: 'y', worker: 'w1', label: 'no' },
        ]);
        expect(quoted.answers).toEqual(plain.answers);
        expect([...plain.gold!]).toEqual([...quoted.gold!]);
    });

    it('encodes answers straight to ids; a record with the wrong number of fields names its line', () => {
        const { encoded, gold } = readEncodedAnswersCsv(
            write('ids.csv', 'item,worker,label,gold\nx,w1,yes,yes\nx,w2,no,yes\ny,w1,no,no\n'),
            { item: 'item', worker: 'worker', label: 'label', gold: 'gold' },
            { fixGold: true },
        );
        expect(encoded.items).toEqual(['x', 'y']);
        expect(encoded.workers).toEqual(['w1', 'w2']);
        expect(encoded.classes).toEqual(['no', 'yes']);
        expect([...encoded.labelOf]).toEqual([1, 0, 0]);
        expect([...encoded.gold]).toEqual([1, 0]);
        expect(gold).toEqual(
            new Map([
                ['x', 'yes'],
                ['y', 'no'],
            ]),
        );
        expect(() =>
            readAnswersCsv(write('short.csv', 'item,worker,label\nx,w1,yes\nx,w2\n'), { item: 'item', worker: 'worker', label: 'label' }),
        ).toThrow(/short\.csv:3: invalid CSV/);
    });
});
