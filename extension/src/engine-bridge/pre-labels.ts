/**
 * Pre-labels on demand: when an item in the labeling queue has no stored model answer, the task's
 * model labelers (the `model` stages of its route) run on it in-process, with the long-lived ONNX
 * sessions, so a detector's boxes are pre-drawn and a classifier's choice preselected before
 * `dprog run` ever ran. The answers are shown as the model's, never stored: only the person's
 * answer is written. No `vscode` import: tested directly.
 */
import * as path from 'node:path';
import { readImage } from '../../../engine/src/data/image.js';
import { joinFields } from '../../../engine/src/data/hashed-featurizer.js';
import { ModelRunner, type ModelInputValue } from '../../../engine/src/executor/model-runner.js';
import type { SessionCache } from '../../../engine/src/learning/session-cache.js';
import type { LabelingPlan, PlanModelLabeler, PlanTask } from '../../../engine/src/plan/types.js';
import type { PreLabelView } from '../../../webview/src/protocol.js';
import type { PreLabelInput } from './dprog-engine.js';

/** The model labelers on a task's route, in route order. */
export function taskModels(plan: LabelingPlan, task: PlanTask): PlanModelLabeler[] {
    const models: PlanModelLabeler[] = [];
    for (const stage of task.route.stages) {
        const labeler = plan.labelers.find((l) => l.name === stage.labeler);
        if (labeler?.kind === 'model' && !models.includes(labeler)) {
            models.push(labeler);
        }
    }
    return models;
}

/** Runs every model of the task's route on the items; answers by item key (items a model cannot read are left out). */
export async function preLabels(
    plan: LabelingPlan,
    programDir: string,
    sessions: SessionCache,
    taskName: string,
    items: readonly PreLabelInput[],
): Promise<Map<string, PreLabelView[]>> {
    const out = new Map<string, PreLabelView[]>();
    const task = plan.tasks.find((t) => t.name === taskName);
    if (!task || items.length === 0) {
        return out;
    }
    const dataset = plan.datasets.find((d) => d.name === task.dataset);
    const runner = new ModelRunner(plan, programDir, sessions);
    for (const model of taskModels(plan, task)) {
        // Several text fields (`input subject, body as hashed N`) are one input, joined as the featurizer expects.
        const fields = model.input.fields ?? (model.input.field === null ? [] : [model.input.field]);
        const fieldType = dataset?.fields.find((f) => f.name === fields[0])?.type;
        const readable = items.filter((item) => fields.length > 0 && fields.every((f) => item.fields[f] !== undefined));
        if (readable.length === 0) {
            continue;
        }
        const inputs: ModelInputValue[] = readable.map((item) => {
            if (fieldType === 'Image' && fields.length === 1) {
                return readImage(path.resolve(programDir, String(item.fields[fields[0]])));
            }
            return fields.length === 1 ? String(item.fields[fields[0]]) : joinFields(fields.map((f) => item.fields[f]));
        });
        const answers = await runner.run(model, inputs);
        readable.forEach((item, i) => {
            const list = out.get(item.key) ?? [];
            list.push({ labeler: model.name, kind: 'model', value: answers[i].value, score: answers[i].score, onDemand: true });
            out.set(item.key, list);
        });
    }
    return out;
}
