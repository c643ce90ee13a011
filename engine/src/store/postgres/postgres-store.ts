/**
 * The label store on PostgreSQL, for a team: many processes write at once. A label's id is its
 * identity (re-sending is harmless: ON CONFLICT DO NOTHING); a batch is one transaction, and a
 * write resolves after COMMIT, i.e. once the server has flushed it to its write-ahead log.
 * Replacing a label that someone else replaced meanwhile fails (no lost update).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { StoreDump } from '../dump.js';
import { StoreError, StoreInputError, StoreReadonlyError } from '../errors.js';
import type { Lease, LeaseRequest } from '../leases.js';
import type { Store } from '../store.js';
import type { Item, Label, LabelQuery, NewLabel, Split } from '../types.js';
import type { Aggregate, Evaluation, LabelerEstimate, ModelVersion, StageState, StageStateQuery, StoredPlan } from '../types.js';
import { isoTime, normalizeLabel, optionalNumber, optionalText, requireNumber, requireSplit, requireText } from '../validate.js';
import { connectionError, type PostgresLocation } from './connection.js';
import { leaseStatements, PREPARE_LEASE } from './lease-sql.js';
import * as rows from './rows.js';
import { ensurePgSchema } from './schema.js';

export interface PostgresOpenOptions {
    readonly?: boolean;
    /** The password when it comes from elsewhere than PGPASSWORD or ~/.pgpass (VS Code's SecretStorage). */
    password?: string;
    /** Connections kept open at most. Default 4. */
    maxConnections?: number;
}

export class PostgresStore implements Store {
    readonly backend = 'postgres' as const;
    private closed = false;
    /** The pool's connections on which the lease statement is prepared. */
    private readonly leasePrepared = new WeakSet<pg.PoolClient>();

    private constructor(
        readonly location: string,
        readonly readonly: boolean,
        readonly schemaVersion: number,
        private readonly pool: pg.Pool,
    ) {}

