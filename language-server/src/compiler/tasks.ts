/** A task as a plan entry: contract, eligibility, concrete route, quality, redundancy and cost. */
import { isDatasetTypeRef, isField, isMemberAccess, type Expression, type Parameter, type Task } from '../generated/ast.js';
import type {
    PlanEligibility,
    PlanLabeler,
    PlanLabelSet,
    PlanLabelType,
    PlanQuality,
    PlanRoute,
    PlanRouteStage,
    PlanShown,
    PlanTask,
    PlanWarning,
} from '../../../engine/src/plan/types.js';
import { contentHash } from '../../../engine/src/plan/hash.js';
import { typeToString, type DprogType } from '../types/type-descriptions.js';
import { estimateTask, round, type EstimateCache } from './estimates.js';
import { reachableAccuracy, type Reachability } from '../../../engine/src/quality/reachable.js';
import { labelSetName, planLabelType, planParameters } from './label-types.js';
import { sourceText } from './source-text.js';
import { refName } from './ref-name.js';

/** What the compiler assumes when `quality` leaves something out (the routing engine's defaults). */
export const DEFAULT_QUALITY = { target: 0.95, gold: 0, maxLabels: 5 } as const;

/** The program's labelers, indexed so each task looks only at the ones that could label it. */
export class LabelerIndex {
    readonly byName: ReadonlyMap<string, PlanLabeler>;
    private readonly order: ReadonlyMap<string, number>;
    private readonly humans: readonly PlanLabeler[];
    private readonly byOutput: ReadonlyMap<string, PlanLabeler[]>;

    constructor(readonly all: readonly PlanLabeler[]) {
        this.byName = new Map(all.map((l) => [l.name, l]));
        this.order = new Map(all.map((l, i) => [l.name, i]));
        this.humans = all.filter((l) => l.kind === 'human');
        const byOutput = new Map<string, PlanLabeler[]>();
        for (const l of all) {
            if (l.kind !== 'human' && l.output) {
                const list = byOutput.get(l.output.text) ?? [];
                list.push(l);
                byOutput.set(l.output.text, list);
            }
        }
        this.byOutput = byOutput;
    }

    /** Humans, labelers with this output type, and the named ones; in declaration order. */
    candidates(output: PlanLabelType, named: readonly string[]): PlanLabeler[] {
        const set = new Set<PlanLabeler>([...this.humans, ...(this.byOutput.get(output.text) ?? [])]);
        for (const name of named) {
            const labeler = this.byName.get(name);
            if (labeler) {
                set.add(labeler);
            }
        }
        return [...set].sort((a, b) => this.order.get(a.name)! - this.order.get(b.name)!);
    }
}

export interface TaskContext {
    labelers: LabelerIndex;
    labelSets: ReadonlyMap<string, PlanLabelSet>;
    typeOf: (node: Expression | Parameter) => DprogType;
    /** The dataset whose items the task labels (own parameter, else through a flow). */
    dataset: string | null;
    /** How many items will reach the task, or null when unknown. */
    items: number | null;
    /** Redundancy estimates already computed in this compile. */
    estimates: EstimateCache;
}

/** Reachability by labelers' accuracies (a seeded Monte-Carlo estimate), computed once per distinct route and quality. */
const reachabilities = new Map<string, Reachability>();
const REACHABILITY_LIMIT = 500;
function reachability(stages: readonly PlanRouteStage[], classes: number, maxLabels: number, target: number): Reachability {
    const key = JSON.stringify([stages.map((s) => [s.accuracy, s.answers]), classes, maxLabels, target]);
    let known = reachabilities.get(key);
    if (!known) {
        known = reachableAccuracy(stages, classes, maxLabels, target);
        // Bounded like estimates.ts's cache of policy estimates: a language server compiles for as long as it runs.
        if (reachabilities.size >= REACHABILITY_LIMIT) {
            reachabilities.delete(reachabilities.keys().next().value!);
        }
        reachabilities.set(key, known);
    }
    return known;
}

