/**
 * The routing policy of one choice (or yes/no) task inside a run: a PolicyRun that starts from
 * what the store already knows — every current answer of the task (people's, models', rules') and
 * the labelers' stored estimates — and decides, item by item, whom to ask next and when the item is
 * done. People's answers come from the store (live: the run waits for them) or from recorded
 * answers (`dprog run --replay`). Every answer updates the item's aggregate at once; at the end every
 * item is aggregated with the task's declared method and the refit estimates are stored.
 */
import { policyFromPlanTask } from '../routing/plan-policy.js';
import { PolicyRun, reportOf, type ItemOutcome, type RunReport } from '../routing/policy-run.js';
import type { RoutedLabeler } from '../routing/policy.js';
import type { Candidate } from '../routing/router.js';
import type { Migration } from '../plan/migration.js';
import type { PlanTask } from '../plan/types.js';
import type { Aggregate, JsonValue, Label, LabelerEstimate, NewLabel, StageState, StageStateQuery } from '../store/types.js';
import { currentIds, migrationRun, openEntries, reaskDecided, reaskRestrictions, type RelabelEntry } from '../migration/relabel-queue.js';

/** People's recorded answers, by item then person, and the known labels gold questions are drawn from. */
export interface ReplayAnswers {
    answers: ReadonlyMap<string, ReadonlyMap<string, string>>;
    truth?: ReadonlyMap<string, string>;
}

type TaskMigration = Migration['tasks'][number];

/** What the routing reads from and writes to a label store (the embedded store and the Store interface both fit). */
export interface RoutingStore {
    labels(query: { task: string }): Label[] | Promise<Label[]>;
    labelerEstimates(task: string): LabelerEstimate[] | Promise<LabelerEstimate[]>;
    setAggregates(aggregates: readonly Aggregate[]): Promise<void>;
    setLabelerEstimates(estimates: readonly LabelerEstimate[]): Promise<void>;
    stageStates?(query: StageStateQuery): StageState[] | Promise<StageState[]>;
}

/** Whether a task is routed by the policy: a single choice among its classes (choice or bool). */
export function routedByPolicy(task: PlanTask): boolean {
    return (
        (task.output.kind === 'choice' || task.output.kind === 'bool') &&
        task.classes.length >= 2 &&
        task.quality.aggregate !== 'box_consensus'
    );
}

export class TaskRouting {
    readonly run: PolicyRun;
    /** Per item: how many answers each human labeler's name was given under (live people answering as the labeler). */
    private readonly underName = new Map<string, Map<string, number>>();
    /** The items a migration re-asks among some members only. */
    private readonly reask: ReadonlyMap<string, RelabelEntry>;
    /** Per item: how many people's labels the store held when this routing read it (every one, taken or not). */
    private readonly peopleStored = new Map<string, number>();

    constructor(
        readonly task: PlanTask,
        /**
         * The task's current answers (people's, models', rules'), the labelers' stored estimates, and
         * the items a migration re-asks among some members only (relabel-queue.ts).
         */
        stored: { labels: readonly Label[]; estimates: readonly LabelerEstimate[]; reask?: readonly RelabelEntry[] },
        private readonly replay?: ReplayAnswers,
        /** The task's migration from the previous program version: answers given under a renamed member count under its new name. */
        private readonly migration?: TaskMigration,
    ) {
        this.run = new PolicyRun(policyFromPlanTask(task), task.classes);
        // Estimates over another label set (the task's members changed since) mean nothing now.
        const current = stored.estimates.filter((e) => !e.confusion || task.classes.every((c) => e.confusion![c] !== undefined));
        this.run.router.restore(current.map((e) => ({ labeler: e.labeler, accuracy: e.accuracy, confusion: e.confusion, n: e.n })));
        this.reask = reaskRestrictions(stored.reask ?? [], task.classes);
        for (const [item, entry] of this.reask) {
            this.run.router.restrict(item, entry.among);
        }
        const labels = [...stored.labels].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
        for (const label of labels) {
            if (label.labelerKind === 'human') {
                this.peopleStored.set(label.item, (this.peopleStored.get(label.item) ?? 0) + 1);
            }
            this.recordStored(label);
        }
    }

    /** How many people's labels of the item the store held when this routing read it. */
    peopleRead(item: string): number {
        return this.peopleStored.get(item) ?? 0;
    }

