/**
 * Everything the extension asks of dprog's engine, behind one interface, so the panels and commands
 * do not care whether an answer comes from the CLI in a child process or from the engine in-process.
 * No `vscode` import: the message-handling tests use it with a real label store.
 */
import type { DataItem } from '../../../engine/src/data/dataset.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import type { Aggregate, Label, LabelerEstimate, NewLabel, StageState } from '../../../engine/src/store/types.js';
import type { Lease, LeaseRequest, StoreLockedError } from '../../../engine/src/store/index.js';
import type { PreLabelView } from '../../../webview/src/protocol.js';

/** Whether this window may write labels, and why not. */
export type WriteAccess = { writable: true } | { writable: false; reason: string; busy?: StoreLockedError };

/** A feature of the engine that has not landed yet, or cannot run here; shown to the user as is. */
export class NotAvailableError extends Error {
    constructor(
        readonly feature: string,
        detail: string,
    ) {
        super(`${feature} is not available yet: ${detail}`);
        this.name = 'NotAvailableError';
    }
}

/** The engine refused the program or its data (exit code 1 of the CLI): the message says what to fix. */
export class EngineError extends Error {
    constructor(
        message: string,
        readonly exitCode: number,
    ) {
        super(message);
        this.name = 'EngineError';
    }
}

/** One error (or warning) of a program, as `dprog … --json` reports it; `file` is absolute. */
export interface ProgramDiagnostic {
    file: string;
    /** 1-based. */
    line: number;
    /** 1-based. */
    column: number;
    severity: 'error' | 'warning';
    code: string | null;
    message: string;
}

/** The program has errors (exit code 1 with diagnostics): each one names its file and line. */
export class ProgramDiagnosticsError extends EngineError {
    constructor(
        readonly command: string,
        readonly diagnostics: ProgramDiagnostic[],
    ) {
        super(diagnosticsSummary(command, diagnostics), 1);
        this.name = 'ProgramDiagnosticsError';
    }
}

/** `Compile failed: 2 errors. broken.dprog:5: Unknown dataset 'emails'. (and 1 more)` */
export function diagnosticsSummary(command: string, diagnostics: readonly ProgramDiagnostic[]): string {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    const base = first ? first.file.split(/[\\/]/).pop() : '';
    const where = first ? ` ${base}:${first.line}: ${first.message}` : '';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return `${command} failed: ${errors.length} error${errors.length === 1 ? '' : 's'}.${where}${more}`;
}

/** One line per diagnostic, as compilers print them: `file:line:column: error code: message`. */
export function diagnosticLine(d: ProgramDiagnostic): string {
    return `${d.file}:${d.line}:${d.column}: ${d.severity}${d.code ? ` ${d.code}` : ''}: ${d.message}`;
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
    /** Every candidate's score under the sampling rule (for the preview's histogram), or null when not computed. */
    poolScores?: number[] | null;
}

/** An item to pre-label: its key and the fields the model may read. */
export interface PreLabelInput {
    key: string;
    fields: Record<string, unknown>;
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
    /** The next batch of a task with a `learn` block; computed once per store state and shared by every caller. */
    sample(program: string, task: string, n: number | undefined, cancel?: Cancellation): Promise<SampleResult>;
    /** The items of a dataset of the program's plan (read once, kept while the file is unchanged). */
    datasetItems(program: string, dataset: string): Promise<DataItem[]>;
    /** Answers of the task's models for items without a stored model answer (shown as the model's, not stored). */
    preLabel(program: string, task: string, items: readonly PreLabelInput[]): Promise<Map<string, PreLabelView[]>>;
    run(program: string, limit: number | undefined, cancel?: Cancellation): Promise<unknown>;
    diff(oldProgram: string, newProgram: string, cancel?: Cancellation): Promise<unknown>;
    simulate(
        program: string,
        options: { replay: string; item: string; worker: string; label: string; gold?: string; task?: string },
        cancel?: Cancellation,
    ): Promise<unknown>;
    exportLabels(program: string, task: string, format: string, out: string, cancel?: Cancellation): Promise<void>;
    /** Gets ready to take labels for the program (opens its store for writing); read-only, with why, when another writer has it. */
    prepareToLabel(program: string): Promise<WriteAccess>;
    /** Waits for the other writer of an embedded store to finish, then holds the store for writing. */
    waitForWriter(program: string, cancel?: Cancellation): Promise<void>;
    /** Hands items of the queue to a person for a while (see Store.lease). */
    lease(program: string, request: LeaseRequest): Promise<Lease[]>;
    /** Gives a person's leased items of a task back to the queue. */
    releaseLeases(program: string, task: string, person: string): Promise<void>;
    /** Adds a person's label; resolves once it is durable. The task's aggregates follow (see `aggregated`). */
    addLabel(program: string, label: NewLabel): Promise<Label>;
    /** Resolves once every label added so far has updated its task's aggregates. */
    aggregated(program: string): Promise<void>;
    /** The task's stored labeler estimates (refit whenever answers are aggregated). */
    labelerEstimates(program: string, task: string): Promise<LabelerEstimate[]>;
    /** Current (not superseded) labels of one task. */
    labels(program: string, task: string): Promise<Label[]>;
    /** The stage states of a program's migrations (its reviews and re-asks, language.md §10); `name` is the program's declared name. */
    migrationStates(program: string, name: string): Promise<StageState[]>;
    /** Stored aggregated answers of one task (written by `dprog run` and after each person's label). */
    aggregates(program: string, task: string): Promise<Aggregate[]>;
    learningCurve(program: string, model: string): Promise<LearningCurvePoint[]>;
    /** How many evaluations on the test split each program version made (the test-set guard). */
    testSetUses(program: string): Promise<Map<string, number>>;
    progress(program: string, plan: LabelingPlan): Promise<ProgramProgress>;
    /** Releases the store (so another writer can open it) and stops child processes. */
    dispose(): Promise<void>;
}
