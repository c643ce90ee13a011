/**
 * AST → LabelingPlan: a pure function of the program's declarations (and the item counts the
 * caller measured), so the same program always yields the same plan, byte for byte.
 */
import {
    isDataset,
    isFlow,
    isHumanLabeler,
    isLabelSet,
    isLearn,
    isModelLabeler,
    isMonitor,
    isPredictionMonitor,
    isRulesLabeler,
    isShiftMonitor,
    isTask,
    type Element,
    type Expression,
    type Parameter,
} from '../generated/ast.js';
import { withPlanHash } from '../../../engine/src/plan/hash.js';
import {
    PLAN_SCHEMA,
    type LabelingPlan,
    type PlanFlow,
    type PlanLabeler,
    type PlanTotals,
    type PlanStage,
    type PlanTask,
    type PlanWarning,
} from '../../../engine/src/plan/types.js';
import type { DprogType } from '../types/type-descriptions.js';
import { planDataset, planLabelSet } from './datasets.js';
import { round } from './estimates.js';
import { compileFlow } from './flows.js';
import { planLabeler } from './labelers.js';
import { planLearn, planMonitor } from './learn-monitors.js';
import type { ProgramSource } from './program-elements.js';
import { compileTask, directDataset, LabelerIndex } from './tasks.js';
import { planLabelType } from './label-types.js';

export interface CompileOptions {
    /** The program's name when the file has no `program` header (the file's base name). */
    fallbackName: string;
    /** Items per dataset, measured by the caller; a dataset missing here has an unknown count. */
    itemCounts?: ReadonlyMap<string, number | null>;
    /** The type computer (types of `show` expressions and parameters). */
    typeOf: (node: Expression | Parameter) => DprogType;
}

export function compileProgram(source: ProgramSource, options: CompileOptions): LabelingPlan {
    const { file } = source;
    // While a program is being typed, declarations can be incomplete: leave those out of the plan.
    const elements = source.elements.filter(isComplete);
    const warnings: PlanWarning[] = [];
    const itemCounts = options.itemCounts ?? new Map<string, number | null>();

    const datasets = elements.filter(isDataset).map((d) => planDataset(d, itemCounts.get(d.name) ?? null));
    const labelSets = elements.filter(isLabelSet).map(planLabelSet);
    const labelers = elements
        .filter((e) => isHumanLabeler(e) || isModelLabeler(e) || isRulesLabeler(e))
        .map((e) => planLabeler(e as Parameters<typeof planLabeler>[0]));
    const flows = elements.filter(isFlow).map(compileFlow);
    const taskNodes = elements.filter(isTask);

    const labelSetsByName = new Map(labelSets.map((l) => [l.name, l]));
    const labelerIndex = new LabelerIndex(labelers);
    const estimates = new Map();
    const datasetItems = new Map(datasets.map((d) => [d.name, d.items]));
    const flowStages = stagesByTask(flows);
    const tasks: PlanTask[] = taskNodes.map((task) => {
        const reach = taskReach(directDataset(task), flowStages.get(task.name), datasetItems);
        if (reach.dataset !== null && reach.items === null) {
            warnings.push(unknownItemsWarning(task.name, reach.dataset, reach.conditional));
        }
        return compileTask(
            task,
            {
                labelers: labelerIndex,
                labelSets: labelSetsByName,
                typeOf: options.typeOf,
                dataset: reach.dataset,
                items: reach.items,
                estimates,
            },
            warnings,
        );
    });

    for (const warning of defaultAccuracyWarnings(tasks, labelers)) {
        warnings.push(warning);
    }
    const plan = {
        schema: PLAN_SCHEMA,
        program: file.header?.name ?? options.fallbackName,
        version: file.header?.version ?? 1,
        description: file.header?.description ?? null,
        datasets,
        labelSets,
        labelers,
        tasks,
        flows,
        learn: elements.filter(isLearn).map(planLearn),
        monitors: elements.filter(isMonitor).map(planMonitor),
        totals: planTotals(tasks),
        warnings,
    } satisfies Omit<LabelingPlan, 'hash'>;
    return withPlanHash(plan);
}

function unknownItemsWarning(task: string, dataset: string, conditional: boolean): PlanWarning {
    return {
        code: 'plan/unknown-items',
        subject: task,
        message: conditional
            ? `task ${task}: how many items reach it depends on earlier labels; its total cost is unknown until they are in.`
            : `task ${task}: dataset ${dataset} has no readable source yet; its total cost is unknown.`,
    };
}

