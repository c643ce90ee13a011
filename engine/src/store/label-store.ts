/**
 * The label store: every label ever given, with aggregates, labeler estimates, plans, model
 * versions, evaluations and executor progress beside them, in one SQLite database (sql.js).
 *
 * Durability: each write is applied in memory inside a transaction, appended to the journal and
 * fsynced, and only then committed and acknowledged (the returned promise resolves). The whole
 * database is snapshotted (temp file, fsync, rename) on a throttle and on close; opening replays
 * the journal on top of the snapshot. One writer at a time (a lock file); readers are free.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { applyEntry, StatementCache } from './apply.js';
import type { StoreDump } from './dump.js';
import { toAggregate, toEstimate, toEvaluation, toItem, toLabel, toModel, toPlan, toStageState } from './rows.js';
import {
    StoreCorruptError,
    StoreInputError,
    type StoreLockedError,
    StoreNotFoundError,
    StoreReadonlyError,
    StoreVersionError,
} from './errors.js';
import { JournalWriter, readJournal, type JournalEntry } from './journal.js';
import { acquireLockWaiting, type LockTiming, type StoreLock } from './lock.js';
import { migrate, readMeta, readSchemaVersion, SCHEMA_VERSION, writeMeta } from './schema.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { loadSqlJs } from './sqljs.js';
import { labelWhere, type SqlDialect } from './label-where.js';
import { reopenWithRoom, ROOM_MIN_BYTES } from './room.js';
import type { Item, Label, LabelQuery, NewLabel, Split } from './types.js';
import type { Aggregate, Evaluation, LabelerEstimate, ModelVersion, StageState, StageStateQuery, StoredPlan } from './types.js';
import {
    isoTime,
    normalizeLabel,
    optionalNumber,
    optionalText,
    requireJson,
    requireNumber,
    requireSplit,
    requireText,
} from './validate.js';

/** `.dprog/labels.sqlite` in the workspace: where the store lives unless told otherwise. */

/** The journal beside a store file. */
export const journalPathOf = (storePath: string): string => `${storePath}.journal`;
/** The lock file beside a store file. */
export const lockPathOf = (storePath: string): string => `${storePath}.lock`;

export interface OpenOptions {
    /** Open for reading only: no lock is taken, nothing is written, the store must exist. */
    readonly?: boolean;
    /** Least time between a write and the snapshot that follows it (ms). Default 2000. */
    snapshotDelayMs?: number;
    /** Snapshot at once when the journal grows past this many bytes. Default 64 MiB. */
    journalLimitBytes?: number;
    /** How long to wait for another writer to release the lock (ms). Default 0: fail at once. */
    lockWaitMs?: number;
    /** Called once when the lock is busy and the open starts waiting for it. */
    onLockWait?: (busy: StoreLockedError) => void;
    /** Stops waiting for the lock (the open then fails with StoreLockedError). */
    lockSignal?: AbortSignal;
    /** Heartbeat and staleness of the lock (tests shorten them). */
    lockTiming?: LockTiming;
}

const SNAPSHOT_SEQ = 'snapshot_seq';
const DEFAULT_JOURNAL_LIMIT = 64 * 1024 * 1024;
/** Snapshots take at most about this share of the time (a large store snapshots less often). */
const SNAPSHOT_TIME_SHARE = 0.05;

interface LoadedDatabase {
    db: Database;
    seq: number;
    existed: boolean;
    migrated: boolean;
}

export class LabelStore {
    private statements: StatementCache;
    private snapshotTimer: NodeJS.Timeout | undefined;
    private lastSnapshotMs = 0;
    private dirty = false;
    private closed = false;
    /** The last background snapshot failure; thrown by close() if snapshots keep failing. */
    private snapshotError: unknown;
    /** Keeps the lock's heartbeat going during a long write (the event loop, and its beat timer, wait meanwhile). */
    private readonly beat = (): void => this.lock?.verify();
    /** A bulk write is in memory but could be made durable neither by snapshot nor by journal. */
    private broken = false;
    /** Open for appending once the store is open for writing; undefined for readers. */
    private journal: JournalWriter | undefined;

    private constructor(
        /** Absolute path of the database file. */
        readonly path: string,
        readonly readonly: boolean,
        private db: Database,
        private seq: number,
        private readonly lock: StoreLock | undefined,
        private readonly options: OpenOptions,
    ) {
        this.statements = new StatementCache(db);
    }