export function compileTask(task: Task, context: TaskContext, warnings: PlanWarning[]): PlanTask {
    const output = planLabelType(task.output) ?? { kind: 'text', text: 'text' };
    const input = planParameters(task.params);
    const classes = classesOf(output, context.labelSets);
    const question = task.question ?? null;
    const contractHash = contentHash({ input, output, members: classes, question });
    const skills = [...task.skills];
    // Every labeler that can label the task, plus the route's labelers that cannot (with why):
    // listing every labeler of a large program for every task would make plans quadratic in size.
    const routed = task.route?.labelers.map((r) => refName(r)) ?? [];
    const candidates = context.labelers.candidates(output, routed);
    const eligible = candidates.map((l) => eligibility(l, output, skills, input)).filter((e) => e.eligible || routed.includes(e.labeler));
    const quality = compileQuality(task, output);
    // One-coin answers over the label set for a single choice; a yes/no decision otherwise
    // (per member for choices, agreement for boxes, text and numbers).
    const modelClasses = output.kind === 'choice' ? Math.max(2, classes.length) : 2;
    const route = compileRoute(task, context.labelers.byName, candidates, eligible, quality, modelClasses, warnings);
    const estimate = estimateTask(route.strategy, route.stages, quality, modelClasses, context.estimates);
    const reach = route.stages.length > 0 ? reachability(route.stages, modelClasses, quality.maxLabels, quality.target) : undefined;
    if (reach && !reach.reachable) {
        warnings.push({
            code: 'plan/target-unreachable',
            subject: task.name,
            message:
                `task ${task.name}: the declared labelers cannot reach the ${percent(quality.target)} target with at most ` +
                `${quality.maxLabels} label(s) per item; the best they can reach is about ` +
                `${percent(Math.round(reach.best * 1000) / 1000)}. Add a more accurate labeler, allow more labels or lower the target.`,
        });
    } else if (route.stages.length > 0 && estimate.redundancy.minAnswers === null) {
        warnings.push({
            code: 'plan/target-unreachable',
            subject: task.name,
            message:
                `task ${task.name}: even ${estimate.redundancy.maxAnswers} agreeing answer(s) cannot reach the ` +
                `${percent(quality.target)} target; add labelers, allow more labels or lower the target.`,
        });
    } else if (route.stages.length > 0 && estimate.redundancy.reachProbability < 0.5) {
        warnings.push({
            code: 'plan/target-rarely-reached',
            subject: task.name,
            message:
                `task ${task.name}: only ${percent(round(estimate.redundancy.reachProbability))} of items are expected to ` +
                `reach the ${percent(quality.target)} target within ${estimate.redundancy.maxAnswers} answer(s); allow more ` +
                `labels, add a more accurate labeler or lower the target.`,
        });
    }
    const items = context.items;
    const total = items === null ? null : round(estimate.perItem * items);
    const budget = task.budget ?? null;
    const withinBudget = total === null || budget === null ? null : total <= budget;
    if (withinBudget === false) {
        warnings.push({
            code: 'plan/over-budget',
            subject: task.name,
            message: `task ${task.name}: expected cost ${money(total!)} for ${items} item(s) exceeds the budget of ${money(budget!)}.`,
        });
    }
    return {
        name: task.name,
        description: task.description ?? null,
        contractHash,
        input,
        output,
        classes,
        question,
        show: compileShow(task, context),
        skills,
        eligible,
        route,
        quality,
        redundancy: estimate.redundancy,
        cost: { perItem: estimate.perItem, maxPerItem: estimate.maxPerItem, items, total, budget, withinBudget },
        dataset: context.dataset,
    };
}

/** The members a label is chosen from: the output's label set, `false`/`true` for bool, else none. */
export function classesOf(output: PlanLabelType, labelSets: ReadonlyMap<string, PlanLabelSet>): string[] {
    if (output.kind === 'bool') {
        return ['false', 'true'];
    }
    const name = labelSetName(output);
    return name ? (labelSets.get(name)?.members.map((m) => m.name) ?? []) : [];
}

function eligibility(labeler: PlanLabeler, output: PlanLabelType, skills: string[], input: PlanTask['input']): PlanEligibility {
    const result = (reason: string | null): PlanEligibility => ({
        labeler: labeler.name,
        kind: labeler.kind,
        eligible: reason === null,
        reason,
    });
    if (labeler.kind === 'human') {
        const missing = skills.filter((s) => !labeler.skills.includes(s));
        return result(missing.length > 0 ? `lacks skills [${missing.join(', ')}]` : null);
    }
    if (!labeler.output || labeler.output.text !== output.text) {
        return result(`outputs ${labeler.output?.text ?? 'nothing declared'}, not ${output.text}`);
    }
    if (labeler.kind === 'rules') {
        const datasets = input.flatMap((p) => (p.type.kind === 'dataset' ? [p.type.dataset] : []));
        if (datasets.length > 0 && !datasets.includes(labeler.dataset)) {
            return result(`reads ${labeler.dataset}, not ${datasets.join(', ')}`);
        }
    }
    return result(null);
}

function compileQuality(task: Task, output: PlanLabelType): PlanQuality {
    const q = task.quality;
    const defaulted: PlanQuality['defaulted'] = [];
    // A value left out, or out of range (the checker reports it as an error), takes the default.
    const pick = <T>(
        key: PlanQuality['defaulted'][number],
        value: T | undefined,
        fallback: T,
        valid: (v: T) => boolean = () => true,
    ): T => {
        if (value === undefined || !valid(value)) {
            defaulted.push(key);
            return fallback;
        }
        return value;
    };
    const target = pick('target', q?.target, DEFAULT_QUALITY.target, (v) => v > 0 && v < 1);
    const aggregate = pick('aggregate', q?.aggregate as PlanQuality['aggregate'] | undefined, defaultAggregate(output));
    const gold = pick('gold', q?.gold, DEFAULT_QUALITY.gold, (v) => v >= 0 && v < 1);
    const maxLabels = pick('maxLabels', q?.maxLabels, DEFAULT_QUALITY.maxLabels, (v) => Number.isInteger(v) && v >= 1);
    return { target, aggregate, gold, maxLabels, defaulted };
}

