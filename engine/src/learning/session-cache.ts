/**
 * onnxruntime-node sessions, created once per model file and reused. A session is expensive to
 * create (graph optimisation, weight pre-packing) and published issues report memory growth when
 * sessions are created and released in a loop, so every model run in dprog goes through here.
 * Options are tuned for small shared machines: a bounded thread pool and no busy-waiting threads.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { regularFileProblem } from '../data/regular-file.js';
import { ModelError } from './errors.js';
import { sparseCompanion } from './sparse-head.js';

/** Session options for a 2-core machine shared with an editor: few threads, none spinning. */
export function sessionOptions(threads = Math.min(2, availableParallelism())): ort.InferenceSession.SessionOptions {
    return {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Idle worker threads otherwise spin on a core waiting for work (see performance.md).
        extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
    };
}

/** Creates one session for a model file; a missing or corrupt file is a ModelError naming it. */
export async function createSession(path: string, options = sessionOptions()): Promise<ort.InferenceSession> {
    try {
        statSync(path);
    } catch (error) {
        throw new ModelError(
            `${path}: model file not found (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path in the ` +
                `labeler declaration`,
            path,
        );
    }
    const problem = regularFileProblem(path, 'model file');
    if (problem) {
        throw new ModelError(`${problem}; check the path in the labeler declaration`, path);
    }
    try {
        return await ort.InferenceSession.create(path, options);
    } catch (error) {
        throw new ModelError(
            `${path}: onnxruntime cannot load this model (${(error as Error).message.split('\n')[0]}); re-export it as ONNX`,
            path,
        );
    }
}

interface Entry {
    /** The file's mtime and size when loaded: a changed file gets a fresh session. */
    stamp: string;
    session: Promise<ort.InferenceSession>;
    /** The sparse companion of a linear head (sparse-head.ts), made on first use; null when the model is not one. */
    sparse?: Promise<ort.InferenceSession | null>;
}

/** One session per model path, reloaded only when the file changes. */
export class SessionCache {
    private readonly entries = new Map<string, Entry>();

    constructor(private readonly options = sessionOptions()) {}

    async get(path: string): Promise<ort.InferenceSession> {
        let stamp = '';
        try {
            const s = statSync(path);
            stamp = `${s.mtimeMs}:${s.size}`;
        } catch {
            // createSession reports the missing file.
        }
        const cached = this.entries.get(path);
        if (cached && cached.stamp === stamp) {
            return cached.session;
        }
        if (cached) {
            await this.release(path);
        }
        const session = createSession(path, this.options);
        this.entries.set(path, { stamp, session });
        session.catch(() => this.entries.delete(path));
        return session;
    }

    /**
     * The embedding-bag companion session of a linear softmax head (scores sparse rows without
     * densifying them), or null when the file is some other model. Shares the file's cache entry.
     */
    async sparse(path: string): Promise<ort.InferenceSession | null> {
        await this.get(path);
        const entry = this.entries.get(path)!;
        entry.sparse ??= (async () => {
            const bytes = sparseCompanion(path);
            return bytes ? await ort.InferenceSession.create(bytes, this.options) : null;
        })();
        return entry.sparse;
    }

    get size(): number {
        return this.entries.size;
    }

    async release(path: string): Promise<void> {
        const entry = this.entries.get(path);
        this.entries.delete(path);
        if (entry) {
            await (await entry.session.catch(() => undefined))?.release();
        }
        if (entry?.sparse) {
            await (await entry.sparse.catch(() => null))?.release();
        }
    }

    async releaseAll(): Promise<void> {
        await Promise.all([...this.entries.keys()].map((path) => this.release(path)));
    }
}