    /**
     * Opens the store at `path`, creating it (and its folder) when absent unless `readonly`.
     * Replays the journal left by a crash. Throws StoreLockedError if another writer holds it,
     * StoreCorruptError for a damaged file (never modifying it), StoreNotFoundError for a
     * missing store opened read-only, StoreVersionError for a store from a newer dprog.
     */
    static async open(path: string, options: OpenOptions = {}): Promise<LabelStore> {
        const SQL = await loadSqlJs();
        const storePath = resolve(path);
        const journalPath = journalPathOf(storePath);
        if (options.readonly) {
            return LabelStore.openReader(SQL, storePath, journalPath, options);
        }
        mkdirSync(dirname(storePath), { recursive: true });
        const lock = await acquireLockWaiting(storePath, lockPathOf(storePath), {
            ...options.lockTiming,
            waitMs: options.lockWaitMs ?? 0,
            onWait: options.onLockWait,
            signal: options.lockSignal,
        });
        let loaded: LoadedDatabase | undefined;
        try {
            removeStaleTempFiles(storePath);
            loaded = loadDatabase(SQL, storePath, false);
            const journal = readJournal(journalPath);
            if (journal && journal.base > loaded.seq) {
                throw newerJournal(journalPath, journal.base, loaded.seq);
            }
            const replay = journal && journal.base === loaded.seq ? journal.entries : [];
            replayEntries(loaded.db, journalPath, replay);
            const store = new LabelStore(storePath, false, loaded.db, loaded.seq, lock, options);
            const needsSnapshot =
                !loaded.existed || loaded.migrated || replay.length > 0 || journal?.tornTail === true || journal?.base !== loaded.seq;
            return store.finishOpen(journalPath, needsSnapshot);
        } catch (error) {
            loaded?.db.close();
            lock.release();
            throw error;
        }
    }

    private static openReader(SQL: SqlJsStatic, storePath: string, journalPath: string, options: OpenOptions): LabelStore {
        // A writer may snapshot between our two reads; then the journal names a newer base: read again.
        for (let attempt = 0; ; attempt++) {
            const loaded = loadDatabase(SQL, storePath, true);
            const journal = readJournal(journalPath);
            if (journal && journal.base > loaded.seq) {
                loaded.db.close();
                if (attempt < 5) {
                    continue;
                }
                throw newerJournal(journalPath, journal.base, loaded.seq);
            }
            try {
                replayEntries(loaded.db, journalPath, journal && journal.base === loaded.seq ? journal.entries : []);
            } catch (error) {
                loaded.db.close();
                throw error;
            }
            return new LabelStore(storePath, true, loaded.db, loaded.seq, undefined, options);
        }
    }

    /** Snapshots what was replayed (only then is the old journal replaced), and opens a fresh journal. */
    private finishOpen(journalPath: string, needsSnapshot: boolean): LabelStore {
        if (needsSnapshot) {
            this.seq += 1;
            writeMeta(this.db, SNAPSHOT_SEQ, String(this.seq));
            const bytes = this.db.export();
            tune(this.db);
            this.lock!.verify();
            writeSnapshot(this.path, bytes);
        }
        this.lock!.verify();
        this.journal = JournalWriter.create(journalPath, this.seq);
        return this;
    }

    // ---------------------------------------------------------------- labels

    /** Adds one label; resolves once it is durable (journaled and fsynced). See `addLabels`. */
    async addLabel(label: NewLabel): Promise<Label> {
        return (await this.addLabels([label]))[0];
    }

    /**
     * Adds labels; resolves once all are durable. A label whose `id` is already stored is left as
     * it was (so retries and re-imports are harmless) and returned as stored. `supersedes` marks an
     * earlier, current label as replaced (it is kept). A batch that was not acknowledged before a
     * crash may be partly present afterwards.
     */
    async addLabels(labels: readonly NewLabel[]): Promise<Label[]> {
        return (await this.addLabelsCounted(labels)).labels;
    }

