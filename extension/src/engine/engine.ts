/**
 * Everything the extension asks of dprog's engine, behind one interface, so the panels and commands
 * do not care whether an answer comes from the CLI in a child process or from the engine in-process.
 * No `vscode` import: the message-handling tests use it with a real label store.
 */
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import type { Aggregate, Label, NewLabel } from '../../../engine/src/store/types.js';
import type { Lease, LeaseRequest, StoreLockedError } from '../../../engine/src/store/index.js';

/** Whether this window may write labels, and why not. */
export type WriteAccess = { writable: true } | { writable: false; reason: string; busy?: StoreLockedError };

/** A feature of the engine that has not landed yet, or cannot run here; shown to the user as is. */
export class NotAvailableError extends Error {
    constructor(readonly feature: string, detail: string) {
        super(`${feature} is not available yet: ${detail}`);
        this.name = 'NotAvailableError';
    }
}

/** The engine refused the program or its data (exit code 1 of the CLI): the message says what to fix. */
export class EngineError extends Error {
    constructor(message: string, readonly exitCode: number) {
        super(message);
        this.name = 'EngineError';
    }
}

/** Lets long work be cancelled (a child process killed). */
export interface Cancellation {
    readonly signal: AbortSignal;
}

export interface CompileResult {
    plan: LabelingPlan;
    /** Where the plan was written. */
    planPath: string;
}

export interface SampleResult {
    task: string;
    strategy: string;
    coldStart: boolean;
    labeled: number;
    candidates: number;
    items: Array<{ key: string; score: number; split: string; reason: string }>;
}

export interface LearningCurvePoint {
    version: string;
    labelsUsed: number;
    accuracy: number | null;
}

export interface ProgramProgress {
    /** Per task: items the people have labeled, and the items planned (null: unknown). */
    tasks: Array<{ task: string; done: number; planned: number | null }>;
    /** Money spent on labels so far (each stored label × its labeler's cost in the plan). */
    cost: number;
}

export interface DprogEngine {
    /** Compiles the program, writes the plan beside it and records it in the store. */
    compile(program: string, cancel?: Cancellation): Promise<CompileResult>;
    /** The last plan compiled by this engine for the program, if any (no work). */
    cachedPlan(program: string): LabelingPlan | undefined;
    sample(program: string, task: string, n: number | undefined, cancel?: Cancellation): Promise<SampleResult>;
    run(program: string, limit: number | undefined, cancel?: Cancellation): Promise<unknown>;
    diff(oldProgram: string, newProgram: string, cancel?: Cancellation): Promise<unknown>;
    simulate(program: string, options: { replay: string; item: string; worker: string; label: string; gold?: string; task?: string }, cancel?: Cancellation): Promise<unknown>;
    exportLabels(program: string, task: string, format: string, out: string, cancel?: Cancellation): Promise<void>;
    /** Gets ready to take labels for the program (opens its store for writing); read-only, with why, when another writer has it. */
    prepareToLabel(program: string): Promise<WriteAccess>;
    /** Waits for the other writer of an embedded store to finish, then holds the store for writing. */
    waitForWriter(program: string, cancel?: Cancellation): Promise<void>;
    /** Hands items of the queue to a person for a while (see Store.lease). */
    lease(program: string, request: LeaseRequest): Promise<Lease[]>;
    /** Gives a person's leased items of a task back to the queue. */
    releaseLeases(program: string, task: string, person: string): Promise<void>;
    /** Adds a person's label; resolves once it is durable. */
    addLabel(program: string, label: NewLabel): Promise<Label>;
    /** Current (not superseded) labels of one task. */
    labels(program: string, task: string): Promise<Label[]>;
    /** Stored aggregated answers of one task (written by `dprog run`). */
    aggregates(program: string, task: string): Promise<Aggregate[]>;
    learningCurve(program: string, model: string): Promise<LearningCurvePoint[]>;
    /** How many evaluations on the test split each program version made (the test-set guard). */
    testSetUses(program: string): Promise<Map<string, number>>;
    progress(program: string, plan: LabelingPlan): Promise<ProgramProgress>;
    /** Releases the store (so another writer can open it) and stops child processes. */
    dispose(): Promise<void>;
}
