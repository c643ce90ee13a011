/**
 * Active learning: `learn T using M` needs a model M whose output type equals T's, reading a
 * field of T's dataset; settings in range; and a stopping split that exists (evaluating on
 * `test` while learning spends the test set, which is for one final estimate).
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { isLearn, isValueTypeExpr, type DprogAstType, type DprogFile, type Learn, type Task } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { typesEqual } from '../types/assignability.js';
import { typeToString } from '../types/type-descriptions.js';
import { checkModelInputOn } from './models.js';
import { datasetOfTask, lineOf, foundShare } from './util.js';

export const LearnIssues = {
    /** The model's output type differs from the task's (data: modelOutput, taskOutput). */
    modelOutput: 'learn/model-output',
    /** The task has no dataset input, so there is nothing to sample. */
    taskInput: 'learn/task-input',
    /** A setting out of range (diversity, batch, budget, retrain every, stop accuracy). */
    valueRange: 'learn/value-range',
    /** `stop … on S` where S is not a bucket of the dataset's split (data: split, buckets). */
    stopSplit: 'learn/stop-split',
    /** `stop … on test`: the test set would be evaluated repeatedly. */
    stopOnTest: 'learn/stop-on-test',
    /** Two `learn` blocks for one task in one file. */
    duplicate: 'learn/duplicate',
} as const;

export class LearnChecks {
    /** The services are read when a check runs: the validator is built before all of them exist. */
    constructor(private readonly services: DprogServices) {}

    readonly checks: ValidationChecks<DprogAstType> = {
        Learn: [(learn, accept) => this.checkModel(learn, accept), (learn, accept) => this.checkSettings(learn, accept)],
        DprogFile: (file, accept) => this.checkOnePerTask(file, accept),
    };

    private checkOnePerTask(file: DprogFile, accept: ValidationAcceptor): void {
        const first = new Map<Task, Learn>();
        for (const learn of file.elements.filter(isLearn)) {
            const task = learn.task?.ref;
            if (!task) {
                continue;
            }
            const previous = first.get(task);
            if (previous) {
                accept(
                    'error',
                    `Task '${task.name}' already learns on line ${lineOf(previous)}; one learn block per task decides which items ` +
                        `get labeled.`,
                    {
                        node: learn,
                        property: 'task',
                        code: LearnIssues.duplicate,
                        data: { code: LearnIssues.duplicate },
                    },
                );
            } else {
                first.set(task, learn);
            }
        }
    }

    private checkModel(learn: Learn, accept: ValidationAcceptor): void {
        const task = learn.task?.ref;
        const model = learn.model?.ref;
        if (!task) {
            return;
        }
        const dataset = datasetOfTask(task);
        const takesImage = task.params.some((param) => isValueTypeExpr(param.type) && param.type.name === 'Image');
        if (!dataset && takesImage) {
            // A rule of dprog (docs/language-rules.md): crops exist only once a flow's boxes are final.
            accept(
                'error',
                `Task '${task.name}' reads an image (such as a crop a flow cuts from boxes), not a dataset's items: active ` +
                    `learning chooses among a dataset's items before they are labeled, and crops exist only once their boxes are ` +
                    `final. Learn the task over the dataset the flow reads, or declare the crops as an 'images' dataset.`,
                {
                    node: learn,
                    property: 'task',
                    code: LearnIssues.taskInput,
                    data: { code: LearnIssues.taskInput },
                },
            );
        } else if (!dataset) {
            accept(
                'error',
                `Task '${task.name}' has no dataset input, so there are no items to choose from; learn needs a task like ` +
                    `'classify(e: emails)'.`,
                {
                    node: learn,
                    property: 'task',
                    code: LearnIssues.taskInput,
                    data: { code: LearnIssues.taskInput },
                },
            );
        }
        if (!model?.output || !task.output) {
            return;
        }
        const modelOutput = this.services.types.TypeComputer.typeOf(model.output);
        const taskOutput = this.services.types.TypeComputer.typeOf(task.output);
        if (!typesEqual(modelOutput, taskOutput)) {
            accept(
                'error',
                `Model '${model.name}' outputs '${typeToString(modelOutput)}', but task '${task.name}' outputs ` +
                    `'${typeToString(taskOutput)}'; learn needs the same type.`,
                {
                    node: learn,
                    property: 'model',
                    code: LearnIssues.modelOutput,
                    data: { code: LearnIssues.modelOutput, modelOutput: typeToString(modelOutput), taskOutput: typeToString(taskOutput) },
                },
            );
            return;
        }
        if (dataset) {
            checkModelInputOn(model, dataset, accept, { node: learn, property: 'model' });
        }
    }

    private checkSettings(learn: Learn, accept: ValidationAcceptor): void {
        const range = (property: 'diversity' | 'stopAccuracy', value: number | undefined, ok: boolean, wanted: string): void => {
            if (value !== undefined && !ok) {
                accept('error', `${wanted}; found ${foundShare(learn, property, value)}`, {
                    node: learn,
                    property,
                    code: LearnIssues.valueRange,
                    data: { code: LearnIssues.valueRange },
                });
            }
        };
        range(
            'diversity',
            learn.diversity,
            learn.diversity !== undefined && learn.diversity >= 0 && learn.diversity <= 1,
            'Diversity is a share between 0% and 100%',
        );
        range(
            'stopAccuracy',
            learn.stopAccuracy,
            learn.stopAccuracy !== undefined && learn.stopAccuracy > 0 && learn.stopAccuracy <= 1,
            'The stopping accuracy is above 0% and at most 100%',
        );
        for (const [property, label] of [
            ['batch', 'A batch'],
            ['budget', 'A budget'],
            ['retrainEvery', "'retrain every'"],
            ['seed', 'A seed'],
        ] as const) {
            const value = learn[property];
            const minimum = property === 'seed' ? 0 : 1;
            if (value !== undefined && !(Number.isInteger(value) && value >= minimum)) {
                accept('error', `${label} is a whole number of at least ${minimum}; found ${value}.`, {
                    node: learn,
                    property,
                    code: LearnIssues.valueRange,
                    data: { code: LearnIssues.valueRange },
                });
            }
        }
        if (!learn.stopSplit) {
            return;
        }
        const dataset = datasetOfTask(learn.task?.ref);
        const buckets = dataset?.splits[0]?.buckets.map((b) => b.name);
        if (dataset && buckets && !buckets.includes(learn.stopSplit)) {
            accept(
                'error',
                `Dataset '${dataset.name}' has no split bucket '${learn.stopSplit}' (it has ${buckets.map((b) => `'${b}'`).join(', ')}).`,
                {
                    node: learn,
                    property: 'stopSplit',
                    code: LearnIssues.stopSplit,
                    data: { code: LearnIssues.stopSplit, split: learn.stopSplit, buckets },
                },
            );
        } else if (dataset && !buckets) {
            accept(
                'error',
                `Dataset '${dataset.name}' has no split, so there is no '${learn.stopSplit}' bucket to evaluate on; add 'split by …'.`,
                {
                    node: learn,
                    property: 'stopSplit',
                    code: LearnIssues.stopSplit,
                    data: { code: LearnIssues.stopSplit, split: learn.stopSplit, buckets: [] },
                },
            );
        } else if (learn.stopSplit === 'test') {
            accept(
                'warning',
                `Stopping on 'test' evaluates the test set after every retraining; a test set is used once. Stop on 'validation' instead.`,
                {
                    node: learn,
                    property: 'stopSplit',
                    code: LearnIssues.stopOnTest,
                    data: { code: LearnIssues.stopOnTest },
                },
            );
        }
    }
}
