/**
 * `dprog simulate`: a task's routing and quality rule run against recorded real answers — who would
 * have been asked, how many answers, what accuracy, what cost — at the plan's target or at several.
 */
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import { policyFromPlanTask } from '../../../engine/src/routing/plan-policy.js';
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { type SimulationResult, simulateReplay } from '../../../engine/src/routing/simulate.js';
import { readAnswers } from '../answers-file.js';
import { planOf, planOrErrors } from '../compiled-program.js';
import { ProgramError, UsageError } from '../errors.js';

export interface SimulateOptions {
    /** The CSV of recorded answers and its columns. */
    replay: string;
    item: string;
    worker: string;
    label: string;
    gold?: string;
    /** The task to simulate; default: the only choice or bool task. */
    task?: string;
    /** Quality targets to try instead of the plan's. */
    targets: number[];
    /** Shuffles the order items arrive in. */
    seed?: number;
}

export interface SimulateReport {
    task: PlanTask;
    policy: RoutingPolicy;
    /** Recorded answers replayed. */
    answers: number;
    /** One simulation per target, the first the one reported in full. */
    runs: Array<{ target: number; result: SimulationResult }>;
}

export async function simulate(file: string, options: SimulateOptions): Promise<SimulateReport> {
    const plan = planOrErrors(file, await planOf(file));
    const task = chooseTask(plan, options.task, file);
    let policy: RoutingPolicy;
    try {
        policy = policyFromPlanTask(task);
    } catch (error) {
        throw new ProgramError(`${file}: ${(error as Error).message}`);
    }
    const { answers, gold } = readAnswers(options.replay, options);
    const run = (target: number) => {
        try {
            return simulateReplay({ ...policy, target }, answers, { truth: gold, classes: task.classes, seed: options.seed });
        } catch (error) {
            throw new ProgramError(`${options.replay}: ${(error as Error).message}`);
        }
    };
    const targets = options.targets.length > 0 ? options.targets : [policy.target];
    return { task, policy, answers: answers.length, runs: targets.map((target) => ({ target, result: run(target) })) };
}

function chooseTask(plan: LabelingPlan, name: string | undefined, file: string): PlanTask {
    const routable = plan.tasks.filter((t) => t.output.kind === 'choice' || t.output.kind === 'bool');
    if (name !== undefined) {
        const task = plan.tasks.find((t) => t.name === name);
        if (!task) {
            throw new UsageError(`${file}: no task '${name}'; the tasks are: ${plan.tasks.map((t) => t.name).join(', ') || '(none)'}`);
        }
        if (!routable.includes(task)) {
            throw new UsageError(`${file}: task ${name} labels ${task.output.text}; replay simulates choice and bool tasks`);
        }
        return task;
    }
    if (routable.length === 1) {
        return routable[0];
    }
    throw new UsageError(
        routable.length === 0
            ? `${file}: no choice or bool task to simulate`
            : `${file}: several tasks could be simulated (${routable.map((t) => t.name).join(', ')}); name one with --task`,
    );
}
