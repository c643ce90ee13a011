/**
 * The engine as the extension uses it: long-lived and in-process for what panels need at once —
 * the label store (a person's label is durable in a few milliseconds), active-learning samples,
 * model pre-labels and the datasets shown (data featurized once, ONNX sessions kept open, see
 * WarmLearning) — and the CLI in a child process for compiling, running, diffing, simulating and
 * exporting. The store is opened for writing on first use and released before any CLI command
 * that writes to it (one writer at a time).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DataItem } from '../../../engine/src/data/dataset.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import type { Lease, LeaseRequest, Store } from '../../../engine/src/store/index.js';
import type { Aggregate, Label, LabelerEstimate, NewLabel, StageState } from '../../../engine/src/store/types.js';
import { deferred } from '../load-deferred.js';
import { CliRunner, type Log } from './cli-runner.js';
import type { PreLabelView } from '../../../webview/src/protocol.js';
import {
    EngineError,
    NotAvailableError,
    type Cancellation,
    type CompileResult,
    type DprogEngine,
    type LearningCurvePoint,
    type PreLabelInput,
    type ProgramProgress,
    type SampleResult,
    type WriteAccess,
} from './engine.js';
import type { WarmLearning } from './warm-learning.js';

export interface LocalEngineOptions {
    /** Absolute path of out/cli/main.cjs. */
    cliPath: string;
    /**
     * The label store of a program: a file path or a postgres:// URL (the `dprog.store` setting, else
     * `.dprog/labels.sqlite` beside it).
     */
    storePathFor: (program: string) => string;
    /** The PostgreSQL password kept in VS Code's SecretStorage for a store URL, if any. */
    passwordFor?: (store: string) => Promise<string | undefined>;
    /** An embedded store without a label for this long is closed, releasing its lock (ms). Default 5 minutes. */
    idleReleaseMs?: number;
    log: Log;
    /** Whether the CLI may be spawned (false in an untrusted workspace); default: always. */
    mayRun?: () => boolean;
}

/** Where Compile writes a program's plan: `.dprog/plans/<file>.plan.json` beside the program. */
export function planPathFor(program: string): string {
    return path.join(path.dirname(program), '.dprog', 'plans', `${path.basename(program, '.dprog')}.plan.json`);
}

/** The store code (sql.js and its wasm, pg) loads on first use, not at activation. */
function storeModule(): Pick<ReturnType<typeof deferred>, 'openStore' | 'parseStoreLocation' | 'StoreLockedError' | 'LabelStore'> {
    return deferred();
}

const IDLE_RELEASE_MS = 5 * 60 * 1000;

