/** One bad record never stops an import: how a format's reader turns a record's failure into a rejection. */
import { describe, expect, it } from 'vitest';
import { ReadCollector, RecordError } from '../../../engine/src/store/formats/format.js';

const where = { file: 'labels.json', line: 3, record: 'task 7' };

describe('reading records', () => {
    it('rejects a record whose reader says why (a RecordError), with that reason, and keeps going', () => {
        const read = new ReadCollector();
        read.record(where, () => {
            throw new RecordError('task 7 has no "data" object');
        });
        read.record({ ...where, line: 4, record: 'task 8' }, () =>
            read.add({ task: 't', item: 'a', labeler: 'me', labelerKind: 'human', value: 'x' }, where),
        );
        expect(read.rejected).toEqual([{ ...where, reason: 'task 7 has no "data" object' }]);
        expect(read.labels).toHaveLength(1);
    });

    it('rejects a wrongly shaped record that trips the reader (a TypeError) as malformed, naming the error', () => {
        const read = new ReadCollector();
        read.record(where, () => {
            const record = JSON.parse('{"annotations": 3}');
            record.annotations.map(String);
        });
        expect(read.rejected).toEqual([{ ...where, reason: expect.stringMatching(/^malformed record \(.*map is not a function\)$/) }]);
    });

    it('lets any other failure (a bug, a full disk) stop the import instead of hiding it as a rejection', () => {
        const read = new ReadCollector();
        expect(() =>
            read.record(where, () => {
                throw new RangeError('out of memory');
            }),
        ).toThrow('out of memory');
        expect(read.rejected).toEqual([]);
    });
});