    /** `addLabels`, saying how many labels were new (the others were stored already). */
    async addLabelsCounted(labels: readonly NewLabel[]): Promise<{ labels: Label[]; added: number }> {
        this.assertWritable();
        const rows: Label[] = [];
        const supersede: { id: string; by: string }[] = [];
        const newIds = new Map<string, Label>();
        const replacedInBatch = new Set<string>();
        // The labels to insert, and their positions in `rows` (the others are stored replacements, returned as they are).
        const toInsert: Label[] = [];
        const positions: number[] = [];
        for (const input of labels) {
            const row = normalizeLabel(this.path, input);
            if (newIds.has(row.id)) {
                throw new StoreInputError(`label id ${row.id} appears twice in one batch`, this.path);
            }
            if (input.supersedes !== undefined) {
                // Only a replacement is looked up first (a re-sent one must not replace twice); other
                // labels are inserted or ignored, and the database says which were new.
                const existing = this.getLabel(row.id);
                if (existing) {
                    rows.push(existing);
                    continue;
                }
                const old = this.getLabel(input.supersedes) ?? newIds.get(input.supersedes);
                if (!old) {
                    throw new StoreInputError(`label ${row.id} supersedes ${input.supersedes}, which is not in the store`, this.path);
                }
                if (old.supersededBy !== undefined || replacedInBatch.has(old.id)) {
                    throw new StoreInputError(
                        `label ${input.supersedes} is already superseded${old.supersededBy ? ` by ${old.supersededBy}` : ''}; ` +
                            `supersede the current label instead`,
                        this.path,
                    );
                }
                replacedInBatch.add(old.id);
                supersede.push({ id: old.id, by: row.id });
            }
            newIds.set(row.id, row);
            positions.push(rows.length);
            toInsert.push(row);
            rows.push(row);
        }
        let added = 0;
        if (toInsert.length > 0) {
            const inserted = this.write({ op: 'labels', labels: toInsert, supersede });
            for (let i = 0; i < positions.length; i++) {
                if (inserted[i]) {
                    added++;
                } else {
                    rows[positions[i]] = this.getLabel(toInsert[i].id)!;
                }
            }
        }
        for (const mark of supersede) {
            const old = newIds.get(mark.id);
            if (old) {
                old.supersededBy = mark.by;
            }
        }
        return { labels: rows, added };
    }

    /** Replaces label `oldId` by `replacement` (same task and item by default); the old label is kept, marked superseded. */
    async supersede(
        oldId: string,
        replacement: Omit<NewLabel, 'supersedes' | 'task' | 'item'> & Partial<Pick<NewLabel, 'task' | 'item'>>,
    ): Promise<Label> {
        const old = this.getLabel(oldId);
        if (!old) {
            throw new StoreInputError(`label ${oldId} is not in the store`, this.path);
        }
        return this.addLabel({ task: old.task, item: old.item, ...replacement, supersedes: oldId });
    }

    /**
     * Marks current labels as superseded without a replacement (a program migration re-asks or
     * invalidates them): they stay in the store, with `supersededBy` set to `by` (e.g.
     * `migration:Prog@2`), and leave the current labels. Labels already superseded are left as they are.
     */
    async retireLabels(ids: readonly string[], by: string): Promise<void> {
        this.assertWritable();
        requireText(this.path, 'retired by', by);
        if (ids.length === 0) {
            return;
        }
        this.write({ op: 'labels', labels: [], supersede: ids.map((id) => ({ id, by })) });
    }

    /** The label with this id (superseded or not). */
    getLabel(id: string): Label | undefined {
        // Cached: addLabels looks up every id it is given.
        const statement = this.statements.get(`SELECT * FROM labels WHERE id = ?`);
        try {
            statement.bind([id]);
            return statement.step() ? toLabel(statement.getAsObject()) : undefined;
        } finally {
            statement.reset();
        }
    }

    /** Labels matching the query, in the order they were added. Superseded labels only with `includeSuperseded`. */
    labels(query: LabelQuery = {}): Label[] {
        const result: Label[] = [];
        this.forEachLabel(query, (label) => result.push(label));
        return result;
    }

    /**
     * Calls `visit` for each matching label in the order added, without building an array (for
     * large exports). `visit` must not write to the store (a snapshot would end the iteration).
     */
    forEachLabel(query: LabelQuery, visit: (label: Label) => void): void {
        const { where, params } = labelWhere(query, SQLITE);
        const statement = this.db.prepare(`SELECT * FROM labels${where} ORDER BY rowid`, params);
        try {
            while (statement.step()) {
                visit(toLabel(statement.getAsObject()));
            }
        } finally {
            statement.free();
        }
    }

    /** Number of labels matching the query. */
    countLabels(query: LabelQuery = {}): number {
        const { where, params } = labelWhere(query, SQLITE);
        return Number(this.select(`SELECT COUNT(*) AS n FROM labels${where}`, params)[0].n);
    }

    /** Number of labels matching the query, per labeler. */
    countLabelsByLabeler(query: LabelQuery = {}): Record<string, number> {
        const { where, params } = labelWhere(query, SQLITE);
        const counts = this.select(`SELECT labeler, COUNT(*) AS n FROM labels${where} GROUP BY labeler`, params);
        return Object.fromEntries(counts.map((row) => [String(row.labeler), Number(row.n)]));
    }

    /** Every label ever given for one item of a task, superseded ones included, oldest first. */
    history(task: string, item: string): Label[] {
        return this.labels({ task, item, includeSuperseded: true });
    }

    /** Names of the tasks that have labels. */
    tasks(): string[] {
        return this.select(`SELECT DISTINCT task FROM labels ORDER BY task`).map((row) => String(row.task));
    }