const isUrl = (store: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(store);

export class LocalEngine implements DprogEngine {
    private readonly cli: CliRunner;
    private readonly stores = new Map<string, Promise<Store>>();
    private readonly plans = new Map<string, LabelingPlan>();
    private readonly aggregation = new Map<string, Promise<void>>();
    private readonly idleTimers = new Map<string, NodeJS.Timeout>();
    /** The SecretStorage password of the last PostgreSQL store opened, handed to the CLI as PGPASSWORD. */
    private storePassword: string | undefined;
    private learning: WarmLearning | undefined;

    constructor(private readonly options: LocalEngineOptions) {
        this.cli = new CliRunner(
            options.cliPath,
            options.log,
            async () => {
                const password = this.storePassword;
                return password === undefined ? {} : { PGPASSWORD: password };
            },
            options.mayRun,
        );
    }

    async compile(program: string, cancel?: Cancellation): Promise<CompileResult> {
        const planPath = planPathFor(program);
        mkdirSync(path.dirname(planPath), { recursive: true });
        const store = this.options.storePathFor(program);
        const plan = await this.withoutStore(store, () =>
            this.cli.json<LabelingPlan>(
                'Compile',
                ['compile', program, '--out', planPath, '--store', store],
                path.dirname(program),
                cancel?.signal,
            ),
        );
        this.plans.set(program, plan);
        return { plan, planPath };
    }

    cachedPlan(program: string): LabelingPlan | undefined {
        const cached = this.plans.get(program);
        if (cached) {
            return cached;
        }
        try {
            const plan = JSON.parse(readFileSync(planPathFor(program), 'utf8')) as LabelingPlan;
            if (plan.schema === 'dprog.plan/v1') {
                this.plans.set(program, plan);
                return plan;
            }
        } catch {
            // Not compiled yet.
        }
        return undefined;
    }

    /** In-process, computed once per store state and shared by every panel (see WarmLearning). */
    async sample(program: string, task: string, n: number | undefined, cancel?: Cancellation): Promise<SampleResult> {
        const plan = this.cachedPlan(program);
        if (!plan) {
            throw new EngineError(`${path.basename(program)} is not compiled yet: run "Data Program: Compile" first.`, 1);
        }
        const store = this.options.storePathFor(program);
        // Retrained models live in models/ beside the embedded store, or beside the program for a team store.
        const storePath = isUrl(store) ? path.join(path.dirname(program), '.dprog', 'labels.sqlite') : store;
        cancel?.signal.throwIfAborted();
        const sampleWith = (reader: Store | undefined) => this.warm().sample({ program, plan, task, store: reader, storePath, n });
        try {
            // Sampling only reads the store: this window's writer when it has one, else a short-lived reader.
            return (await this.read(program, undefined, (reader) => sampleWith(reader))) ?? (await sampleWith(undefined));
        } catch (error) {
            throw asEngineError(error);
        }
    }

    async datasetItems(program: string, name: string): Promise<DataItem[]> {
        const dataset = this.cachedPlan(program)?.datasets.find((d) => d.name === name);
        if (!dataset) {
            throw new EngineError(`${path.basename(program)} has no dataset '${name}' in its compiled plan: compile it again.`, 1);
        }
        try {
            return this.warm().datasets.items(path.dirname(program), dataset);
        } catch (error) {
            throw asEngineError(error);
        }
    }

    /** Runs the task's model labelers on items that have no stored model answer (see pre-labels.ts). */
    async preLabel(program: string, task: string, items: readonly PreLabelInput[]): Promise<Map<string, PreLabelView[]>> {
        const plan = this.cachedPlan(program);
        if (!plan) {
            return new Map();
        }
        try {
            return await deferred().preLabels(plan, path.dirname(program), this.warm().sessions, task, items);
        } catch (error) {
            throw asEngineError(error);
        }
    }

    async run(program: string, limit: number | undefined, cancel?: Cancellation): Promise<unknown> {
        const store = this.options.storePathFor(program);
        const args = ['run', program, '--store', store];
        if (limit !== undefined) {
            args.push('--limit', String(limit));
        }
        return this.withoutStore(store, () => this.cli.json('Run Plan', args, path.dirname(program), cancel?.signal));
    }

    async diff(oldProgram: string, newProgram: string, cancel?: Cancellation): Promise<unknown> {
        return this.cli.json('Show Migration', ['diff', oldProgram, newProgram], path.dirname(newProgram), cancel?.signal);
    }

    async simulate(
        program: string,
        o: { replay: string; item: string; worker: string; label: string; gold?: string; task?: string },
        cancel?: Cancellation,
    ): Promise<unknown> {
        const args = ['simulate', program, '--replay', o.replay, '--item', o.item, '--worker', o.worker, '--label', o.label];
        if (o.gold) {
            args.push('--gold', o.gold);
        }
        if (o.task) {
            args.push('--task', o.task);
        }
        return this.cli.json('Simulate', args, path.dirname(program), cancel?.signal);
    }

    async exportLabels(program: string, task: string, format: string, out: string, cancel?: Cancellation): Promise<void> {
        const store = this.options.storePathFor(program);
        await this.withoutStore(store, () =>
            this.cli.json(
                'Export Labels',
                ['label', 'export', '--store', store, '--program', program, '--task', task, '--format', format, '--out', out],
                path.dirname(program),
                cancel?.signal,
            ),
        );
    }

    async addLabel(program: string, label: NewLabel): Promise<Label> {
        const store = await this.store(program);
        const added = await store.addLabel(label);
        this.aggregateAfter(program, store, label.task);
        this.releaseWhenIdle(this.options.storePathFor(program));
        return added;
    }
    /**
     * A person's label updates its task's aggregates with the task's routing policy (the declared
     * method over every answer) and refits the labelers' estimates — after the label is durable, one
     * task at a time per program, so labels given at once are all counted.
     */
    private aggregateAfter(program: string, store: Store, taskName: string): void {
        const plan = this.cachedPlan(program);
        const task = plan?.tasks.find((t) => t.name === taskName);
        if (!plan || !task) {
            return;
        }
        const previous = this.aggregation.get(program) ?? Promise.resolve();
        const next = previous.then(async () => {
            const { routedByPolicy, TaskRouting } = deferred();
            if (routedByPolicy(task)) {
                // Items a program change re-asks are decided among their members only.
                await (await TaskRouting.fromStore(task, store, undefined, undefined, plan.program)).finish(store);
            }
        });
        this.aggregation.set(
            program,
            next.catch((error: unknown) => this.options.log(`aggregating ${taskName} after a label failed: ${String(error)}`)),
        );
    }

    async aggregated(program: string): Promise<void> {
        await this.aggregation.get(program);
    }

    async labelerEstimates(program: string, task: string): Promise<LabelerEstimate[]> {
        return this.read(program, [], (store) => store.labelerEstimates(task));
    }

    /**
     * An embedded store nobody labeled in for a while is closed, so its lock goes to whoever needs
     * it — also when this window's connection is gone but its extension host lives on.
     */
    private releaseWhenIdle(storePath: string): void {
        if (isUrl(storePath)) {
            return;
        }
        clearTimeout(this.idleTimers.get(storePath));
        const timer = setTimeout(() => {
            this.idleTimers.delete(storePath);
            void this.withoutStore(storePath, async () => undefined);
        }, this.options.idleReleaseMs ?? IDLE_RELEASE_MS);
        timer.unref?.();
        this.idleTimers.set(storePath, timer);
    }

    /**
     * Opens the program's store for writing now, so the first label does not wait for it. An
     * embedded store another window or CLI is writing gives read-only access (with the reason).
     */
    async prepareToLabel(program: string): Promise<WriteAccess> {
        try {
            await this.store(program);
            this.releaseWhenIdle(this.options.storePathFor(program));
            return { writable: true };
        } catch (error) {
            if (!(error instanceof storeModule().StoreLockedError)) {
                throw error;
            }
            return {
                writable: false,
                busy: error,
                reason:
                    `another dprog session (process ${error.holderPid ?? 'unknown'}) is writing this label store, so this ` +
                    `window opened it read-only`,
            };
        }
    }

    /** Waits (until `cancel`) for the other writer of the program's embedded store to finish, then opens it for writing. */
    async waitForWriter(program: string, cancel?: Cancellation): Promise<void> {
        const storePath = this.options.storePathFor(program);
        const opening = storeModule().openStore(storePath, { lockWaitMs: 24 * 3600 * 1000, lockSignal: cancel?.signal });
        this.stores.set(storePath, opening);
        opening.catch(() => this.stores.delete(storePath));
        await opening;
    }

    /**
     * Leases items to `person` from the candidates (the queue's order): on a shared store two
     * people are not handed the same item unless it wants more answers. See Store.lease.
     */
    async lease(program: string, request: LeaseRequest): Promise<Lease[]> {
        return (await this.store(program)).lease(request);
    }

    async releaseLeases(program: string, task: string, person: string): Promise<void> {
        const open = this.stores.get(this.options.storePathFor(program));
        if (open) {
            await (await open).releaseLeases(task, person);
        }
    }

    async labels(program: string, task: string): Promise<Label[]> {
        return this.read(program, [], (store) => store.labels({ task }));
    }

    async migrationStates(program: string, name: string): Promise<StageState[]> {
        return this.read(program, [], (store) => store.stageStates({ run: `migration:${name}` }));
    }

    async aggregates(program: string, task: string): Promise<Aggregate[]> {
        return this.read(program, [], (store) => store.aggregates(task));
    }

    async learningCurve(program: string, model: string): Promise<LearningCurvePoint[]> {
        const versions = await this.read(program, [], (store) => store.modelVersions(model));
        return versions.map((v) => ({ version: v.version, labelsUsed: v.labelsUsed, accuracy: v.validationAccuracy ?? null }));
    }

    async testSetUses(program: string): Promise<Map<string, number>> {
        const uses = new Map<string, number>();
        for (const evaluation of await this.read(program, [], (store) => store.evaluations({ split: 'test' }))) {
            const version = evaluation.programVersion ?? '(unknown version)';
            uses.set(version, (uses.get(version) ?? 0) + 1);
        }
        return uses;
    }

    async progress(program: string, plan: LabelingPlan): Promise<ProgramProgress> {
        const empty = { tasks: plan.tasks.map((t) => ({ task: t.name, done: 0, planned: t.cost.items })), cost: 0 };
        return this.read(program, empty, (store) => progressOf(store, plan));
    }

    /**
     * Reads with this process's writer when it has one, else with a short-lived reader (no lock, so
     * the CLI in a terminal can still write); `empty` when the store does not exist yet.
     */
    private async read<T>(program: string, empty: T, query: (store: Store) => Promise<T>): Promise<T> {
        const storePath = this.options.storePathFor(program);
        const writer = this.stores.get(storePath);
        if (writer) {
            const open = await writer.catch(() => undefined);
            if (open) {
                return query(open);
            }
        }
        if (!isUrl(storePath) && !existsSync(storePath)) {
            return empty;
        }
        const reader = await storeModule().openStore(storePath, { readonly: true, password: await this.passwordOf(storePath) });
        try {
            return await query(reader);
        } finally {
            await reader.close();
        }
    }

    private async passwordOf(store: string): Promise<string | undefined> {
        if (!isUrl(store)) {
            return undefined;
        }
        const password = await this.options.passwordFor?.(store);
        if (password !== undefined) {
            this.storePassword = password;
        }
        return password;
    }

    async dispose(): Promise<void> {
        await Promise.allSettled([...this.aggregation.values()]);
        for (const timer of this.idleTimers.values()) {
            clearTimeout(timer);
        }
        this.idleTimers.clear();
        const open = [...this.stores.values()];
        this.stores.clear();
        const warm = this.learning;
        this.learning = undefined;
        await Promise.allSettled([...open.map(async (s) => (await s).close()), warm?.dispose()]);
    }

    /** The in-process learning engine (its code, with onnxruntime, loads on first use). */
    private warm(): WarmLearning {
        this.learning ??= new (deferred().WarmLearning)();
        return this.learning;
    }

    /** The program's store, open for writing (opened on the first label, kept until released). */
    private store(program: string): Promise<Store> {
        const storePath = this.options.storePathFor(program);
        let store = this.stores.get(storePath);
        if (!store) {
            store = this.passwordOf(storePath).then((password) => storeModule().openStore(storePath, { password }));
            this.stores.set(storePath, store);
            store.catch(() => this.stores.delete(storePath));
        }
        return store;
    }

    /** Closes this process's writer on an embedded `storePath` while `work` (a CLI writer) runs; a PostgreSQL store takes both. */
    private async withoutStore<T>(storePath: string, work: () => Promise<T>): Promise<T> {
        if (isUrl(storePath)) {
            return work();
        }
        const open = this.stores.get(storePath);
        if (open) {
            this.stores.delete(storePath);
            await (await open.catch(() => undefined))?.close();
        }
        return work();
    }
}

/** Bad data or a bad model file (errors naming the file) is the user's to fix: shown as engine errors. */
function asEngineError(error: unknown): unknown {
    if (!(error instanceof Error) || error instanceof EngineError || error instanceof NotAvailableError) {
        return error;
    }
    // The engine's errors carry their names; the CLI's set-up errors carry an exit code.
    const usersToFix =
        /^(DataError|ModelError|CsvError)$/.test(error.name) || typeof (error as { exitCode?: unknown }).exitCode === 'number';
    return usersToFix ? new EngineError(error.message, 1) : error;
}

/** People's labels per task, and money spent (each label priced at its labeler's cost in the plan). */
async function progressOf(store: Store, plan: LabelingPlan): Promise<ProgramProgress> {
    const costOf = new Map(plan.labelers.map((l) => [l.name, l.cost]));
    let cost = 0;
    const tasks = [];
    for (const task of plan.tasks) {
        const people = new Set<string>();
        for (const label of await store.labels({ task: task.name })) {
            cost += costOf.get(label.labeler) ?? 0;
            if (label.labelerKind === 'human') {
                people.add(label.item);
            }
        }
        tasks.push({ task: task.name, done: people.size, planned: task.cost.items });
    }
    return { tasks, cost };
}
