import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashText } from '../../../engine/src/data/hashed-featurizer.js';
import { loadLearningData, type LearnProgram } from '../../../engine/src/learning/learn-program.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'dprog-fields-'));
const data = join(dir, 'emails.jsonl');
writeFileSync(
    data,
    `${[
        { id: '1', subject: 'Win a prize', body: 'Click here to claim your FREE prize now' },
        { id: '2', subject: 'Re: agenda', body: 'Notes from the meeting are attached.' },
    ]
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
);

function program(inputFields: string[] | undefined, unsigned: boolean): LearnProgram {
    return {
        program: 'P',
        programVersion: '1',
        task: 'classify',
        labels: ['spam', 'ham'],
        dataset: {
            name: 'emails',
            format: 'jsonl',
            path: data,
            fields: [
                { name: 'id', type: 'String', key: true },
                { name: 'subject', type: 'Text' },
                { name: 'body', type: 'Text' },
            ],
        },
        model: {
            name: 'm',
            path: join(dir, 'm.onnx'),
            inputField: 'subject',
            inputFields,
            featurizer: { kind: 'hashed', dims: 64, unsigned },
        },
        learn: {} as LearnProgram['learn'],
        people: [],
        quality: { target: 0.9, maxLabels: 3 },
    };
}

describe('a model input of several fields (input subject, body as hashed N)', () => {
    it('hashes each item’s fields joined by a newline, signed or unsigned as declared', async () => {
        const sessions = new SessionCache();
        for (const unsigned of [false, true]) {
            const { features } = await loadLearningData(program(['subject', 'body'], unsigned), sessions);
            const expected = hashText('Win a prize\nClick here to claim your FREE prize now', 64, { unsigned });
            const row = features.select([0]);
            expect([...row.indices]).toEqual([...expected.indices]);
            expect([...row.values]).toEqual([...expected.values]);
        }
        const one = await loadLearningData(program(undefined, false), sessions);
        expect([...one.features.select([1]).indices]).toEqual([...hashText('Re: agenda', 64).indices]);
    });

    it('names the item and field when a field is missing', async () => {
        await expect(loadLearningData(program(['subject', 'sender'], false), new SessionCache())).rejects.toThrow(
            /emails\.jsonl:1: no field 'sender' for the model 'm'/,
        );
    });
});
