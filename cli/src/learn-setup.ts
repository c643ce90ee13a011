/**
 * From a compiled plan to the engine's LearnProgram for one task: the plan's `learn` entry, the
 * task's dataset and classes, the model labeler, the people on the task's route and its routing
 * policy. Paths in the plan are relative to the program file. No compiler here: the VS Code
 * extension uses it on plans it already has.
 */
import * as path from 'node:path';
import { datasetSpecOf } from '../../engine/src/data/plan-items.js';
import type { LearnProgram } from '../../engine/src/learning/learn-program.js';
import type { LabelingPlan, PlanTask } from '../../engine/src/plan/types.js';
import { policyFromPlanTask } from '../../engine/src/routing/plan-policy.js';
import type { RoutingPolicy } from '../../engine/src/routing/policy.js';
import { ProgramError, UsageError } from './errors.js';

/** The task `--task` names or, without it, the task of the program's only `learn` block. */
function learnedTask(plan: LabelingPlan, task: string | undefined, file: string): string {
    if (task !== undefined) {
        return task;
    }
    const known = plan.learn.map((l) => l.task);
    if (known.length === 1) {
        return known[0];
    }
    if (known.length === 0) {
        throw new UsageError(`${file}: the program has no \`learn … using …\` block, so there is nothing to learn.`);
    }
    throw new UsageError(`${file} has several \`learn\` blocks; choose one with --task (${known.join(', ')}).`);
}

/** The learning set-up of `task` (default: the only learned task) in a compiled plan. */
export function learnProgramOf(plan: LabelingPlan, requested: string | undefined, baseDir: string, file: string): LearnProgram {
    const task = learnedTask(plan, requested, file);
    const learn = plan.learn.find((l) => l.task === task);
    if (!learn) {
        const known = plan.learn.map((l) => l.task);
        throw new UsageError(
            `${file}: no \`learn ${task} using …\` block${known.length > 0 ? `; there is one for: ${known.join(', ')}` : ''}.`,
        );
    }
    const planTask = plan.tasks.find((t) => t.name === task);
    const model = plan.labelers.find((l) => l.name === learn.model);
    if (!planTask) {
        throw new ProgramError(`${file}: no task '${task}'.`);
    }
    if (model?.kind !== 'model') {
        throw new ProgramError(`${file}: learn ${task}: '${learn.model}' is not a model labeler.`);
    }
    if (planTask.output.kind !== 'choice') {
        throw new ProgramError(
            `${file}: learn ${task}: active learning trains choice<L> classifiers; this task outputs ${planTask.output.text}.`,
        );
    }
    const dataset = plan.datasets.find((d) => d.name === planTask.dataset);
    if (!dataset) {
        throw new ProgramError(`${file}: task ${task} labels no dataset, so there is nothing to sample from.`);
    }
    if (learn.stop?.split === 'test') {
        throw new ProgramError(
            `${file}: learn ${task}: \`stop when … on test\` would evaluate the test set every round; stop on validation (the test ` +
                `set is used once, at the end).`,
        );
    }
    const featurizer = model.input.featurizer;
    return {
        program: plan.program,
        programVersion: String(plan.version),
        task,
        labels: [...planTask.classes],
        dataset: datasetSpecOf(dataset, baseDir),
        model: {
            name: model.name,
            path: path.resolve(baseDir, model.path),
            inputField: model.input.field ?? '',
            ...(model.input.fields ? { inputFields: model.input.fields } : {}),
            featurizer:
                featurizer?.kind === 'hashed'
                    ? { kind: 'hashed', dims: featurizer.dims, unsigned: featurizer.unsigned }
                    : featurizer?.kind === 'resize'
                      ? {
                            kind: 'resize',
                            width: featurizer.width,
                            height: featurizer.height,
                            normalization: model.input.normalization ?? undefined,
                        }
                      : undefined,
            encoder: learn.features ? path.resolve(baseDir, learn.features) : undefined,
        },
        learn: {
            strategy: learn.strategy,
            diversity: learn.diversity,
            batch: learn.batch,
            budget: learn.budgetLabels ?? Number.POSITIVE_INFINITY,
            retrainEvery: learn.retrainEvery ?? learn.batch,
            stopAccuracy: learn.stop?.accuracy,
            stopSplit: learn.stop?.split ?? 'validation',
            seed: learn.seed,
        },
        people: planTask.route.stages
            .filter((s) => s.kind === 'human')
            .map((s) => ({ name: s.labeler, accuracy: s.accuracy, cost: s.cost })),
        quality: { target: planTask.quality.target, maxLabels: planTask.quality.maxLabels },
        policy: learningPolicy(planTask, model.name),
        moneyBudget: planTask.cost.budget,
    };
}

/** The task's routing policy without the model being trained (it cannot label its own training data). */
function learningPolicy(task: PlanTask, model: string): RoutingPolicy | undefined {
    const policy = policyFromPlanTask(task);
    const labelers = policy.labelers.filter((l) => l.name !== model);
    return labelers.length > 0 ? { ...policy, labelers } : undefined;
}
