/**
 * The embedded store (sql.js, one writer) behind the `Store` interface. Everything that reads or
 * writes labels (the plan executor, the learning commands, the editor) goes through this adapter, so
 * it runs on PostgreSQL as well; `inner`, with its synchronous reads, is left to applying migrations
 * and to `label import` finding a task's recorded plan.
 */
import type { StoreDump } from './dump.js';
import type { LabelStore } from './label-store.js';
import { MemoryLeases, type Lease, type LeaseRequest } from './leases.js';
import type { Store } from './store.js';
import type { Item, Label, LabelQuery, NewLabel, Split } from './types.js';
import type { Aggregate, Evaluation, LabelerEstimate, ModelVersion, StageState, StageStateQuery, StoredPlan } from './types.js';

export class EmbeddedStore implements Store {
    readonly backend = 'sqljs' as const;
    /** One writer process hands out the work, so its leases live in that process. */
    private readonly leases = new MemoryLeases();

    constructor(
        /** The sql.js store itself, for code that needs its synchronous reads. */
        readonly inner: LabelStore,
    ) {}

    get location(): string {
        return this.inner.path;
    }
    get readonly(): boolean {
        return this.inner.readonly;
    }
    get schemaVersion(): number {
        return this.inner.schemaVersion;
    }

    addLabels = async (labels: readonly NewLabel[]): Promise<Label[]> => this.inner.addLabels(labels);
    addLabel = async (label: NewLabel): Promise<Label> => this.inner.addLabel(label);
    addLabelsCounted = async (labels: readonly NewLabel[]) => this.inner.addLabelsCounted(labels);
    supersede: Store['supersede'] = async (oldId, replacement) => this.inner.supersede(oldId, replacement);
    retireLabels = async (ids: readonly string[], by: string): Promise<void> => this.inner.retireLabels(ids, by);
    getLabel = async (id: string): Promise<Label | undefined> => this.inner.getLabel(id);
    labels = async (query?: LabelQuery): Promise<Label[]> => this.inner.labels(query);
    countLabels = async (query?: LabelQuery): Promise<number> => this.inner.countLabels(query);
    countLabelsByLabeler = async (query?: LabelQuery): Promise<Record<string, number>> => this.inner.countLabelsByLabeler(query);
    tasks = async (): Promise<string[]> => this.inner.tasks();
    addItems = async (items: readonly Item[]): Promise<void> => this.inner.addItems(items);
    items = async (dataset: string, split?: Split): Promise<Item[]> => this.inner.items(dataset, split);
    setAggregates = async (aggregates: readonly Aggregate[]): Promise<void> => this.inner.setAggregates(aggregates);
    getAggregate = async (task: string, item: string): Promise<Aggregate | undefined> => this.inner.getAggregate(task, item);
    aggregates = async (task: string): Promise<Aggregate[]> => this.inner.aggregates(task);
    setLabelerEstimates = async (estimates: readonly LabelerEstimate[]): Promise<void> => this.inner.setLabelerEstimates(estimates);
    labelerEstimates = async (task?: string): Promise<LabelerEstimate[]> => this.inner.labelerEstimates(task);
    savePlan = async (plan: StoredPlan): Promise<void> => this.inner.savePlan(plan);
    getPlan = async (program: string, version?: string): Promise<StoredPlan | undefined> => this.inner.getPlan(program, version);
    planPrograms = async (): Promise<string[]> => this.inner.planPrograms();
    addModelVersion = async (model: ModelVersion): Promise<void> => this.inner.addModelVersion(model);
    modelVersions = async (labeler: string): Promise<ModelVersion[]> => this.inner.modelVersions(labeler);
    recordEvaluation = async (evaluation: Evaluation): Promise<Evaluation> => this.inner.recordEvaluation(evaluation);
    evaluations: Store['evaluations'] = async (filter) => this.inner.evaluations(filter);
    setStageStates = async (states: readonly StageState[]): Promise<void> => this.inner.setStageStates(states);
    stageStates = async (query: StageStateQuery): Promise<StageState[]> => this.inner.stageStates(query);
    dump = async (): Promise<StoreDump> => this.inner.dump();
    load = async (dump: StoreDump): Promise<void> => this.inner.load(dump);
    countsPerTask = async (): Promise<Record<string, number>> => this.inner.countsPerTask();
    close = async (): Promise<void> => this.inner.close();

    async lease(request: LeaseRequest): Promise<Lease[]> {
        const answered = (item: string) =>
            this.inner.countLabels({ task: request.task, item, person: request.person, includeSuperseded: true }) > 0;
        return this.leases.lease(request, answered);
    }

    async releaseLeases(task: string, person: string, items?: readonly string[]): Promise<void> {
        this.leases.release(task, person, items);
    }
}
