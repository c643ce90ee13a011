/**
 * From a checked program to the engine's LearnProgram for one task: the `learn T using M` block,
 * the task's dataset and label set, the model labeler and the people on the task's route.
 * (Reads the linked AST; switch to the compiled LabelingPlan once it carries the learn block.)
 */
import * as path from 'node:path';
import type { AstNode } from 'langium';
import {
    isClassLabelType,
    isDataset,
    isDatasetTypeRef,
    isHashedFeaturizer,
    isHumanLabeler,
    isLearn,
    isModelLabeler,
    type Dataset,
    type DprogFile,
    type Learn,
    type ModelLabeler,
} from '../../language-server/src/generated/ast.js';
import type { DatasetSpec } from '../../engine/src/data/dataset.js';
import type { LearnProgram } from '../../engine/src/learning/learn-program.js';
import { SAMPLING_STRATEGIES } from '../../engine/src/learning/uncertainty.js';
import { ProgramError, UsageError } from './errors.js';
import { hasErrors, loadProgram, formatDiagnostic } from './program.js';

function fileOf(node: AstNode): string {
    let root: AstNode = node;
    while (root.$container) root = root.$container;
    return root.$document?.uri.fsPath ?? '';
}

/** Resolves a path written in a program against the folder of the file that wrote it. */
function resolveFrom(node: AstNode, relative: string): string {
    return path.resolve(path.dirname(fileOf(node)), relative);
}

export function datasetSpec(dataset: Dataset): DatasetSpec {
    const split = dataset.splits[0];
    return {
        name: dataset.name,
        format: dataset.format as DatasetSpec['format'],
        path: resolveFrom(dataset, dataset.path),
        fields: dataset.fields.map((f) => ({ name: f.name, type: f.type, key: f.key, source: f.source })),
        split: split
            ? { field: split.field.ref?.name ?? split.field.$refText, buckets: split.buckets.map((b) => ({ name: b.name, share: b.share })) }
            : undefined,
    };
}

function modelSpec(model: ModelLabeler, learn: Learn | undefined): LearnProgram['model'] {
    const featurizer = model.input?.featurizer;
    return {
        name: model.name,
        path: resolveFrom(model, model.path),
        inputField: model.input?.field ?? '',
        featurizer: featurizer && isHashedFeaturizer(featurizer) ? { kind: 'hashed', dims: featurizer.dims } : undefined,
        encoder: learn?.encoder ? resolveFrom(learn, learn.encoder) : undefined,
    };
}

/** Loads FILE, refuses it when it has errors, and returns the learning set-up of `task`. */
export async function loadLearnProgram(file: string, task: string): Promise<LearnProgram> {
    const { documents, diagnostics } = await loadProgram([file]);
    if (hasErrors(diagnostics)) {
        throw new ProgramError(`${file} has errors; fix them first:\n${diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`);
    }
    const root = documents[0].parseResult.value as DprogFile;
    const learns = root.elements.filter(isLearn);
    const learn = learns.find((l) => l.task.ref?.name === task);
    if (!learn) {
        const known = learns.map((l) => l.task.$refText);
        throw new UsageError(`${file}: no \`learn ${task} using …\` block${known.length > 0 ? `; there is one for: ${known.join(', ')}` : ''}`);
    }
    const taskNode = learn.task.ref!;
    const model = learn.model.ref;
    if (!model || !isModelLabeler(model)) throw new ProgramError(`${file}: learn ${task}: '${learn.model.$refText}' is not a model labeler`);
    const datasetType = taskNode.params.map((p) => p.type).find(isDatasetTypeRef);
    const dataset = datasetType?.dataset.ref;
    if (!dataset || !isDataset(dataset)) throw new ProgramError(`${file}: task ${task} has no dataset parameter to learn from`);
    const output = taskNode.output;
    if (!isClassLabelType(output) || output.kind !== 'choice' || !output.labelSet.ref) {
        throw new ProgramError(`${file}: learn ${task}: active learning supports choice<L> tasks; this task outputs something else`);
    }
    const strategy = learn.strategy ?? 'margin';
    if (!SAMPLING_STRATEGIES.includes(strategy)) throw new ProgramError(`${file}: unknown strategy '${strategy}'`);
    const batch = learn.batch ?? 50;
    const header = root.header;
    const people = (taskNode.route?.labelers ?? []).map((r) => r.ref).filter(isHumanLabeler);
    return {
        program: header?.name ?? path.basename(file, '.dprog'),
        programVersion: String(header?.version ?? 1),
        task,
        labels: output.labelSet.ref.members.map((m) => m.name),
        dataset: datasetSpec(dataset),
        model: modelSpec(model, learn),
        learn: {
            strategy,
            diversity: learn.diversity ?? 0,
            batch,
            budget: learn.budget ?? Number.POSITIVE_INFINITY,
            retrainEvery: learn.retrainEvery ?? batch,
            stopAccuracy: learn.stopAccuracy,
            stopSplit: learn.stopSplit ?? 'validation',
            seed: learn.seed ?? 1,
        },
        people: people.map((p) => ({ name: p.name, accuracy: p.accuracy ?? 0.9, cost: p.cost ?? 0 })),
        quality: { target: taskNode.quality?.target ?? 0.95, maxLabels: taskNode.quality?.maxLabels ?? 3 },
    };
}
