/**
 * `dprog learn --simulate`: active-learning rounds answered by simulated people (each answers from
 * the gold field with its declared accuracy), retraining every N labels, until the accuracy target,
 * the label budget, the money budget or the round limit. Simulated answers go to a store of their
 * own, never to the real labels.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { ActiveLearner, StopReason } from '../../../engine/src/learning/active-learning.js';
import type { LearnProgram } from '../../../engine/src/learning/learn-program.js';
import { openLearningWorkspace, type LearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import { seededRng } from '../../../engine/src/learning/random.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { versionNumber } from '../../../engine/src/learning/model-versions.js';
import { StoreModelVersions } from '../../../engine/src/learning/store-model-versions.js';
import type { BatchPick } from '../../../engine/src/learning/select-batch.js';
import type { ModelVersion } from '../../../engine/src/learning/model-versions.js';
import { SimulatedRouting } from '../../../engine/src/routing/simulated-routing.js';
import type { Store } from '../../../engine/src/store/index.js';
import { ProgramError, UsageError } from '../errors.js';
import { loadLearnProgram, withDataErrors } from '../learning-program.js';
import { localStorePath, openStore, storeExists } from '../store-option.js';
import { learnerFor } from './learner.js';

export interface LearnOptions {
    task?: string;
    /** Stop after this many rounds (Infinity: until the stop condition or the budget). */
    maxRounds: number;
    /** The data field holding the known answer the simulated people draw from. */
    gold: string;
    /** The label store; default: .dprog/simulation/labels.sqlite beside the program. */
    store?: string;
    /** Start the default simulation store over. */
    fresh?: boolean;
    /** Seed of the simulated answers; default: the learn block's seed. */
    seed?: number;
}

/** What happened before the first round: what the wiring shows as the header. */
export interface LearnStart {
    program: LearnProgram;
    items: number;
    trainItems: number;
    alreadyLabeled: number;
    /** The label budget of the run (the train items when the block sets none). */
    totalBudget: number;
    labelsSpent: number;
    accuracy: number | undefined;
    startingModel?: { path: string; validationAccuracy?: number };
}

export interface LearnRound {
    round: number;
    labelsSpent: number;
    accuracy: number | undefined;
    retrained?: ModelVersion;
}

/** Told of the run's progress as it happens (the wiring prints it). */
export interface LearnObserver {
    started?(start: LearnStart): void;
    roundDone?(round: LearnRound): void;
}

export interface LearnSummary {
    task: string;
    model: string;
    strategy: string;
    rounds: number;
    labelsSpent: number;
    answers: number;
    cost: number;
    budget?: number;
    /** Share of the aggregated labels bought in this run that match gold. */
    labelAccuracy: number | undefined;
    accuracy: number | undefined;
    split: string;
    stopped: StopReason | 'money';
    /** Why the money ran out, when it did. */
    budgetStop?: { spent: number; next: number; budget: number };
    curve: Array<{ version: number; labels: number; accuracy: number | undefined; path: string }>;
}

export async function learn(file: string, options: LearnOptions, observer: LearnObserver = {}): Promise<LearnSummary> {
    return withDataErrors(async () => {
        const program = await loadSimulatedProgram(file, options);
        const { storeOption, simulationDir } = simulationStore(file, options);
        const sessions = new SessionCache();
        // Data, model and stored labels are read first (read-only): bad input fails before anything is written.
        const reader = options.fresh || !storeExists(file, storeOption) ? undefined : await openStore(file, storeOption, true);
        let store: Store | undefined;
        try {
            const ws = await openLearningWorkspace(program, sessions, localStorePath(file, storeOption), reader);
            const gold = goldLabels(program, ws, options.gold);
            await reader?.close();
            if (options.fresh) {
                rmSync(simulationDir, { recursive: true, force: true });
            }
            store = (await openStore(file, storeOption, false))!;
            ws.versions = await StoreModelVersions.open(store, [program.model.name]);
            return await simulateRounds(program, ws, { store, sessions, gold, options, observer });
        } finally {
            await sessions.releaseAll();
            await reader?.close();
            await store?.close();
        }
    });
}

/** The program's learn set-up, refused when no simulated person or rule could answer. */
async function loadSimulatedProgram(file: string, options: LearnOptions): Promise<LearnProgram> {
    const program = await loadLearnProgram(file, options.task);
    if (program.people.length === 0) {
        throw new ProgramError(
            `${file}: task ${program.task} routes to no human labeler; --simulate needs people (e.g. \`labeler crowd: ` +
                `human { accuracy 80% }\` on the route).`,
        );
    }
    if (!program.policy) {
        throw new ProgramError(
            `${file}: task ${program.task} routes to nobody but the model being trained; --simulate needs people or rules on the route.`,
        );
    }
    return program;
}

/** Simulated answers never mix with real labels: by default they go to .dprog/simulation/ beside the program. */
function simulationStore(file: string, options: LearnOptions): { storeOption: string; simulationDir: string } {
    if (options.fresh && options.store) {
        throw new UsageError('--fresh only starts the default simulation store over; it never clears a store given with --store.');
    }
    const simulationDir = path.join(path.dirname(path.resolve(file)), '.dprog', 'simulation');
    return { storeOption: options.store ?? path.join(simulationDir, 'labels.sqlite'), simulationDir };
}

