/** The real MTurk answers bundled in samples/crowd (RTE and TEMP), read once per test file. */
import * as path from 'node:path';
import { readAnswersCsv } from '../../../engine/src/data/answers-csv.js';
import type { Answer } from '../../../engine/src/quality/answers.js';

export const crowdDir = path.resolve(__dirname, '../../../samples/crowd');

export function crowdAnswers(name: 'rte' | 'temp'): { file: string; answers: Answer[]; truth: Map<string, string> } {
    const file = path.join(crowdDir, `${name}-answers.csv`);
    const { answers, gold } = readAnswersCsv(file, { item: 'item', worker: 'worker', label: 'label', gold: 'gold' });
    return { file, answers, truth: gold! };
}
