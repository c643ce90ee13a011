/** `jsonl`: one label per line with every stored field; round-trips exactly. */
import { readFileSync } from 'node:fs';
import type { Label } from '../types.js';
import { ReadCollector, RecordError, type LabelFormat, type RecordSource } from './format.js';
import { finish, labelRecord, recordToLabel } from './records.js';

export const jsonlFormat: LabelFormat = {
    name: 'jsonl',
    directory: false,
    export(labels) {
        return [{ path: '', text: labels.map((label) => `${JSON.stringify(labelRecord(label))}\n`).join('') }];
    },
    import(source, options) {
        const read = new ReadCollector();
        const labels: Label[] = [];
        const sources: RecordSource[] = [];
        readFileSync(source, 'utf8')
            .split('\n')
            .forEach((line, index) => {
                if (line.trim() === '') {
                    return;
                }
                const where = { file: source, line: index + 1 };
                read.record(where, () => {
                    let record: unknown;
                    try {
                        record = JSON.parse(line);
                    } catch (error) {
                        throw new RecordError(`not valid JSON (${(error as Error).message}); each line must be one JSON object`);
                    }
                    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
                        throw new RecordError('each line must be a JSON object with at least item and value');
                    }
                    labels.push(recordToLabel(record as Record<string, unknown>, options));
                    sources.push(where);
                });
            });
        finish(labels, sources, read);
        return read;
    },
};