    /** Connects, creating or upgrading the schema unless read-only. */
    static async open(where: PostgresLocation, options: PostgresOpenOptions = {}): Promise<PostgresStore> {
        const config = { connectionString: withPassword(where.url, options.password) };
        // The schema is checked on a client of our own: a failed login leaves a pool's socket open
        // (the process would wait for the server's authentication timeout), a client's end() closes it.
        const client = new pg.Client(config);
        let version: number;
        try {
            await client.connect();
            version = await ensurePgSchema(client, where.display, options.readonly === true);
        } catch (error) {
            throw error instanceof StoreError ? error : connectionError(where.display, error);
        } finally {
            await client.end().catch(() => undefined);
        }
        const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 4 });
        pool.on('error', () => undefined); // an idle connection dropped by the server: the next query reconnects
        return new PostgresStore(where.display, options.readonly === true, version, pool);
    }

    // ---------------------------------------------------------------- labels

    async addLabels(inputs: readonly NewLabel[]): Promise<Label[]> {
        return (await this.addLabelsCounted(inputs)).labels;
    }

    async addLabelsCounted(inputs: readonly NewLabel[]): Promise<{ labels: Label[]; added: number }> {
        this.assertWritable();
        const labels = inputs.map((input) => normalizeLabel(this.location, input));
        const ids = new Set<string>();
        for (const label of labels) {
            if (ids.has(label.id)) {
                throw new StoreInputError(`label id ${label.id} appears twice in one batch`, this.location);
            }
            ids.add(label.id);
        }
        const write = async (client: rows.Queryable) => {
            const inserted = new Set<string>();
            for (let start = 0; start < labels.length; start += rows.LABELS_PER_STATEMENT) {
                for (const id of await rows.insertLabelsEndingLeases(client, labels.slice(start, start + rows.LABELS_PER_STATEMENT))) {
                    inserted.add(id);
                }
            }
            for (const [i, input] of inputs.entries()) {
                if (input.supersedes !== undefined && inserted.has(labels[i].id)) {
                    await this.markSuperseded(client, input.supersedes, labels[i].id);
                }
            }
            return inserted;
        };
        // A small batch without replacements is one statement: one round trip, atomic on its own.
        const oneStatement = labels.length <= rows.LABELS_PER_STATEMENT && inputs.every((input) => input.supersedes === undefined);
        const inserted = oneStatement ? await this.guarded(() => write(this.pool)) : await this.transaction(write);
        const missing = labels.filter((l) => !inserted.has(l.id)).map((l) => l.id);
        const stored = missing.length > 0 ? await this.storedLabels(missing) : new Map<string, Label>();
        const result = labels.map((l) => (inserted.has(l.id) ? l : stored.get(l.id)!));
        return { labels: this.withSupersedeMarks(result, inputs), added: inserted.size };
    }

    async addLabel(label: NewLabel): Promise<Label> {
        return (await this.addLabels([label]))[0];
    }

    async supersede(
        oldId: string,
        replacement: Omit<NewLabel, 'supersedes' | 'task' | 'item'> & Partial<Pick<NewLabel, 'task' | 'item'>>,
    ): Promise<Label> {
        const old = await this.getLabel(oldId);
        if (!old) {
            throw new StoreInputError(`label ${oldId} is not in the store`, this.location);
        }
        return this.addLabel({ task: old.task, item: old.item, ...replacement, supersedes: oldId });
    }

    /** One statement: a label someone superseded meanwhile keeps their mark. */
    async retireLabels(ids: readonly string[], by: string): Promise<void> {
        this.assertWritable();
        requireText(this.location, 'retired by', by);
        if (ids.length > 0) {
            await this.query(`UPDATE labels SET superseded_by = $1 WHERE id = ANY($2::text[]) AND superseded_by IS NULL`, [by, [...ids]]);
        }
    }

    async getLabel(id: string): Promise<Label | undefined> {
        const result = await this.query(`SELECT * FROM labels WHERE id = $1`, [id]);
        return result.rows.length ? rows.toLabel(result.rows[0]) : undefined;
    }

    async labels(query: LabelQuery = {}): Promise<Label[]> {
        const { where, params } = rows.labelWhere(query);
        return (await this.query(`SELECT * FROM labels${where} ORDER BY seq`, params)).rows.map(rows.toLabel);
    }

    async countLabels(query: LabelQuery = {}): Promise<number> {
        const { where, params } = rows.labelWhere(query);
        return Number((await this.query(`SELECT COUNT(*) AS n FROM labels${where}`, params)).rows[0].n);
    }

    async countLabelsByLabeler(query: LabelQuery = {}): Promise<Record<string, number>> {
        const { where, params } = rows.labelWhere(query);
        const counts = await this.query(`SELECT labeler, COUNT(*) AS n FROM labels${where} GROUP BY labeler`, params);
        return Object.fromEntries(counts.rows.map((row) => [String(row.labeler), Number(row.n)]));
    }

    async tasks(): Promise<string[]> {
        return (await this.query(`SELECT DISTINCT task FROM labels ORDER BY task`)).rows.map((row) => String(row.task));
    }

    // ---------------------------------------------------------------- items, aggregates, estimates

    async addItems(items: readonly Item[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const checked = items.map((item) => ({
            dataset: requireText(this.location, 'item dataset', item.dataset),
            key: requireText(this.location, 'item key', item.key),
            split: requireSplit(this.location, item.split ?? 'train'),
            contentHash: optionalText(this.location, 'item content hash', item.contentHash),
            addedAt: item.addedAt ?? now,
        }));
        const key = (i: Item) => JSON.stringify([i.dataset, i.key]);
        // An item given twice keeps the time it was first added (as in the embedded store), the rest from its last mention.
        const firstAdded = new Map([...checked].reverse().map((i) => [key(i), i.addedAt]));
        await this.upsert(
            rows.ITEMS,
            rows.lastPerKey(checked, key).map((i) => ({ ...i, addedAt: firstAdded.get(key(i)) })),
        );
    }

    async items(dataset: string, split?: Split): Promise<Item[]> {
        const result =
            split === undefined
                ? await this.query(`SELECT * FROM items WHERE dataset = $1 ORDER BY seq`, [dataset])
                : await this.query(`SELECT * FROM items WHERE dataset = $1 AND split = $2 ORDER BY seq`, [dataset, split]);
        return result.rows.map(rows.toItem);
    }

    /** Replaces the aggregates of the given (task, item)s in one transaction. */
    async setAggregates(aggregates: readonly Aggregate[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const checked = aggregates.map((a) => {
            const confidence = requireNumber(this.location, 'aggregate confidence', a.confidence);
            if (confidence < 0 || confidence > 1) {
                throw new StoreInputError(`aggregate confidence must be in [0, 1] (got ${confidence})`, this.location);
            }
            return {
                ...a,
                confidence,
                task: requireText(this.location, 'aggregate task', a.task),
                item: requireText(this.location, 'aggregate item', a.item),
                updatedAt: a.updatedAt ?? now,
            };
        });
        await this.upsert(
            rows.AGGREGATES,
            rows.lastPerKey(checked, (a) => JSON.stringify([a.task, a.item])),
        );
    }

    async getAggregate(task: string, item: string): Promise<Aggregate | undefined> {
        const result = await this.query(`SELECT * FROM aggregates WHERE task = $1 AND item = $2`, [task, item]);
        return result.rows.length ? rows.toAggregate(result.rows[0]) : undefined;
    }

    async aggregates(task: string): Promise<Aggregate[]> {
        return (await this.query(`SELECT * FROM aggregates WHERE task = $1 ORDER BY item`, [task])).rows.map(rows.toAggregate);
    }

    async setLabelerEstimates(estimates: readonly LabelerEstimate[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        const checked = estimates.map((e) => ({
            ...e,
            labeler: requireText(this.location, 'estimate labeler', e.labeler),
            task: requireText(this.location, 'estimate task', e.task),
            accuracy: requireNumber(this.location, 'estimate accuracy', e.accuracy),
            n: requireNumber(this.location, 'estimate n', e.n),
            updatedAt: e.updatedAt ?? now,
        }));
        await this.upsert(
            rows.ESTIMATES,
            rows.lastPerKey(checked, (e) => JSON.stringify([e.labeler, e.task])),
        );
    }

    async labelerEstimates(task?: string): Promise<LabelerEstimate[]> {
        const result =
            task === undefined
                ? await this.query(`SELECT * FROM labeler_estimates ORDER BY task, labeler`)
                : await this.query(`SELECT * FROM labeler_estimates WHERE task = $1 ORDER BY labeler`, [task]);
        return result.rows.map(rows.toEstimate);
    }

    // ---------------------------------------------------------------- plans, models, evaluations, stages

    async savePlan(plan: StoredPlan): Promise<void> {
        this.assertWritable();
        await this.upsert(rows.PLANS, [
            {
                ...plan,
                program: requireText(this.location, 'plan program', plan.program),
                compiledAt: isoTime(this.location, 'plan compiledAt', plan.compiledAt),
            },
        ]);
    }

    async getPlan(program: string, version?: string): Promise<StoredPlan | undefined> {
        const result =
            version === undefined
                ? await this.query(`SELECT * FROM plans WHERE program = $1 ORDER BY compiled_at DESC, seq DESC LIMIT 1`, [program])
                : await this.query(`SELECT * FROM plans WHERE program = $1 AND version = $2`, [program, version]);
        return result.rows.length ? rows.toPlan(result.rows[0]) : undefined;
    }

    async planPrograms(): Promise<string[]> {
        return (await this.query(`SELECT DISTINCT program FROM plans ORDER BY program`, [])).rows.map((row) => String(row.program));
    }

    async addModelVersion(model: ModelVersion): Promise<void> {
        this.assertWritable();
        await this.upsert(rows.MODELS, [
            {
                ...model,
                validationAccuracy: optionalNumber(this.location, 'model validationAccuracy', model.validationAccuracy),
                createdAt: isoTime(this.location, 'model createdAt', model.createdAt),
            },
        ]);
    }

    async modelVersions(labeler: string): Promise<ModelVersion[]> {
        return (await this.query(`SELECT * FROM model_versions WHERE labeler = $1 ORDER BY created_at, seq`, [labeler])).rows.map(
            rows.toModel,
        );
    }

    async recordEvaluation(evaluation: Evaluation): Promise<Evaluation> {
        this.assertWritable();
        const row = {
            ...evaluation,
            id: optionalText(this.location, 'evaluation id', evaluation.id) ?? randomUUID(),
            split: requireSplit(this.location, evaluation.split),
            accuracy: requireNumber(this.location, 'evaluation accuracy', evaluation.accuracy),
            at: isoTime(this.location, 'evaluation at', evaluation.at),
        };
        await this.upsert(rows.EVALUATIONS, [row]);
        return row;
    }

    async evaluations(filter: { model?: string; split?: Split; programVersion?: string } = {}): Promise<Evaluation[]> {
        const clauses: string[] = [];
        const params: unknown[] = [];
        for (const [column, value] of [
            ['model', filter.model],
            ['split', filter.split],
            ['program_version', filter.programVersion],
        ] as const) {
            if (value === undefined) {
                continue;
            }
            params.push(value);
            clauses.push(`${column} = $${params.length}`);
        }
        const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
        return (await this.query(`SELECT * FROM evaluations${where} ORDER BY at, seq`, params)).rows.map(rows.toEvaluation);
    }

    async setStageStates(states: readonly StageState[]): Promise<void> {
        this.assertWritable();
        const now = new Date().toISOString();
        await this.upsert(
            rows.STAGES,
            rows.lastPerKey(
                states.map((s) => ({ ...s, updatedAt: s.updatedAt ?? now })),
                (s) => JSON.stringify([s.run, s.stage, s.item]),
            ),
        );
    }

    async stageStates(query: StageStateQuery): Promise<StageState[]> {
        const params: unknown[] = [query.run];
        let where = 'run = $1';
        if (query.stage !== undefined) {
            where += ` AND stage = $${params.push(query.stage)}`;
        }
        if (query.status !== undefined) {
            where += ` AND status = $${params.push(query.status)}`;
        }
        return (await this.query(`SELECT * FROM stage_states WHERE ${where} ORDER BY stage, item`, params)).rows.map(rows.toStageState);
    }

    // ---------------------------------------------------------------- leases

    /**
     * One transaction per request, serialised per task (an advisory lock), so two people never get
     * the same single-answer item; sent as one message (lease-sql.ts): one round trip.
     */
    async lease(request: LeaseRequest): Promise<Lease[]> {
        this.assertWritable();
        const statements = leaseStatements(this.location, request);
        const results = await this.guarded(async () => {
            const client = await this.pool.connect();
            try {
                if (!this.leasePrepared.has(client)) {
                    await client.query(PREPARE_LEASE);
                    this.leasePrepared.add(client);
                }
                // A message of several statements answers with one result per statement; the last holds the leases.
                const answers = (await client.query(statements)) as unknown as pg.QueryResult[];
                client.release();
                return answers;
            } catch (error) {
                client.release(true); // a connection that failed is closed, not reused
                throw error;
            }
        });
        const order = new Map(request.candidates.map((item, i) => [item, i]));
        return results[results.length - 1].rows
            .map((row) => ({
                task: request.task,
                item: String(row.item),
                person: request.person,
                expiresAt: (row.expires_at as Date).toISOString(),
            }))
            .sort((a, b) => order.get(a.item)! - order.get(b.item)!);
    }

    async releaseLeases(task: string, person: string, items?: readonly string[]): Promise<void> {
        this.assertWritable();
        if (items) {
            await this.query(`DELETE FROM leases WHERE task = $1 AND person = $2 AND item = ANY($3::text[])`, [task, person, [...items]]);
        } else {
            await this.query(`DELETE FROM leases WHERE task = $1 AND person = $2`, [task, person]);
        }
    }

    // ---------------------------------------------------------------- whole store

    async dump(): Promise<StoreDump> {
        const all = async <T>(sql: string, convert: (row: Record<string, unknown>) => T) => (await this.query(sql)).rows.map(convert);
        return {
            labels: await all(`SELECT * FROM labels ORDER BY seq`, rows.toLabel),
            items: await all(`SELECT * FROM items ORDER BY seq`, rows.toItem),
            aggregates: await all(`SELECT * FROM aggregates ORDER BY task, item`, rows.toAggregate),
            estimates: await all(`SELECT * FROM labeler_estimates ORDER BY task, labeler`, rows.toEstimate),
            plans: await all(`SELECT * FROM plans ORDER BY seq`, rows.toPlan),
            models: await all(`SELECT * FROM model_versions ORDER BY seq`, rows.toModel),
            evaluations: await all(`SELECT * FROM evaluations ORDER BY seq`, rows.toEvaluation),
            stages: await all(`SELECT * FROM stage_states ORDER BY run, stage, item`, rows.toStageState),
        };
    }

    async load(dump: StoreDump): Promise<void> {
        this.assertWritable();
        const stamp = <T extends object>(list: T[], key: keyof T) => list.map((row) => ({ ...row, [key]: row[key] ?? '' }));
        await this.transaction(async (client) => {
            await rows.writeRows(client, rows.ITEMS, stamp(dump.items, 'addedAt'));
            await rows.writeRows(client, rows.LABELS, dump.labels);
            await rows.writeRows(client, rows.AGGREGATES, stamp(dump.aggregates, 'updatedAt'));
            await rows.writeRows(client, rows.ESTIMATES, stamp(dump.estimates, 'updatedAt'));
            await rows.writeRows(client, rows.PLANS, stamp(dump.plans, 'compiledAt'));
            await rows.writeRows(client, rows.MODELS, stamp(dump.models, 'createdAt'));
            await rows.writeRows(
                client,
                rows.EVALUATIONS,
                dump.evaluations.map((e) => ({ ...e, id: e.id ?? randomUUID(), at: e.at ?? '' })),
            );
            await rows.writeRows(client, rows.STAGES, stamp(dump.stages, 'updatedAt'));
        });
    }

    async countsPerTask(): Promise<Record<string, number>> {
        const result = await this.query(`SELECT task, COUNT(*) AS n FROM labels GROUP BY task ORDER BY task`);
        return Object.fromEntries(result.rows.map((row) => [String(row.task), Number(row.n)]));
    }

    async close(): Promise<void> {
        if (this.closed) {
            return;
        }
        this.closed = true;
        await this.pool.end();
    }

    // ---------------------------------------------------------------- internals

    private assertWritable(): void {
        if (this.closed) {
            throw new StoreReadonlyError(this.location, 'closed');
        }
        if (this.readonly) {
            throw new StoreReadonlyError(this.location, 'readonly');
        }
    }

    private async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
        return this.guarded(() => this.pool.query(sql, params));
    }

    /** Runs `work` on the pool, its failures as store errors. */
    private async guarded<T>(work: () => Promise<T>): Promise<T> {
        if (this.closed) {
            throw new StoreReadonlyError(this.location, 'closed');
        }
        try {
            return await work();
        } catch (error) {
            throw connectionError(this.location, error);
        }
    }

    private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
        let client: pg.PoolClient;
        try {
            client = await this.pool.connect();
        } catch (error) {
            throw connectionError(this.location, error);
        }
        try {
            await client.query('BEGIN');
            const result = await work(client);
            await client.query('COMMIT');
            return result;
        } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw connectionError(this.location, error);
        } finally {
            client.release();
        }
    }

    private async upsert<T>(spec: Parameters<typeof rows.writeRows<T>>[1], list: T[]): Promise<void> {
        if (list.length > 0) {
            await this.transaction((client) => rows.writeRows(client, spec, list));
        }
    }

    /** Marks `oldId` replaced by `newId`; fails (and the transaction rolls back) if it is missing or was replaced meanwhile. */
    private async markSuperseded(client: rows.Queryable, oldId: string, newId: string): Promise<void> {
        const marked = await client.query(`UPDATE labels SET superseded_by = $1 WHERE id = $2 AND superseded_by IS NULL`, [newId, oldId]);
        if (marked.rowCount === 1) {
            return;
        }
        const old = await client.query(`SELECT superseded_by FROM labels WHERE id = $1`, [oldId]);
        if (old.rows.length === 0) {
            throw new StoreInputError(`label ${newId} supersedes ${oldId}, which is not in the store`, this.location);
        }
        throw new StoreInputError(
            `label ${oldId} is already superseded by ${String(old.rows[0].superseded_by)}; supersede the current label instead`,
            this.location,
        );
    }

    private async storedLabels(ids: string[]): Promise<Map<string, Label>> {
        const result = await this.query(`SELECT * FROM labels WHERE id = ANY($1::text[])`, [ids]);
        return new Map(result.rows.map((row) => [String(row.id), rows.toLabel(row)]));
    }

    /** Labels replaced within this batch come back marked, as the embedded store returns them. */
    private withSupersedeMarks(labels: Label[], inputs: readonly NewLabel[]): Label[] {
        const byId = new Map(labels.map((l) => [l.id, l]));
        inputs.forEach((input, i) => {
            const old = input.supersedes === undefined ? undefined : byId.get(input.supersedes);
            if (old && old.supersededBy === undefined) {
                old.supersededBy = labels[i].id;
            }
        });
        return labels;
    }
}

/** The URL with `password` in it (pg lets the connection string win over a separate password option). */
function withPassword(url: string, password: string | undefined): string {
    if (password === undefined) {
        return url;
    }
    const withIt = new URL(url);
    withIt.password = password;
    return withIt.toString();
}
