/**
 * Active learning kept warm in the extension host: a task's data is read and featurized once (per
 * plan and data file), the datasets the panels show are read once, ONNX sessions stay open, and a sample is computed
 * once per store state and
 * shared by every panel that asks (the labeling queue and the preview ask for the same batch; the
 * preview's pool histogram comes from the same pass). A label given, a retrained model or a changed
 * plan or data file makes the next request compute afresh. No `vscode` import: tested directly.
 */
import * as path from 'node:path';
import { learnProgramOf } from '../../../cli/src/learn-setup.js';
import { loadLearningData, type LearningData, type LearnProgram } from '../../../engine/src/learning/learn-program.js';
import { assembleWorkspace, readStoredLearning } from '../../../engine/src/learning/learning-workspace.js';
import { projectedPoints, sampleNext, type NextSampleWithPool } from '../../../engine/src/learning/sample-next.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import type { Store } from '../../../engine/src/store/index.js';
import { DatasetCache, datasetFile, fileStamp } from './dataset-cache.js';

interface WarmData {
    stamp: string;
    program: LearnProgram;
    data: Promise<LearningData>;
    /** Projected points for k-center, computed on first use. */
    points?: Float32Array;
}

export interface SampleRequest {
    program: string;
    plan: LabelingPlan;
    task: string;
    /** The program's label store (read only here), or undefined when none exists yet. */
    store: Store | undefined;
    storePath: string;
    /** Batch size (default: the learn block's). */
    n?: number;
}

export class WarmLearning {
    readonly sessions = new SessionCache();
    /** The datasets the panels show, read once. */
    readonly datasets = new DatasetCache();
    private readonly data = new Map<string, WarmData>();
    private readonly samples = new Map<string, { state: string; result: Promise<NextSampleWithPool> }>();
    /** How many samples were really computed (not shared): for tests and the log. */
    computed = 0;

    /** The sample for the store's current state: computed on the first request, shared after. */
    async sample(request: SampleRequest): Promise<NextSampleWithPool> {
        const warm = this.warmData(request);
        const data = await warm.data;
        const stored = request.store ? await readStoredLearning(request.store, warm.program) : undefined;
        const ws = assembleWorkspace(warm.program, data, request.storePath, stored);
        const id = `${request.program}#${request.task}`;
        const state = [warm.stamp, request.n ?? '', ws.modelPath ?? '', fileStamp(ws.modelPath), signature(ws.known)].join('|');
        const cached = this.samples.get(id);
        if (cached?.state === state) {
            return cached.result;
        }
        this.computed++;
        warm.points ??= projectedPoints(ws, warm.program.learn.seed);
        const result = sampleNext(ws, this.sessions, { n: request.n, points: warm.points });
        this.samples.set(id, { state, result });
        result.catch(() => this.samples.delete(id));
        return result;
    }

    /** Releases the ONNX sessions and forgets the data. */
    async dispose(): Promise<void> {
        this.data.clear();
        this.samples.clear();
        this.datasets.clear();
        await this.sessions.releaseAll();
    }

    private warmData(request: SampleRequest): WarmData {
        const { plan, task, program } = request;
        const dir = path.dirname(program);
        const dataset = plan.datasets.find((d) => d.name === plan.tasks.find((t) => t.name === task)?.dataset);
        const stamp = `${plan.hash}|${dataset ? fileStamp(datasetFile(dir, dataset)) : ''}`;
        const id = `${program}#${task}`;
        const existing = this.data.get(id);
        if (existing?.stamp === stamp) {
            return existing;
        }
        const learnProgram = learnProgramOf(plan, task, dir, program);
        const warm: WarmData = { stamp, program: learnProgram, data: loadLearningData(learnProgram, this.sessions) };
        this.data.set(id, warm);
        warm.data.catch(() => this.data.delete(id));
        return warm;
    }
}

/** Order-independent digest of the known labels (position → class). */
function signature(known: ReadonlyMap<number, number>): string {
    let sum = 0;
    let mix = 0;
    for (const [position, label] of known) {
        const h = Math.imul(position + 1, 2654435761) ^ Math.imul(label + 1, 40503);
        sum = (sum + h) | 0;
        mix ^= h;
    }
    return `${known.size}:${sum}:${mix}`;
}