    // ---------------------------------------------------------------- items

    /** Adds items, or updates the split and content hash of known ones. Resolves once durable. */
    async addItems(items: readonly Item[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const rows = items.map((item) => ({
            dataset: requireText(this.path, 'item dataset', item.dataset),
            key: requireText(this.path, 'item key', item.key),
            split: requireSplit(this.path, item.split ?? 'train'),
            contentHash: optionalText(this.path, 'item content hash', item.contentHash),
            addedAt: item.addedAt ?? now,
        }));
        if (rows.length > 0) {
            this.write({ op: 'items', items: rows });
        }
    }

    getItem(dataset: string, key: string): Item | undefined {
        const rows = this.select(`SELECT * FROM items WHERE dataset = ? AND key = ?`, [dataset, key]);
        return rows.length === 0 ? undefined : toItem(rows[0]);
    }

    /** Items of a dataset (optionally one split), in the order added. */
    items(dataset: string, split?: Split): Item[] {
        return split === undefined
            ? this.select(`SELECT * FROM items WHERE dataset = ? ORDER BY rowid`, [dataset]).map(toItem)
            : this.select(`SELECT * FROM items WHERE dataset = ? AND split = ? ORDER BY rowid`, [dataset, split]).map(toItem);
    }

    // ---------------------------------------------------------------- aggregates

    /** Stores (replaces) the aggregated answer of each (task, item). Resolves once durable. */
    async setAggregates(aggregates: readonly Aggregate[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const rows = aggregates.map((a) => {
            requireJson(this.path, 'aggregate value', a.value);
            const confidence = requireNumber(this.path, 'aggregate confidence', a.confidence);
            if (confidence < 0 || confidence > 1) {
                throw new StoreInputError(`aggregate confidence must be in [0, 1] (got ${confidence})`, this.path);
            }
            return {
                task: requireText(this.path, 'aggregate task', a.task),
                item: requireText(this.path, 'aggregate item', a.item),
                value: a.value,
                confidence,
                method: requireText(this.path, 'aggregate method', a.method),
                answers: requireNumber(this.path, 'aggregate answers', a.answers),
                updatedAt: a.updatedAt ?? now,
            };
        });
        if (rows.length > 0) {
            this.write({ op: 'aggregates', aggregates: rows });
        }
    }

    getAggregate(task: string, item: string): Aggregate | undefined {
        const rows = this.select(`SELECT * FROM aggregates WHERE task = ? AND item = ?`, [task, item]);
        return rows.length === 0 ? undefined : toAggregate(rows[0]);
    }

    /** Every aggregate of a task, by item key. */
    aggregates(task: string): Aggregate[] {
        return this.select(`SELECT * FROM aggregates WHERE task = ? ORDER BY item`, [task]).map(toAggregate);
    }

    // ---------------------------------------------------------------- labeler estimates

    /** Stores (replaces) labeler estimates. Resolves once durable. */
    async setLabelerEstimates(estimates: readonly LabelerEstimate[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const rows = estimates.map((e) => ({
            labeler: requireText(this.path, 'estimate labeler', e.labeler),
            task: requireText(this.path, 'estimate task', e.task),
            accuracy: requireNumber(this.path, 'estimate accuracy', e.accuracy),
            confusion: e.confusion,
            n: requireNumber(this.path, 'estimate n', e.n),
            updatedAt: e.updatedAt ?? now,
        }));
        if (rows.length > 0) {
            this.write({ op: 'estimates', estimates: rows });
        }
    }

    getLabelerEstimate(labeler: string, task: string): LabelerEstimate | undefined {
        const rows = this.select(`SELECT * FROM labeler_estimates WHERE labeler = ? AND task = ?`, [labeler, task]);
        return rows.length === 0 ? undefined : toEstimate(rows[0]);
    }

    /** Estimates of every labeler (of one task when given). */
    labelerEstimates(task?: string): LabelerEstimate[] {
        return task === undefined
            ? this.select(`SELECT * FROM labeler_estimates ORDER BY task, labeler`).map(toEstimate)
            : this.select(`SELECT * FROM labeler_estimates WHERE task = ? ORDER BY labeler`, [task]).map(toEstimate);
    }

    // ---------------------------------------------------------------- plans

    /** Stores a compiled plan for (program, version), replacing one with the same version. */
    async savePlan(plan: StoredPlan): Promise<void> {
        this.assertWritable();
        requireJson(this.path, 'plan', plan.plan);
        this.write({
            op: 'plan',
            plan: {
                program: requireText(this.path, 'plan program', plan.program),
                version: requireText(this.path, 'plan version', plan.version),
                plan: plan.plan,
                contentHash: requireText(this.path, 'plan content hash', plan.contentHash),
                compiledAt: isoTime(this.path, 'plan compiledAt', plan.compiledAt),
            },
        });
    }

    /** The plan of `program` at `version`, or its most recently compiled one. */
    getPlan(program: string, version?: string): StoredPlan | undefined {
        const rows =
            version === undefined
                ? this.select(`SELECT * FROM plans WHERE program = ? ORDER BY compiled_at DESC, rowid DESC LIMIT 1`, [program])
                : this.select(`SELECT * FROM plans WHERE program = ? AND version = ?`, [program, version]);
        return rows.length === 0 ? undefined : toPlan(rows[0]);
    }

    /** Names of the programs with a stored plan. */
    planPrograms(): string[] {
        return this.select(`SELECT DISTINCT program FROM plans ORDER BY program`).map((row) => String(row.program));
    }

    /** Every stored version of a program's plan, oldest first. */
    planVersions(program: string): StoredPlan[] {
        return this.select(`SELECT * FROM plans WHERE program = ? ORDER BY compiled_at, rowid`, [program]).map(toPlan);
    }

    // ---------------------------------------------------------------- model versions

    /** Records a trained version of a model labeler (a point of its learning curve). */
    async addModelVersion(model: ModelVersion): Promise<void> {
        this.assertWritable();
        this.write({
            op: 'model',
            model: {
                labeler: requireText(this.path, 'model labeler', model.labeler),
                version: requireText(this.path, 'model version', model.version),
                onnxPath: requireText(this.path, 'model onnxPath', model.onnxPath),
                validationAccuracy: optionalNumber(this.path, 'model validationAccuracy', model.validationAccuracy),
                labelsUsed: requireNumber(this.path, 'model labelsUsed', model.labelsUsed),
                createdAt: isoTime(this.path, 'model createdAt', model.createdAt),
            },
        });
    }

    /** A model labeler's versions, oldest first: its learning curve. */
    modelVersions(labeler: string): ModelVersion[] {
        return this.select(`SELECT * FROM model_versions WHERE labeler = ? ORDER BY created_at, rowid`, [labeler]).map(toModel);
    }

    // ---------------------------------------------------------------- evaluations

    /** Records an evaluation of a model on a split; returns it with its id and time. */
    async recordEvaluation(
        evaluation: Evaluation,
    ): Promise<Required<Omit<Evaluation, 'programVersion'>> & Pick<Evaluation, 'programVersion'>> {
        this.assertWritable();
        const row = {
            id: optionalText(this.path, 'evaluation id', evaluation.id) ?? randomUUID(),
            programVersion: optionalText(this.path, 'evaluation programVersion', evaluation.programVersion),
            model: requireText(this.path, 'evaluation model', evaluation.model),
            split: requireSplit(this.path, evaluation.split),
            accuracy: requireNumber(this.path, 'evaluation accuracy', evaluation.accuracy),
            at: isoTime(this.path, 'evaluation at', evaluation.at),
        };
        this.write({ op: 'evaluation', evaluation: row });
        return row;
    }

    /** Evaluations, oldest first, filtered by model, split and program version when given. */
    evaluations(filter: { model?: string; split?: Split; programVersion?: string } = {}): Evaluation[] {
        const clauses: string[] = [];
        const params: SqlValue[] = [];
        for (const [column, value] of [
            ['model', filter.model],
            ['split', filter.split],
            ['program_version', filter.programVersion],
        ] as const) {
            if (value !== undefined) {
                clauses.push(`${column} = ?`);
                params.push(value);
            }
        }
        const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
        return this.select(`SELECT * FROM evaluations${where} ORDER BY at, rowid`, params).map(toEvaluation);
    }

    // ---------------------------------------------------------------- stage states

    /** Stores (replaces) the state of items in stages of a run. Resolves once durable. */
    async setStageStates(states: readonly StageState[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const rows = states.map((s) => ({
            run: requireText(this.path, 'stage run', s.run),
            stage: requireText(this.path, 'stage name', s.stage),
            item: requireText(this.path, 'stage item', s.item),
            status: requireText(this.path, 'stage status', s.status),
            detail: s.detail,
            updatedAt: s.updatedAt ?? now,
        }));
        if (rows.length > 0) {
            this.write({ op: 'stages', states: rows });
        }
    }

    /** Stage states of a run, filtered by stage and status when given. */
    stageStates(query: StageStateQuery): StageState[] {
        const clauses = ['run = ?'];
        const params: SqlValue[] = [query.run];
        if (query.stage !== undefined) {
            clauses.push('stage = ?');
            params.push(query.stage);
        }
        if (query.status !== undefined) {
            clauses.push('status = ?');
            params.push(query.status);
        }
        return this.select(`SELECT * FROM stage_states WHERE ${clauses.join(' AND ')} ORDER BY stage, item`, params).map(toStageState);
    }

    /** Number of items per status in one stage of a run. */
    stageCounts(run: string, stage: string): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const row of this.select(`SELECT status, COUNT(*) AS n FROM stage_states WHERE run = ? AND stage = ? GROUP BY status`, [
            run,
            stage,
        ])) {
            counts[String(row.status)] = Number(row.n);
        }
        return counts;
    }

    // ---------------------------------------------------------------- whole store

    /** Every row of every table, labels in the order added (for `dprog store copy`). */
    dump(): StoreDump {
        const all = (table: string) => this.select(`SELECT * FROM ${table} ORDER BY rowid`);
        return {
            labels: all('labels').map(toLabel),
            items: all('items').map(toItem),
            aggregates: all('aggregates').map(toAggregate),
            estimates: all('labeler_estimates').map(toEstimate),
            plans: all('plans').map(toPlan),
            models: all('model_versions').map(toModel),
            evaluations: all('evaluations').map(toEvaluation),
            stages: all('stage_states').map(toStageState),
        };
    }

    /** Adds a dump's rows as they are (ids, times and supersede links kept; rows already here stay). Resolves once durable. */
    async load(dump: StoreDump): Promise<void> {
        this.assertWritable();
        const withTime = <T extends object, K extends keyof T>(rows: T[], key: K) =>
            rows.map((row) => ({ ...row, [key]: row[key] ?? '' })) as (T & Required<Pick<T, K>>)[];
        const entries: JournalEntry[] = [
            { op: 'items', items: withTime(dump.items, 'addedAt') },
            { op: 'labels', labels: dump.labels, supersede: [] },
            { op: 'aggregates', aggregates: withTime(dump.aggregates, 'updatedAt') },
            { op: 'estimates', estimates: withTime(dump.estimates, 'updatedAt') },
            { op: 'stages', states: withTime(dump.stages, 'updatedAt') },
            ...withTime(dump.plans, 'compiledAt').map((plan) => ({ op: 'plan' as const, plan })),
            ...withTime(dump.models, 'createdAt').map((model) => ({ op: 'model' as const, model })),
            ...dump.evaluations.map((e) => ({ op: 'evaluation' as const, evaluation: { ...e, id: e.id ?? randomUUID(), at: e.at ?? '' } })),
        ];
        for (const entry of entries) {
            const empty =
                ('labels' in entry && entry.labels.length === 0) ||
                ('items' in entry && entry.items.length === 0) ||
                ('aggregates' in entry && entry.aggregates.length === 0) ||
                ('estimates' in entry && entry.estimates.length === 0) ||
                ('states' in entry && entry.states.length === 0);
            if (!empty) {
                this.write(entry);
            }
        }
    }

    /** Number of labels (superseded included) per task. */
    countsPerTask(): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const row of this.select(`SELECT task, COUNT(*) AS n FROM labels GROUP BY task ORDER BY task`)) {
            counts[String(row.task)] = Number(row.n);
        }
        return counts;
    }

