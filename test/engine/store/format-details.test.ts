/**
 * The details of the label files a user takes away or hands in: the final labels (`dprog label
 * export --final`), csv cells that need quoting, and the file and line named when a record of a
 * csv or jsonl file cannot be imported.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportFinal, finalAsLabel } from '../../../engine/src/store/formats/final.js';
import { importLabels } from '../../../engine/src/store/formats/index.js';
import { type Aggregate, LabelStore } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const aggregate = (item: string, value: Aggregate['value'], confidence: number): Aggregate => ({
    task: 'spam',
    item,
    value,
    confidence,
    method: 'dawid_skene',
    answers: 3,
    updatedAt: '2026-03-01T10:00:00.000Z',
});

describe('final labels', () => {
    const finals = [aggregate('m2', 'ham', 0.5), aggregate('m10', { text: 'a, "b"' }, 0.875), aggregate('m1', 'New York', 1)];

    it('jsonl: one row per item, sorted by item, with value, confidence, method and answers', () => {
        const { labels, files } = exportFinal(finals, 'jsonl');
        expect(labels).toBe(3);
        expect(files).toEqual([
            {
                path: '',
                text:
                    '{"item":"m1","value":"New York","confidence":1,"method":"dawid_skene","answers":3}\n' +
                    '{"item":"m10","value":{"text":"a, \\"b\\""},"confidence":0.875,"method":"dawid_skene","answers":3}\n' +
                    '{"item":"m2","value":"ham","confidence":0.5,"method":"dawid_skene","answers":3}\n',
            },
        ]);
        expect(exportFinal([], 'jsonl').files[0].text).toBe('');
    });

    it('csv: a header, plain words as they are, JSON values quoted as CSV needs', () => {
        const { labels, files } = exportFinal(finals, 'csv');
        expect(labels).toBe(3);
        expect(files[0].text).toBe(
            'item,value,confidence,method,answers\n' +
                'm1,New York,1,dawid_skene,3\n' +
                'm10,"{""text"":""a, \\""b\\""""}",0.875,dawid_skene,3\n' +
                'm2,ham,0.5,dawid_skene,3\n',
        );
        expect(exportFinal([], 'csv').files[0].text).toBe('item,value,confidence,method,answers\n');
    });

    it('as a label of the other formats: the method answers with the confidence as its score', () => {
        expect(finalAsLabel(aggregate('m1', 'spam', 0.75))).toEqual({
            id: 'spam/m1/final',
            task: 'spam',
            item: 'm1',
            labeler: 'dawid_skene',
            labelerKind: 'model',
            value: 'spam',
            score: 0.75,
            gold: false,
            createdAt: '2026-03-01T10:00:00.000Z',
        });
        expect(finalAsLabel({ ...aggregate('m1', 'spam', 0.75), updatedAt: undefined }).createdAt).toBe('');
    });
});

describe('csv and jsonl records that cannot be imported', () => {
    async function importFile(name: string, text: string) {
        writeFileSync(join(dir, name), text);
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        try {
            const format = name.endsWith('.csv') ? 'csv' : 'jsonl';
            const result = await importLabels(store, { task: 't', format, source: join(dir, name) });
            return { result, stored: store.labels({ task: 't' }) };
        } finally {
            await store.close();
        }
    }

    it('csv: names the line a row ends on, says what is wrong, and stores the good rows', async () => {
        const { result, stored } = await importFile(
            'in.csv',
            '\uFEFFitem , value,score,gold,labelerKind\n' +
                'm1,spam,0.5,true,human\n' +
                'm2,"two\nlines",x,1,human\n' +
                'm3,ham,,0,robot\n' +
                'm4,ham\n' +
                '\n' +
                ',ham,,,\n' +
                'm6,[1,2]\n' +
                'm7,"{""a"":1}",1e400,false,model\n',
        );
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
            [4, `'score' must be a finite number, found "x"`],
            [5, `'labelerKind' must be one of human, model, rules, found 'robot'`],
            [6, '2 field(s), the header has 5'],
            [8, `missing 'item'`],
            [9, '3 field(s), the header has 5'],
            [10, `'score' must be a finite number, found "1e400"`],
        ]);
        expect(result.rejected.every((r) => r.file === join(dir, 'in.csv'))).toBe(true);
        expect(stored.map((l) => [l.item, l.value, l.score, l.gold])).toEqual([['m1', 'spam', 0.5, true]]);
    });

    it('csv: an empty file or a broken quote is an error naming the file and line; nothing is stored', async () => {
        await expect(importFile('empty.csv', '')).rejects.toThrow(
            /empty\.csv:1: the file is empty; expected a header row \(item,value,…\)/,
        );
        await expect(importFile('header.csv', 'value,labeler\nspam,ann\n')).rejects.toThrow(
            /header\.csv:1: no 'item' column; the header has value, labeler/,
        );
        await expect(importFile('quote.csv', 'item,value\nm1,spam\nm2,"ham\n')).rejects.toThrow(/quote\.csv:\d+: invalid CSV: .*quote/i);
    });

    it('jsonl: blank lines are skipped, a line that is not an object or has a wrongly typed field is rejected by line', async () => {
        const { result, stored } = await importFile(
            'in.jsonl',
            [
                '{"item":"m1","value":"spam","labeler":"ann","person":"ann@x","programVersion":"v2","score":null}',
                '',
                '  ',
                '[1,2]',
                'null',
                '"text"',
                '{"item":"m2"}',
                '{"item":"m3","value":"ham","labeler":7}',
                '{"item":"","value":"ham"}',
                '{"item":"m4","value":"ham","id":"x1","createdAt":"2026-03-01T10:00:00.000Z","supersededBy":"x2"}',
                '{"item":"m4","value":"spam","id":"x2","createdAt":"2026-03-01T11:00:00.000Z"}',
            ].join('\n'),
        );
        expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
            [4, 'each line must be a JSON object with at least item and value'],
            [5, 'each line must be a JSON object with at least item and value'],
            [6, 'each line must be a JSON object with at least item and value'],
            [7, `missing 'value'`],
            [8, `'labeler' must be a string, found 7`],
            [9, `missing 'item'`],
        ]);
        expect(stored.map((l) => [l.item, l.value, l.labeler, l.person, l.programVersion, l.score])).toEqual([
            ['m1', 'spam', 'ann', 'ann@x', 'v2', undefined],
            ['m4', 'spam', 'import', undefined, undefined, undefined],
        ]);
        // The replaced label came along, marked as replaced by the one after it.
        const store = await LabelStore.open(join(dir, 's.sqlite'), { readonly: true });
        expect(store.getLabel('x1')?.supersededBy).toBe('x2');
        await store.close();
    });
});