function defaultAggregate(output: PlanLabelType): PlanQuality['aggregate'] {
    const inner = output.kind === 'list' ? output.element : output;
    if (inner.kind === 'box') {
        return 'box_consensus';
    }
    if (output.kind === 'choice' || output.kind === 'choices' || output.kind === 'bool') {
        return 'dawid_skene';
    }
    return 'majority';
}

function compileRoute(
    task: Task,
    byName: ReadonlyMap<string, PlanLabeler>,
    candidates: readonly PlanLabeler[],
    eligible: PlanEligibility[],
    quality: PlanQuality,
    classes: number,
    warnings: PlanWarning[],
): PlanRoute {
    const isEligible = new Map(eligible.map((e) => [e.labeler, e]));
    const eligibleOf = (l: PlanLabeler) => isEligible.get(l.name) ?? { eligible: false, reason: 'not eligible' };
    const strategy = (task.route?.strategy ?? 'cascade') as PlanRoute['strategy'];
    let chosen: PlanLabeler[];
    if (task.route) {
        chosen = [];
        for (const ref of task.route.labelers) {
            const labeler = byName.get(refName(ref));
            if (!labeler) {
                continue;
            }
            const e = eligibleOf(labeler);
            if (!e.eligible) {
                warnings.push({
                    code: 'plan/ineligible-labeler',
                    subject: task.name,
                    message: `task ${task.name}: ${labeler.name} ${e.reason}; it is left out of the route.`,
                });
                continue;
            }
            chosen.push(labeler);
        }
    } else {
        const kindOrder = { rules: 0, model: 1, human: 2 };
        chosen = candidates
            .filter((l) => eligibleOf(l).eligible)
            .map((l, index) => ({ l, index }))
            .sort(
                (a, b) =>
                    kindOrder[a.l.kind] - kindOrder[b.l.kind] || (a.l.kind === 'human' ? a.l.cost - b.l.cost : 0) || a.index - b.index,
            )
            .map(({ l }) => l);
    }
    const chance = 1 / classes;
    let stages: PlanRouteStage[] = chosen.map((l) => ({
        labeler: l.name,
        kind: l.kind,
        cost: l.cost,
        accuracy: l.accuracy,
        answers: l.kind === 'human' ? l.pool : 1,
        accuracyPerCost: l.cost > 0 ? round((l.accuracy - chance) / l.cost) : null,
    }));
    if (strategy === 'best') {
        const value = (s: PlanRouteStage) => (s.accuracy - chance) / Math.max(s.cost, 1e-9);
        stages = stages
            .map((s, index) => ({ s, index }))
            .sort((a, b) => value(b.s) - value(a.s) || b.s.accuracy - a.s.accuracy || a.index - b.index)
            .map(({ s }) => s);
    }
    if (stages.length === 0) {
        warnings.push({
            code: 'plan/no-labeler',
            subject: task.name,
            message:
                `task ${task.name}: no eligible labeler; add a route or a labeler that can produce ` +
                `${planLabelType(task.output)?.text ?? 'its output'}.`,
        });
    }
    const order = stages.map((s) => (s.answers > 1 ? `${s.labeler} (up to ${s.answers})` : s.labeler)).join(' → ');
    const stop = `stop when an item's posterior reaches ${percent(quality.target)} or after ${quality.maxLabels} answer(s)`;
    const stopping =
        stages.length === 0
            ? 'no eligible labeler: nothing is asked'
            : strategy === 'cascade'
              ? `ask ${order} in turn; ${stop}`
              : `ask the best value first: ${order}; ${stop}`;
    return { strategy, declared: task.route !== undefined, stages, stopping };
}

function compileShow(task: Task, context: TaskContext): PlanShown[] {
    if (task.show.length > 0) {
        return task.show.map((expression) => {
            const field = isMemberAccess(expression) && isField(expression.member?.ref) ? expression.member.ref.name : null;
            return { expression: sourceText(expression), field, type: typeToString(context.typeOf(expression)) };
        });
    }
    // Default: every field of each dataset parameter, every other parameter whole.
    return task.params.flatMap((param): PlanShown[] => {
        const dataset = isDatasetTypeRef(param.type) ? param.type.dataset?.ref : undefined;
        if (dataset) {
            const fields: PlanShown[] = dataset.fields.map((f) => ({ expression: `${param.name}.${f.name}`, field: f.name, type: f.type }));
            return dataset.format === 'images' && !fields.some((f) => f.field === 'image')
                ? [{ expression: `${param.name}.image`, field: 'image', type: 'Image' }, ...fields]
                : fields;
        }
        return [{ expression: param.name, field: null, type: typeToString(context.typeOf(param)) }];
    });
}

/** The dataset a task labels directly: its first dataset parameter. */
export function directDataset(task: Task): string | null {
    for (const p of task.params) {
        if (isDatasetTypeRef(p.type)) {
            return refName(p.type.dataset);
        }
    }
    return null;
}

export function percent(share: number): string {
    return `${round(share * 100)}%`;
}

export function money(value: number): string {
    return `$${value.toFixed(2)}`;
}