    // ---------------------------------------------------------------- maintenance

    /** SQLite's `PRAGMA integrity_check` on the in-memory database: `['ok']` when sound. */
    integrityCheck(): string[] {
        return this.select(`PRAGMA integrity_check`).map((row) => String(Object.values(row)[0]));
    }

    /** The schema version of this store. */
    get schemaVersion(): number {
        return readSchemaVersion(this.db);
    }

    /** Writes a snapshot now and empties the journal (normally done on a throttle and on close). */
    async snapshot(): Promise<void> {
        this.assertWritable();
        this.snapshotNow();
    }

    /** Snapshots pending writes, releases the lock and closes. Safe to call twice. */
    async close(): Promise<void> {
        if (this.closed) {
            return;
        }
        this.closed = true;
        clearTimeout(this.snapshotTimer);
        try {
            if (!this.readonly && this.dirty) {
                this.snapshotNow();
            }
        } finally {
            this.statements.clear();
            this.journal?.close();
            this.db.close();
            this.lock?.release();
        }
    }

    // ---------------------------------------------------------------- internals

    private assertWritable(): void {
        if (this.closed) {
            throw new StoreReadonlyError(this.path, 'closed');
        }
        if (this.readonly || !this.journal) {
            throw new StoreReadonlyError(this.path, 'readonly');
        }
    }