    /**
     * The task's routing from what the store holds (any store: reads may be synchronous or not); with
     * `program`, the items its migrations re-ask are asked only among their members.
     */
    static async fromStore(
        task: PlanTask,
        store: RoutingStore,
        replay?: ReplayAnswers,
        migration?: TaskMigration,
        program?: string,
    ): Promise<TaskRouting> {
        const [labels, estimates, states] = await Promise.all([
            store.labels({ task: task.name }),
            store.labelerEstimates(task.name),
            program !== undefined && store.stageStates ? store.stageStates({ run: migrationRun(program) }) : [],
        ]);
        const reask = openEntries(states, task.name, currentIds(labels));
        return new TaskRouting(task, { labels, estimates, reask }, replay, migration);
    }

    /** The members a re-asked item is asked among, or undefined when it may be any class. */
    restrictedTo(item: string): readonly string[] | undefined {
        return this.reask.get(item)?.among;
    }

    /** The stage state closing a re-asked item's entry once it is decided (undefined for other items). */
    reaskClosed(item: string): StageState | undefined {
        const entry = this.reask.get(item);
        const decided = this.aggregateOf(item);
        return entry && decided ? reaskDecided(entry, decided.value) : undefined;
    }

    /** A stored answer joins the item's answers (a value outside the classes, or a repeat, is left out). */
    private recordStored(label: Label): void {
        const value = this.migrated(String(label.value));
        if (!this.task.classes.includes(value)) {
            return;
        }
        // A model or rule off the route (an old route, a pre-label) is not one of this policy's answerers.
        if (label.labelerKind !== 'human' && !this.task.route.stages.some((s) => s.labeler === label.labeler)) {
            return;
        }
        if (!this.run.router.allows(label.item, value)) {
            return; // an answer outside the members a re-asked item is asked among
        }
        const member = this.memberOf(label);
        if (this.run.router.answers(label.item).some(([m]) => m === member)) {
            return;
        }
        this.run.router.record(label.item, member, value);
    }

    /** An answer's class under the current program: as given, or its member's new name after a rename. */
    private migrated(value: string): string {
        if (this.task.classes.includes(value) || this.migration?.action !== 'migrate') {
            return value;
        }
        const member = this.migration.members.find((m) => m.old === value);
        return member && (member.action === 'keep' || member.action === 'map') && member.new.length === 1 ? member.new[0] : value;
    }

    /**
     * Who answered, as the routing tells answerers apart: the person within the pool (`crowd/ann`)
     * when the label names one, so each person has an estimate of their own; `crowd`, `crowd#2`, …
     * for answers under the pool's name from nobody in particular; a person's own name otherwise.
     */
    private memberOf(label: Label): string {
        if (label.labelerKind !== 'human' || !this.task.route.stages.some((s) => s.labeler === label.labeler)) {
            return label.labeler;
        }
        if (label.person !== undefined && label.person !== '') {
            return personMember(label.labeler, label.person);
        }
        const counts = this.underName.get(label.item) ?? new Map<string, number>();
        this.underName.set(label.item, counts);
        const n = (counts.get(label.labeler) ?? 0) + 1;
        counts.set(label.labeler, n);
        return n === 1 ? label.labeler : `${label.labeler}#${n}`;
    }

    /**
     * Routes one item. `automatic`: the answers the route's models and rules give it (a labeler
     * missing from the map abstained or failed). Returns the outcome and the answers to store.
     */
    route(
        item: string,
        automatic: ReadonlyMap<string, string>,
    ): ItemOutcome & { newLabels: Array<{ member: string; labeler: RoutedLabeler; value: string }> } {
        const people = this.people(item);
        const available = [
            ...this.task.route.stages.filter((s) => s.kind !== 'human' && automatic.has(s.labeler)).map((s) => s.labeler),
            ...people,
        ];
        const newLabels: Array<{ member: string; labeler: RoutedLabeler; value: string }> = [];
        const ask = (key: string, c: Candidate): string | null | 'wait' => {
            const value =
                c.labeler.kind === 'human'
                    ? this.replay
                        ? (this.replay.answers.get(key)?.get(c.member) ?? null)
                        : 'wait'
                    : (automatic.get(c.member) ?? null);
            if (value === null || value === 'wait') {
                return value;
            }
            if (!this.run.router.allows(key, value)) {
                return null; // outside the members the item is re-asked among: no answer to this question
            }
            newLabels.push({ member: c.member, labeler: c.labeler, value });
            return value;
        };
        const outcome = this.run.route(item, available, ask, this.replay?.truth?.get(item));
        return { ...outcome, newLabels };
    }

