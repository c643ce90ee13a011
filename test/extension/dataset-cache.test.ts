/** The panels' datasets are read once and read again only when their file changes. */
import { appendFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { PlanDataset } from '../../engine/src/plan/types.js';
import { DatasetCache } from '../../extension/src/engine-bridge/dataset-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dataset: PlanDataset = {
    name: 'emails',
    format: 'jsonl',
    path: 'emails.jsonl',
    fields: [
        { name: 'id', type: 'String', key: true, source: null },
        { name: 'body', type: 'Text', key: false, source: null },
    ],
    key: 'id',
    split: null,
    items: null,
};

describe('dataset cache', () => {
    test('serves the same items until the file changes, then reads it again', () => {
        const file = join(dir, 'emails.jsonl');
        writeFileSync(file, '{"id":"a","body":"one"}\n{"id":"b","body":"two"}\n');
        const cache = new DatasetCache();
        const first = cache.items(dir, dataset);
        expect(first.map((i) => i.key)).toEqual(['a', 'b']);
        expect(cache.items(dir, dataset)).toBe(first);
        expect(cache.reads).toBe(1);
        appendFileSync(file, '{"id":"c","body":"three"}\n');
        utimesSync(file, new Date(), new Date(Date.now() + 2000));
        expect(cache.items(dir, dataset).map((i) => i.key)).toEqual(['a', 'b', 'c']);
        expect(cache.reads).toBe(2);
    });
});