/** A warning for every routed labeler whose accuracy the plan assumes (it declares none). */
function defaultAccuracyWarnings(tasks: readonly PlanTask[], labelers: readonly PlanLabeler[]): PlanWarning[] {
    const routed = new Set(tasks.flatMap((t) => t.route.stages.map((s) => s.labeler)));
    return labelers
        .filter((l) => l.accuracySource === 'default' && routed.has(l.name))
        .map((l) => ({
            code: 'plan/default-accuracy',
            subject: l.name,
            message:
                `labeler ${l.name} declares no accuracy; the plan assumes ${round(l.accuracy * 100)}% until gold answers ` +
                `and agreement measure it.`,
        }));
}

/** The whole program's expected cost (unknown when a task's is), budget and expected accuracy. */
function planTotals(tasks: readonly PlanTask[]): PlanTotals {
    const totalsKnown = tasks.every((t) => t.cost.total !== null);
    const labeled = tasks.filter((t) => t.route.stages.length > 0);
    return {
        expectedCost: totalsKnown ? round(tasks.reduce((sum, t) => sum + (t.cost.total ?? 0), 0)) : null,
        budget: round(tasks.reduce((sum, t) => sum + (t.cost.budget ?? 0), 0)),
        expectedAccuracy:
            labeled.length > 0 ? round(labeled.reduce((sum, t) => sum + t.redundancy.expectedAccuracy, 0) / labeled.length) : null,
    };
}

/** Whether a declaration has the parts a plan entry needs (it may still have errors elsewhere). */
function isComplete(element: Element): boolean {
    if (isDataset(element)) {
        return Boolean(element.name && element.format && element.path !== undefined);
    }
    if (isLabelSet(element)) {
        return Boolean(element.name);
    }
    if (isHumanLabeler(element)) {
        return Boolean(element.name);
    }
    if (isModelLabeler(element)) {
        return Boolean(element.name && element.path !== undefined);
    }
    if (isRulesLabeler(element)) {
        return Boolean(element.name && element.dataset && planLabelType(element.output));
    }
    if (isTask(element)) {
        return Boolean(element.name && planLabelType(element.output) && element.params.every((p) => p.name && p.type));
    }
    if (isFlow(element)) {
        return Boolean(element.name && element.params.every((p) => p.name && p.type));
    }
    if (isLearn(element)) {
        return Boolean(element.task && element.model);
    }
    if (isShiftMonitor(element)) {
        return Boolean(element.source);
    }
    if (isPredictionMonitor(element)) {
        return Boolean(element.model);
    }
    return true;
}

/** For each task, the first flow that runs it (declaration order) and its stages there. */
function stagesByTask(flows: PlanFlow[]): Map<string, { flow: PlanFlow; stages: PlanStage[] }> {
    const result = new Map<string, { flow: PlanFlow; stages: PlanStage[] }>();
    for (const flow of flows) {
        if (!flow.input.some((p) => p.type.kind === 'dataset')) {
            continue;
        }
        const local = new Map<string, PlanStage[]>();
        for (const stage of flow.stages) {
            const list = local.get(stage.task) ?? [];
            list.push(stage);
            local.set(stage.task, list);
        }
        for (const [task, stages] of local) {
            if (!result.has(task)) {
                result.set(task, { flow, stages });
            }
        }
    }
    return result;
}

/**
 * Which dataset's items reach a task, and how many. A task on a dataset parameter sees every item;
 * a task reached through a flow sees every item of the flow's dataset when its stage is
 * unconditional, and an unknown number (depending on earlier labels) otherwise.
 */
function taskReach(
    direct: string | null,
    viaFlow: { flow: PlanFlow; stages: PlanStage[] } | undefined,
    datasetItems: ReadonlyMap<string, number | null>,
): { dataset: string | null; items: number | null; conditional: boolean } {
    if (direct !== null) {
        return { dataset: direct, items: datasetItems.get(direct) ?? null, conditional: false };
    }
    if (viaFlow) {
        const input = viaFlow.flow.input.find((p) => p.type.kind === 'dataset')!;
        const dataset = input.type.kind === 'dataset' ? input.type.dataset : null;
        const unconditional = viaFlow.stages.some((s) => s.conditions.length === 0 && s.forEach === null);
        return {
            dataset,
            items: unconditional && dataset !== null ? (datasetItems.get(dataset) ?? null) : null,
            conditional: !unconditional,
        };
    }
    return { dataset: null, items: null, conditional: false };
}