    /**
     * What the policy wants of `person` (a person at the editor) for this item, given the answers
     * so far (models and rules answer in `dprog run`, not here): null when the item is done, the
     * person has answered it, or the policy would not ask them (someone no better than chance);
     * otherwise how much the item still needs (1 − its confidence; 1 when nobody has answered).
     */
    needFromPerson(item: string, person: string): number | null {
        const router = this.run.router;
        if (router.isDone(item) || router.answers(item).some(([m]) => m === person)) {
            return null;
        }
        if (router.next(item, [person])?.member !== person) {
            return null;
        }
        return 1 - (router.current(item)?.confidence ?? 0);
    }

    /** Who could answer next among people: the recorded people (replay), or the next place of each human labeler's pool (live). */
    private people(item: string): string[] {
        if (this.replay) {
            return [...(this.replay.answers.get(item)?.keys() ?? [])];
        }
        const asked = this.run.router.answers(item);
        return this.task.route.stages
            .filter((s) => s.kind === 'human')
            .flatMap((s) => {
                const given = asked.filter(([m]) => this.run.router.labeler(m).name === s.labeler).length;
                const named = this.underName.get(item)?.get(s.labeler) ?? 0;
                return given < s.answers ? [named === 0 ? s.labeler : `${s.labeler}#${named + 1}`] : [];
            });
    }

    /** The item's aggregate now, as the store keeps it (a gold question: its known label). */
    aggregateOf(item: string): Aggregate | undefined {
        const current = this.run.router.current(item);
        if (!current) {
            return undefined;
        }
        return {
            task: this.task.name,
            item,
            value: this.valueOf(current.label),
            confidence: current.confidence,
            method: this.task.quality.aggregate,
            answers: current.answers,
        };
    }

    /** Who the item's answers came from, by labeler (`topic_rules+agent`). */
    answeredBy(item: string): string {
        return [...new Set(this.run.router.answers(item).map(([member]) => this.run.router.labeler(member).name))].join('+');
    }

    /** A class name as the task's value (`true`/`false` for yes/no tasks). */
    valueOf(label: string): JsonValue {
        return this.task.output.kind === 'bool' ? label === 'true' : label;
    }

    /** Final labels by the declared method over every answer, refit estimates; written to the store. */
    async finish(store: RoutingStore): Promise<RunReport> {
        const report = reportOf(this.run);
        const router = this.run.router;
        const aggregates: Aggregate[] = report.labels.map(
            (l) =>
                // A re-asked item: decided among its members only (the method's label over every class could fall outside them).
                (this.restrictedTo(l.item) && this.aggregateOf(l.item)) || {
                    task: this.task.name,
                    item: l.item,
                    value: l.label === null ? null : this.valueOf(l.label),
                    confidence: l.confidence,
                    method: this.task.quality.aggregate,
                    answers: router.answers(l.item).length,
                },
        );
        for (const item of this.run.routed) {
            const known = router.goldOf(item);
            if (known !== undefined) {
                aggregates.push({
                    task: this.task.name,
                    item,
                    value: this.valueOf(known),
                    confidence: 1,
                    method: 'gold',
                    answers: router.answers(item).length,
                });
            }
        }
        if (aggregates.length > 0) {
            await store.setAggregates(aggregates);
        }
        await this.saveEstimates(store);
        return report;
    }

    /** Writes every labeler's current estimate (the run does between batches, so the editor's queue sees them). */
    async saveEstimates(store: RoutingStore): Promise<void> {
        const estimates: LabelerEstimate[] = this.run.router.estimates.toRecords().map((r) => ({ ...r, task: this.task.name }));
        if (estimates.length > 0) {
            await store.setLabelerEstimates(estimates);
        }
    }
}

/** How the routing names a person of a human labeler pool (their estimate is stored under this name). */
export function personMember(labeler: string, person: string): string {
    return `${labeler}/${person}`;
}

/** A replayed person's answer as a label: a deterministic id, so a rerun does not store it twice. */
export function replayedLabel(task: PlanTask, item: string, person: string, value: JsonValue, programVersion: string): NewLabel {
    return {
        id: `${task.name}/${item}/replay/${person}`,
        task: task.name,
        item,
        labeler: person,
        labelerKind: 'human',
        value,
        programVersion,
    };
}