    /**
     * Apply in a transaction, journal and fsync, then commit: a write is visible only once durable.
     * Returns, for a labels entry, which labels were new (the journal keeps only those).
     */
    private write(entry: JournalEntry): boolean[] {
        if (this.broken) {
            throw new StoreReadonlyError(this.path, 'broken');
        }
        const bytes = entry.op === 'labels' && entry.labels.length >= 1000 ? journalBytes(entry.labels) : 0;
        if (bytes > (this.options.journalLimitBytes ?? DEFAULT_JOURNAL_LIMIT)) {
            return this.writeBulk(entry, bytes);
        }
        const inserted: boolean[] = [];
        this.db.run('BEGIN');
        try {
            applyEntry(this.statements, entry, inserted, this.beat);
            this.lock!.verify();
            this.journal!.append([onlyInserted(entry, inserted)]);
            this.db.run('COMMIT');
        } catch (error) {
            this.db.run('ROLLBACK');
            throw error;
        }
        this.dirty = true;
        this.scheduleSnapshot();
        return inserted;
    }

    /** Before a large batch: the database in a buffer with room for it (see room.ts); its journal size is a generous estimate. */
    private makeRoom(bytes: number): void {
        if (bytes < ROOM_MIN_BYTES) {
            return;
        }
        this.statements.clear();
        this.db = reopenWithRoom(this.db, bytes);
        tune(this.db);
        this.statements = new StatementCache(this.db);
    }

