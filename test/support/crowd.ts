/** The real crowd answers of samples/crowd (RTE, TEMP), and each worker's record against gold. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';

export interface CrowdAnswer {
    item: string;
    worker: string;
    label: string;
    gold: string;
}

const root = path.resolve(__dirname, '../..');

/** `samples/crowd/<name>-answers.csv`: one row per answer, with the item's gold label. */
export function crowdAnswers(name: 'rte' | 'temp'): CrowdAnswer[] {
    return parse(readFileSync(path.join(root, 'samples/crowd', `${name}-answers.csv`)), { columns: true }) as CrowdAnswer[];
}

/** Per worker: how many answers, and how many agree with gold. */
export function workerRecords(answers: readonly CrowdAnswer[]): Map<string, { right: number; answers: number }> {
    const byWorker = new Map<string, { right: number; answers: number }>();
    for (const a of answers) {
        const w = byWorker.get(a.worker) ?? { right: 0, answers: 0 };
        w.answers++;
        w.right += a.label === a.gold ? 1 : 0;
        byWorker.set(a.worker, w);
    }
    return byWorker;
}
