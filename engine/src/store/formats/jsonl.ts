/** `jsonl`: one label per line with every stored field; round-trips exactly. */
import { readFileSync } from 'node:fs';
import type { Label } from '../types.js';
import { FormatError, type LabelFormat } from './format.js';
import { finish, labelRecord, recordToLabel } from './records.js';

export const jsonlFormat: LabelFormat = {
    name: 'jsonl',
    directory: false,
    export(labels) {
        return [{ path: '', text: labels.map((label) => JSON.stringify(labelRecord(label)) + '\n').join('') }];
    },
    import(source, options) {
        const labels: Label[] = [];
        readFileSync(source, 'utf8')
            .split('\n')
            .forEach((line, index) => {
                if (line.trim() === '') return;
                let record: unknown;
                try {
                    record = JSON.parse(line);
                } catch (error) {
                    throw new FormatError(`not valid JSON (${(error as Error).message}); each line must be one JSON object`, source, index + 1);
                }
                if (typeof record !== 'object' || record === null || Array.isArray(record)) {
                    throw new FormatError('each line must be a JSON object with at least item and value', source, index + 1);
                }
                labels.push(recordToLabel(record as Record<string, unknown>, options, source, index + 1));
            });
        return finish(labels);
    },
};
