/**
 * The label store's one interface, whatever keeps the data: the embedded sql.js file (one writer,
 * the default) or a PostgreSQL database (many writers at once). Every method returns a promise;
 * a write resolves once it is durable.
 */
import type { Item, Label, LabelQuery, NewLabel, Split } from './types.js';
import type { Aggregate, Evaluation, LabelerEstimate, ModelVersion, StageState, StageStateQuery, StoredPlan } from './types.js';
import type { Lease, LeaseRequest } from './leases.js';
import type { StoreDump } from './dump.js';

export type StoreBackend = 'sqljs' | 'postgres';

/** Labels, aggregates, labeler estimates, plans, model versions, evaluations, stage states and work leases. */
export interface Store {
    readonly backend: StoreBackend;
    /** Where the store is: a file path, or a URL without its password. */
    readonly location: string;
    readonly readonly: boolean;
    readonly schemaVersion: number;

    /** Adds labels; a label whose id is stored already is left as it was (re-sending is harmless). */
    addLabels(labels: readonly NewLabel[]): Promise<Label[]>;
    addLabel(label: NewLabel): Promise<Label>;
    /** `addLabels`, saying how many were new (the rest were stored already). */
    addLabelsCounted(labels: readonly NewLabel[]): Promise<{ labels: Label[]; added: number }>;
    /** Replaces a current label; the old one is kept, marked superseded. */
    supersede(
        oldId: string,
        replacement: Omit<NewLabel, 'supersedes' | 'task' | 'item'> & Partial<Pick<NewLabel, 'task' | 'item'>>,
    ): Promise<Label>;
    /**
     * Marks current labels superseded without a replacement (a program migration re-asks or
     * invalidates them): they stay in the store with `supersededBy` = `by` (e.g. `migration:Prog@2`)
     * and leave the current labels. Labels already superseded are left as they are.
     */
    retireLabels(ids: readonly string[], by: string): Promise<void>;
    getLabel(id: string): Promise<Label | undefined>;
    labels(query?: LabelQuery): Promise<Label[]>;
    countLabels(query?: LabelQuery): Promise<number>;
    /** Number of labels matching the query, per labeler (counted by the database, no label is read). */
    countLabelsByLabeler(query?: LabelQuery): Promise<Record<string, number>>;
    tasks(): Promise<string[]>;

    addItems(items: readonly Item[]): Promise<void>;
    items(dataset: string, split?: Split): Promise<Item[]>;

    setAggregates(aggregates: readonly Aggregate[]): Promise<void>;
    getAggregate(task: string, item: string): Promise<Aggregate | undefined>;
    aggregates(task: string): Promise<Aggregate[]>;

    setLabelerEstimates(estimates: readonly LabelerEstimate[]): Promise<void>;
    labelerEstimates(task?: string): Promise<LabelerEstimate[]>;

    savePlan(plan: StoredPlan): Promise<void>;
    getPlan(program: string, version?: string): Promise<StoredPlan | undefined>;
    /** The programs with a recorded plan, by name. */
    planPrograms(): Promise<string[]>;

    addModelVersion(model: ModelVersion): Promise<void>;
    modelVersions(labeler: string): Promise<ModelVersion[]>;

    recordEvaluation(evaluation: Evaluation): Promise<Evaluation>;
    evaluations(filter?: { model?: string; split?: Split; programVersion?: string }): Promise<Evaluation[]>;

    setStageStates(states: readonly StageState[]): Promise<void>;
    stageStates(query: StageStateQuery): Promise<StageState[]>;

    /**
     * Hands out up to `limit` of the candidate items to `person` for a while: an item goes to one
     * person at a time unless it wants more answers, and never to someone who answered it already.
     * A person's own unexpired leases are renewed and handed out again.
     */
    lease(request: LeaseRequest): Promise<Lease[]>;
    /** Gives leased items back (all of the person's in the task when `items` is absent). */
    releaseLeases(task: string, person: string, items?: readonly string[]): Promise<void>;

    /** Every row of every table (for `dprog store copy`). */
    dump(): Promise<StoreDump>;
    /** Adds a dump's rows (idempotently: rows already there are kept as they are). */
    load(dump: StoreDump): Promise<void>;
    /** Number of labels (superseded included) per task. */
    countsPerTask(): Promise<Record<string, number>>;

    close(): Promise<void>;
}