    /**
     * A bulk write is made durable by a snapshot instead of the journal: the snapshot would follow
     * at once anyway, and writing the batch twice (journal, then file) is most of a bulk import's
     * cost. Should the snapshot fail, the batch goes to the journal after all; should that fail
     * too, memory holds labels the disk does not, so the store refuses further writes.
     */
    private writeBulk(entry: JournalEntry, journalBytes: number): boolean[] {
        const inserted: boolean[] = [];
        this.makeRoom(journalBytes);
        this.db.run('BEGIN');
        try {
            applyEntry(this.statements, entry, inserted, this.beat);
            this.db.run('COMMIT');
        } catch (error) {
            this.db.run('ROLLBACK');
            throw error;
        }
        this.dirty = true;
        try {
            this.snapshotNow();
        } catch (snapshotError) {
            try {
                this.lock!.verify();
                this.journal!.append([onlyInserted(entry, inserted)]);
            } catch {
                this.broken = true;
                throw snapshotError;
            }
            this.snapshotError = snapshotError;
        }
        return inserted;
    }

    private scheduleSnapshot(): void {
        if (this.journal!.bytes > (this.options.journalLimitBytes ?? DEFAULT_JOURNAL_LIMIT)) {
            try {
                this.snapshotNow();
            } catch (error) {
                // The write itself is durable in the journal; the snapshot is retried on the next write.
                this.snapshotError = error;
            }
            return;
        }
        if (this.snapshotTimer) {
            return;
        }
        const delay = Math.max(this.options.snapshotDelayMs ?? 2000, this.lastSnapshotMs / SNAPSHOT_TIME_SHARE);
        this.snapshotTimer = setTimeout(() => {
            this.snapshotTimer = undefined;
            try {
                this.snapshotNow();
                this.snapshotError = undefined;
            } catch (error) {
                // The journal still holds every acknowledged write; the next write retries.
                this.snapshotError = error;
            }
        }, delay);
        this.snapshotTimer.unref();
    }

    private snapshotNow(): void {
        clearTimeout(this.snapshotTimer);
        this.snapshotTimer = undefined;
        const started = performance.now();
        this.seq += 1;
        writeMeta(this.db, SNAPSHOT_SEQ, String(this.seq));
        // export() frees prepared statements behind our back; free them first.
        this.statements.clear();
        let bytes: Uint8Array;
        try {
            bytes = this.db.export();
        } finally {
            tune(this.db);
        }
        // Never replace the file or empty the journal unless the store is still ours.
        this.lock!.verify();
        writeSnapshot(this.path, bytes);
        this.lock!.verify();
        this.journal!.reset(this.seq);
        this.dirty = false;
        this.lastSnapshotMs = performance.now() - started;
    }

    /** Error of the last background snapshot, if it failed (the journal keeps the data safe meanwhile). */
    get lastSnapshotError(): unknown {
        return this.snapshotError;
    }

    private select(sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
        const statement = this.db.prepare(sql, params);
        const rows: Record<string, SqlValue>[] = [];
        try {
            while (statement.step()) {
                rows.push(statement.getAsObject());
            }
        } finally {
            statement.free();
        }
        return rows;
    }
}

/** A labels entry narrowed to the labels that were new (re-sent ones need no journal line). */
function onlyInserted(entry: JournalEntry, inserted: boolean[]): JournalEntry {
    if (entry.op !== 'labels' || inserted.every(Boolean)) {
        return entry;
    }
    return { ...entry, labels: entry.labels.filter((_, i) => inserted[i]) };
}