/** The gold label (an index into the task's labels) of every item, from the data field `field`. */
function goldLabels(program: LearnProgram, ws: LearningWorkspace, field: string): number[] {
    const { labels } = program;
    return ws.items.map((item) => {
        const value = item.record[field];
        if (typeof value !== 'string' || !labels.includes(value)) {
            throw new ProgramError(
                `${program.dataset.path}:${item.line}: --simulate needs field '${field}' with one of ` +
                    `${labels.join(', ')} on every item; found ${JSON.stringify(value)}`,
            );
        }
        return labels.indexOf(value);
    });
}

interface SimulationContext {
    store: Store;
    sessions: SessionCache;
    gold: number[];
    options: LearnOptions;
    observer: LearnObserver;
}

/** Runs the rounds until a stop condition, then sums them up. */
async function simulateRounds(program: LearnProgram, ws: LearningWorkspace, context: SimulationContext): Promise<LearnSummary> {
    const { learn } = program;
    const { gold, options, observer } = context;
    const validationLabels = new Map(ws.splits.flatMap((s, i) => (s === learn.stopSplit ? [[i, gold[i]] as [number, number]] : [])));
    const routing = new SimulatedRouting(
        program.policy!,
        program.labels,
        program.moneyBudget ?? Number.POSITIVE_INFINITY,
        seededRng(options.seed ?? learn.seed),
    );
    const people = new SimulatedPeople(program, ws, routing, context);
    const learner = learnerFor(program, ws, context.sessions, validationLabels, (picks) => people.label(picks));
    observer.started?.(await startOf(program, ws, learner));
    let rounds = 0;
    let stop = learner.stopReason();
    while (!stop && rounds < options.maxRounds && !routing.budgetStop) {
        const report = await learner.round();
        rounds++;
        observer.roundDone?.({ ...report, accuracy: learner.accuracy });
        stop = learner.stopReason();
    }
    return summaryOf(program, ws, { learner, routing, people, rounds, stop });
}

async function startOf(program: LearnProgram, ws: LearningWorkspace, learner: ActiveLearner): Promise<LearnStart> {
    const start = await learner.start();
    const trainItems = ws.splits.filter((s) => s === 'train').length;
    return {
        program,
        items: ws.items.length,
        trainItems,
        alreadyLabeled: ws.known.size,
        totalBudget: Number.isFinite(program.learn.budget) ? program.learn.budget : trainItems,
        labelsSpent: learner.labelsSpent,
        accuracy: learner.accuracy,
        startingModel: start ? { path: start.onnxPath, validationAccuracy: start.validationAccuracy } : undefined,
    };
}

/** The people of the route, simulated: they answer picked items from gold, and their answers and aggregates are stored. */
class SimulatedPeople {
    answers = 0;
    correct = 0;

    constructor(
        private readonly program: LearnProgram,
        private readonly ws: LearningWorkspace,
        private readonly routing: SimulatedRouting,
        private readonly context: SimulationContext,
    ) {}

    async label(picks: BatchPick[]): Promise<Array<string | null>> {
        const { program, ws, routing } = this;
        const truth = (p: BatchPick) => program.labels[this.context.gold[p.position]];
        const results = picks.map((p) => routing.label(ws.items[p.position].key, truth(p)));
        const keyOf = (p: BatchPick) => ws.items[p.position].key;
        await this.context.store.addLabels(
            picks.flatMap((p, i) =>
                results[i].answers.map((a) => ({
                    task: program.task,
                    item: keyOf(p),
                    labeler: a.member,
                    labelerKind: a.kind,
                    value: a.label,
                    programVersion: program.programVersion,
                })),
            ),
        );
        const labeled = picks.flatMap((p, i) => {
            const r = results[i];
            return r.label === null ? [] : [{ item: keyOf(p), value: r.label, confidence: r.confidence, answers: r.answers.length }];
        });
        await this.context.store.setAggregates(labeled.map((l) => ({ task: program.task, method: routing.policy.method, ...l })));
        results.forEach((r, i) => {
            this.answers += r.answers.length;
            this.correct += r.label === truth(picks[i]) ? 1 : 0;
        });
        return results.map((r) => r.label);
    }
}

interface RunOutcome {
    learner: ActiveLearner;
    routing: SimulatedRouting;
    people: SimulatedPeople;
    rounds: number;
    stop: StopReason | undefined;
}

function summaryOf(program: LearnProgram, ws: LearningWorkspace, run: RunOutcome): LearnSummary {
    const { learner, routing, people } = run;
    const budgetStop = routing.budgetStop;
    return {
        task: program.task,
        model: program.model.name,
        strategy: program.learn.strategy,
        rounds: run.rounds,
        labelsSpent: learner.labelsSpent,
        answers: people.answers,
        cost: Number(routing.spent.toFixed(2)),
        ...(program.moneyBudget != null ? { budget: program.moneyBudget } : {}),
        labelAccuracy: people.answers > 0 ? people.correct / Math.max(1, learner.labelsSpent - ws.known.size) : undefined,
        accuracy: learner.accuracy,
        split: program.learn.stopSplit,
        stopped: budgetStop ? 'money' : (run.stop ?? 'rounds'),
        ...(budgetStop ? { budgetStop: { ...budgetStop, budget: program.moneyBudget! } } : {}),
        curve: ws.versions
            .list(program.model.name)
            .map((v) => ({ version: versionNumber(v), labels: v.labelsUsed, accuracy: v.validationAccuracy, path: v.onnxPath })),
    };
}
