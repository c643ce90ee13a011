/**
 * `dprog run`: execute the plan — rules and models label what they can, finished outputs move down
 * each flow, work for people is queued — recording every step in the label store, so an interrupted
 * run resumes and a changed program redoes only what its migration says.
 */
import * as path from 'node:path';
import { DataError } from '../../../engine/src/data/errors.js';
import { flowsToRun, type RunOptions as RunPlanOptions, type RunSummary, runPlan } from '../../../engine/src/executor/executor.js';
import { peopleQueue, type QueuedWork } from '../../../engine/src/executor/people-queue.js';
import { ModelError } from '../../../engine/src/learning/errors.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { Migration } from '../../../engine/src/plan/migration.js';
import { applyMigration } from '../../../engine/src/migration/apply-migration.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { arrivalOrder } from '../../../engine/src/routing/arrival-order.js';
import { recordedAnswers } from '../../../engine/src/routing/simulate.js';
import { diffPlans } from '../../../language-server/src/compiler/migrate.js';
import { readAnswers } from '../answers-file.js';
import { compileProgramFile, planOrErrors } from '../compiled-program.js';
import { ProgramError } from '../errors.js';
import { previousPlan, savePlan } from '../plan-store.js';
import type { StoreLocation } from '../../../engine/src/store/index.js';
import { openAnyStoreAt, storeLocationFor } from '../store-option.js';

/** Recorded answers people "give" during the run (`--replay CSV`), and the CSV's columns. */
export interface ReplayOptions {
    csv: string;
    item: string;
    worker: string;
    label: string;
    /** The column with the known answer, from which gold questions are drawn. */
    gold?: string;
    /** Shuffles the order items arrive in (as `dprog simulate --seed N`). */
    seed?: number;
}

export interface RunProgramOptions {
    store?: string;
    /** At most this many items of each flow's dataset. */
    limit?: number;
    replay?: ReplayOptions;
    /** Told how far each flow has got. */
    onProgress?: RunPlanOptions['onProgress'];
}

export interface RunOutcome {
    plan: LabelingPlan;
    /** The label store the run recorded its steps in. */
    location: StoreLocation;
    summary: RunSummary;
    /** Work waiting for people, least certain first. */
    queue: QueuedWork[];
    /** What changed since the plan of the previous run, if it changed. */
    migration?: Migration;
}

export async function runProgram(file: string, options: RunProgramOptions): Promise<RunOutcome> {
    const plan = planOrErrors(file, await compileProgramFile(file));
    const replay = options.replay && replayOf(plan, options.replay);
    const location = storeLocationFor(file, options.store);
    const store = await openAnyStoreAt(location, false);
    const programDir = path.dirname(path.resolve(file));
    // Crops for people to review go beside the embedded store, or beside the program for a team store.
    const storeDir = location.backend === 'sqljs' ? path.dirname(location.path) : path.join(programDir, '.dprog');
    const sessions = new SessionCache();
    try {
        const previous = (await previousPlan(store, plan.program)).plan;
        const migration = previous && previous.hash !== plan.hash ? diffPlans(previous, plan) : undefined;
        // As `compile --store` does (once): renamed labels follow, split members' items are re-asked among their members.
        if (migration && migration.problems.length === 0) {
            await applyMigration(store, migration);
        }
        const summary = await runPlan({
            plan,
            programDir,
            store,
            sessions,
            limit: options.limit,
            migration,
            replay,
            derivedDir: path.join(storeDir, 'derived', plan.program),
            onProgress: options.onProgress,
        });
        const queue = await peopleQueue(store, plan, flowsToRun(plan));
        // Recorded once the run has gone through: the next run's migration starts from here.
        await savePlan(store, plan);
        return { plan, location, summary, queue, migration };
    } catch (error) {
        if (error instanceof DataError || error instanceof ModelError) {
            throw new ProgramError(error.message);
        }
        throw error;
    } finally {
        await sessions.releaseAll();
        await store.close();
    }
}

/** The recorded answers, in the order `dprog simulate` replays them. */
function replayOf(plan: LabelingPlan, options: ReplayOptions): RunPlanOptions['replay'] {
    const { answers, gold } = readAnswers(options.csv, options);
    const classes = [...new Set(plan.tasks.flatMap((t) => t.classes))];
    const unknown = answers.find((a) => !classes.includes(a.label));
    if (unknown) {
        throw new ProgramError(
            `${options.csv}: item '${unknown.item}', worker '${unknown.worker}': label '${unknown.label}' is not a member of ` +
                `any task's label set (${classes.join(', ')})`,
        );
    }
    const recorded = recordedAnswers(answers, classes);
    return { answers: recorded, truth: gold, order: arrivalOrder([...recorded.keys()], options.seed) };
}