// -------------------------------------------------------------------- loading

/**
 * The bytes a batch of labels would take in the journal (estimated from a sample of 100 labels; the
 * batch is not empty): a batch past the journal limit is written in bulk.
 */
function journalBytes(labels: readonly Label[]): number {
    const sample = labels.slice(0, 100);
    return (JSON.stringify(sample).length / sample.length) * labels.length;
}

/**
 * Connection settings for a database that lives in memory and is made durable by our journal:
 * SQLite's own rollback journal stays in memory, and the lock is held once taken (otherwise every
 * statement outside a transaction probes sql.js's virtual file system for a hot journal, which
 * costs more than the statement). `db.export()` resets them, so they are applied again after it.
 */
function tune(db: Database): void {
    db.run('PRAGMA journal_mode = MEMORY');
    db.run('PRAGMA locking_mode = EXCLUSIVE');
}

function loadDatabase(SQL: SqlJsStatic, path: string, readonly: boolean): LoadedDatabase {
    const bytes = readSnapshot(path);
    if (!bytes && readonly) {
        throw new StoreNotFoundError(path);
    }
    let db: Database;
    try {
        db = bytes ? new SQL.Database(bytes) : new SQL.Database();
    } catch (error) {
        throw new StoreCorruptError(path, `SQLite cannot open it (${(error as Error).message})`);
    }
    try {
        if (bytes) {
            checkIntegrity(db, path);
        }
        tune(db);
        const version = readSchemaVersion(db);
        if (version > SCHEMA_VERSION) {
            throw new StoreVersionError(path, version, SCHEMA_VERSION);
        }
        if (bytes && version === 0 && db.exec(`SELECT 1 FROM sqlite_master LIMIT 1`).length > 0) {
            throw new StoreCorruptError(path, 'it is an SQLite database but not a dprog label store (no schema version)');
        }
        const migrated = migrate(db).length > 0;
        return { db, seq: Number(readMeta(db, SNAPSHOT_SEQ) ?? 0), existed: bytes !== undefined, migrated };
    } catch (error) {
        db.close();
        throw error;
    }
}

/**
 * Temporary files (`<store>.tmp-<pid>`, `<journal>.tmp-<pid>`) left by a writer that died mid-snapshot; we hold the
 * lock, so they are nobody's.
 */
function removeStaleTempFiles(storePath: string): void {
    const folder = dirname(storePath);
    const prefixes = [`${basename(storePath)}.tmp-`, `${basename(journalPathOf(storePath))}.tmp-`];
    // A lock being written, or a takeover claim, left by a contender that died (lock.ts).
    const lockLeftovers = [`${basename(lockPathOf(storePath))}.new-`, `${basename(lockPathOf(storePath))}.takeover-`];
    for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (prefixes.some((prefix) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))) {
            rmSync(path, { force: true });
        } else if (
            lockLeftovers.some((prefix) => name.startsWith(prefix)) &&
            Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 60_000
        ) {
            rmSync(path, { force: true, recursive: true });
        }
    }
}

function checkIntegrity(db: Database, path: string): void {
    let problems: string[];
    try {
        const result = db.exec('PRAGMA quick_check');
        problems = result.length === 0 ? ['no answer'] : result[0].values.map((row) => String(row[0]));
    } catch (error) {
        throw new StoreCorruptError(path, `SQLite reports: ${(error as Error).message}`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
        throw new StoreCorruptError(path, `SQLite's integrity check failed: ${problems.slice(0, 3).join('; ')}`);
    }
}

function replayEntries(db: Database, journalPath: string, entries: JournalEntry[]): void {
    if (entries.length === 0) {
        return;
    }
    const statements = new StatementCache(db);
    db.run('BEGIN');
    try {
        for (const entry of entries) {
            applyEntry(statements, entry);
        }
        db.run('COMMIT');
    } catch (error) {
        db.run('ROLLBACK');
        throw new StoreCorruptError(journalPath, `an entry cannot be replayed (${(error as Error).message})`);
    } finally {
        statements.clear();
    }
}

function newerJournal(journalPath: string, base: number, seq: number): StoreCorruptError {
    return new StoreCorruptError(
        journalPath,
        `the journal continues snapshot ${base} but the database file is at snapshot ${seq}, so the database was replaced by an ` +
            `older copy; ` +
            'restore the newer database, or move the journal aside to keep the older one',
    );
}

// -------------------------------------------------------------------- rows

/** SQLite's placeholders; gold as 1/0. */
const SQLITE: SqlDialect<number> = { placeholder: () => '?', flag: (value) => (value ? 1 : 0) };
