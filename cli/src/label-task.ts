/**
 * What `dprog label import|export` know about a task: its output type and label set (from
 * `--program FILE`, else from the plan last recorded in the store), and with a program its
 * dataset's items (Label Studio puts an item's fields in a task's `data`).
 */
import * as path from 'node:path';
import { readPlanItems } from '../../engine/src/data/plan-items.js';
import { DataError } from '../../engine/src/data/errors.js';
import { PlanFormatError, validatePlan } from '../../engine/src/plan/serialize.js';
import type { LabelingPlan, PlanTask } from '../../engine/src/plan/types.js';
import type { TaskType } from '../../engine/src/store/formats/index.js';
import type { Store } from '../../engine/src/store/index.js';
import type { JsonValue, StoredPlan } from '../../engine/src/store/types.js';
import { compileProgramFile } from './compiled-program.js';
import { ProgramError } from './errors.js';
import { formatDiagnostic } from './program.js';

export interface LabelTask {
    type?: TaskType;
    /** Where the type came from: the program file, or `plan <program> version <v> in the store`. */
    typeFrom?: string;
    plan?: LabelingPlan;
    planTask?: PlanTask;
    programFile?: string;
}

/** The task as the program declares it; errors when the program has errors or no such task. */
async function fromProgram(file: string, task: string): Promise<LabelTask> {
    const { plan, diagnostics } = await compileProgramFile(file);
    if (!plan) {
        throw new ProgramError(
            `${file} has errors:\n${diagnostics
                .filter((d) => d.severity === 'error')
                .map(formatDiagnostic)
                .join('\n')}`,
        );
    }
    const planTask = plan.tasks.find((t) => t.name === task);
    if (!planTask) {
        throw new ProgramError(`${file}: no task '${task}'; its tasks: ${plan.tasks.map((t) => t.name).join(', ') || 'none'}`);
    }
    return { type: { output: planTask.output, classes: planTask.classes }, typeFrom: file, plan, planTask, programFile: file };
}

/** The most recently recorded plan that declares `task`, if any (on either backend). */
async function fromStore(store: Store, task: string): Promise<LabelTask> {
    const stored: StoredPlan[] = [];
    for (const program of await store.planPrograms()) {
        const latest = await store.getPlan(program);
        if (latest) {
            stored.push(latest);
        }
    }
    stored.sort((a, b) => (b.compiledAt ?? '').localeCompare(a.compiledAt ?? ''));
    for (const entry of stored) {
        let plan: LabelingPlan;
        try {
            plan = validatePlan(entry.plan);
        } catch (error) {
            if (error instanceof PlanFormatError) {
                continue;
            }
            throw error;
        }
        const planTask = plan.tasks.find((t) => t.name === task);
        if (planTask) {
            return {
                type: { output: planTask.output, classes: planTask.classes },
                typeFrom: `plan ${plan.program} version ${plan.version} in the store`,
                plan,
                planTask,
            };
        }
    }
    return {};
}

/**
 * The task from `program`, else from the store. `lenient` (exports, where the type only adds to the
 * files): a program with errors or without the task falls back to the store, saying why in `problem`.
 */
export async function labelTask(
    store: Store,
    task: string,
    program: string | undefined,
    lenient = false,
): Promise<LabelTask & { problem?: string }> {
    if (!program) {
        return fromStore(store, task);
    }
    try {
        return await fromProgram(program, task);
    } catch (error) {
        if (!lenient || !(error instanceof ProgramError)) {
            throw error;
        }
        return { ...(await fromStore(store, task)), problem: error.message.split('\n')[0] };
    }
}

/** The folder image item keys are relative to (the program's folder), when the task labels an images dataset of `--program`. */
export function imagesFolder(context: LabelTask): string | undefined {
    const dataset = context.plan?.datasets.find((d) => d.name === context.planTask?.dataset);
    return dataset?.format === 'images' && context.programFile ? path.dirname(path.resolve(context.programFile)) : undefined;
}

/** The task's items by key (their fields, Image fields left out), read from the program's dataset; why not, when it cannot be read. */
export function taskItems(context: LabelTask): { fieldsOf?: (item: string) => Record<string, JsonValue> | undefined; problem?: string } {
    const dataset = context.plan?.datasets.find((d) => d.name === context.planTask?.dataset);
    if (!dataset || !context.programFile) {
        return {};
    }
    try {
        const images = new Set(dataset.fields.filter((f) => f.type === 'Image').map((f) => f.name));
        const items = new Map(
            readPlanItems(dataset, path.dirname(path.resolve(context.programFile))).map((item) => [
                item.key,
                Object.fromEntries(Object.entries(item.fields).filter(([name]) => !images.has(name))) as Record<string, JsonValue>,
            ]),
        );
        return { fieldsOf: (item) => items.get(item) };
    } catch (error) {
        if (error instanceof DataError) {
            return { problem: `the items of dataset ${dataset.name} could not be read (${error.message})` };
        }
        throw error;
    }
}
