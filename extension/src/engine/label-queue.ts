/**
 * The annotation queue of one task. A choice task's queue is what the routing policy wants from
 * this person: items that are not done and that the policy would ask them about, most valuable
 * first — the active-learning score times the item's need (1 − its confidence). Other tasks: the
 * active-learning batch first, then every other item no person has labeled yet. Model and rule
 * answers already in the store come along as editable pre-labels.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readDataset, type DataItem, type DatasetSpec } from '../../../engine/src/data/dataset.js';
import { assignBucket } from '../../../engine/src/data/split.js';
import type { LabelingPlan, PlanDataset, PlanTask } from '../../../engine/src/plan/types.js';
import { routedByPolicy, TaskRouting } from '../../../engine/src/executor/task-routing.js';
import type { Label, LabelerEstimate, StageState } from '../../../engine/src/store/types.js';
import { currentIds, openEntries, type RelabelEntry } from '../../../engine/src/migration/relabel-queue.js';
import type { ClassView, PreLabelView, QueueItemView, TaskView } from '../../../webview/src/protocol.js';
import type { SampleResult } from './engine.js';

/** Items sent to the webview at once; the panel asks for the queue again when it runs out. */
export const QUEUE_PAGE = 200;
/** Longest field text sent to the webview (longer texts are cut, with a note). */
const MAX_FIELD_CHARS = 20_000;

export function taskView(plan: LabelingPlan, task: PlanTask, labeler: string): TaskView {
    const setName =
        'labelSet' in task.output
            ? task.output.labelSet
            : task.output.kind === 'list' && 'labelSet' in task.output.element
              ? task.output.element.labelSet
              : undefined;
    const members = plan.labelSets.find((s) => s.name === setName)?.members ?? [];
    const used = new Set(members.map((m) => m.hotkey?.toLowerCase()).filter((k): k is string => !!k));
    let next = 1;
    const classes: ClassView[] = members.map((m) => {
        let hotkey = m.hotkey?.toLowerCase();
        if (!hotkey) {
            while (used.has(String(next)) && next < 10) {
                next++;
            }
            hotkey = next <= 9 ? String(next++) : '';
        }
        return { name: m.name, description: m.description, hotkey };
    });
    const dataset = plan.datasets.find((d) => d.name === task.dataset);
    const show =
        task.show.length > 0
            ? task.show.map((s) => ({ name: s.field ?? s.expression, type: s.type }))
            : (dataset?.fields ?? []).map((f) => ({ name: f.name, type: f.type }));
    const person = plan.labelers.find((l) => l.name === labeler);
    return { name: task.name, question: task.question, output: task.output, classes, show, costPerLabel: person?.cost ?? 0 };
}

/** Reads a dataset declared in a plan (paths relative to the program's folder). */
export function readPlanDataset(programDir: string, dataset: PlanDataset): DataItem[] {
    if (dataset.format === 'images') {
        return readImageDataset(programDir, dataset);
    }
    const spec: DatasetSpec = {
        name: dataset.name,
        format: dataset.format,
        path: path.resolve(programDir, dataset.path),
        fields: dataset.fields.map((f) => ({ name: f.name, type: f.type, key: f.key, source: f.source ?? undefined })),
        split: dataset.split ? { field: dataset.split.field, buckets: dataset.split.buckets } : undefined,
    };
    return readDataset(spec).items;
}

/** `images "dir/*.png"`: the files matching the last path segment's `*`/`?` pattern, keyed by their path. */
function readImageDataset(programDir: string, dataset: PlanDataset): DataItem[] {
    const pattern = dataset.path.replace(/\\/g, '/');
    const dir = path.posix.dirname(pattern);
    const base = path.posix.basename(pattern);
    const regex = new RegExp(
        `^${base
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')}$`,
    );
    const files = readdirSync(path.resolve(programDir, dir))
        .filter((f) => regex.test(f))
        .sort();
    return files.map((file, index) => {
        const key = dir === '.' ? file : `${dir}/${file}`;
        const split = dataset.split ? assignBucket(key, dataset.split.buckets) : undefined;
        return { key, split, fields: { path: key, image: key }, record: {}, line: index + 1 };
    });
}

export interface QueueInput {
    programDir: string;
    plan: LabelingPlan;
    task: PlanTask;
    labels: readonly Label[];
    /** The active-learning batch, when the task has a `learn` block and sampling ran. */
    batch: SampleResult | undefined;
    /** Maps an item's image (relative path) to something the webview can load. */
    imageUri: (relativePath: string) => string;
    /** The person at the editor (their labels are recorded under this name). */
    person?: string;
    /** The task's stored labeler estimates (the policy starts from them). */
    estimates?: readonly LabelerEstimate[];
    /** The task's dataset items when the caller keeps them (else they are read here). */
    items?: readonly DataItem[];
    /** The stage states of the program's migrations (run `migration:<program>`): their reviews and re-asks are served first. */
    migrationStates?: readonly StageState[];
}

export interface Queue {
    items: QueueItemView[];
    done: number;
    planned: number | null;
}

export function buildQueue(input: QueueInput): Queue {
    const { plan, task } = input;
    const dataset = plan.datasets.find((d) => d.name === task.dataset);
    if (!dataset) {
        throw new Error(`task ${task.name} has no dataset to label (it takes ${task.input.map((p) => p.type.text).join(', ')})`);
    }
    const items = input.items ?? readPlanDataset(input.programDir, dataset);
    const labeledByPeople = new Set(input.labels.filter((l) => l.labelerKind === 'human').map((l) => l.item));
    const preLabels = new Map<string, PreLabelView[]>();
    for (const label of input.labels) {
        if (label.labelerKind === 'human') {
            continue;
        }
        const list = preLabels.get(label.item) ?? [];
        list.push({ labeler: label.labeler, kind: label.labelerKind, value: label.value, score: label.score ?? null });
        preLabels.set(label.item, list);
    }
    const entries = new Map(openEntries(input.migrationStates ?? [], task.name, currentIds(input.labels)).map((e) => [e.item, e]));
    const view = relabelViewer(itemViewer(input, dataset, preLabels), entries);
    const wanted =
        input.person !== undefined && routedByPolicy(task)
            ? policyQueue(input, input.person, items, [...entries.values()])
            : plainQueue(input, items, labeledByPeople);
    // A program change's reviews first (an answer supersedes the old label), then its re-asks, then the rest.
    const reviews = items.filter((item) => entries.get(item.key)?.kind === 'review').map((item) => ({ item, reason: null, score: null }));
    const rank = (key: string) => (entries.get(key)?.kind === 'reask' ? 0 : 1);
    const rest = wanted.filter(({ item }) => entries.get(item.key)?.kind !== 'review').sort((a, b) => rank(a.item.key) - rank(b.item.key));
    return {
        items: [...reviews, ...rest].slice(0, QUEUE_PAGE).map(({ item, reason, score }) => view(item, reason, score)),
        done: labeledByPeople.size,
        planned: task.cost.items ?? items.length,
    };
}

type Wanted = { item: DataItem; reason: string | null; score: number | null };

/** Without the routing policy: the active-learning batch first, then every other item no person has labeled yet. */
function plainQueue(input: QueueInput, items: readonly DataItem[], labeledByPeople: ReadonlySet<string>): Wanted[] {
    const byKey = new Map(items.map((item) => [item.key, item]));
    const queue: Wanted[] = [];
    const queued = new Set<string>();
    for (const picked of input.batch?.items ?? []) {
        const item = byKey.get(picked.key);
        if (!item || labeledByPeople.has(item.key) || queued.has(item.key)) {
            continue;
        }
        queue.push({ item, reason: picked.reason, score: picked.score });
        queued.add(item.key);
    }
    for (const item of items) {
        if (queue.length >= QUEUE_PAGE) {
            break;
        }
        if (labeledByPeople.has(item.key) || queued.has(item.key)) {
            continue;
        }
        queue.push({ item, reason: null, score: null });
        queued.add(item.key);
    }
    return queue;
}

/**
 * The item views with a program change's question: the old label, the members to choose among, and
 * (review) the label an answer supersedes.
 */
function relabelViewer(view: ReturnType<typeof itemViewer>, entries: ReadonlyMap<string, RelabelEntry>): ReturnType<typeof itemViewer> {
    return (item, reason, score) => {
        const entry = entries.get(item.key);
        if (!entry) {
            return view(item, reason, score);
        }
        const was = typeof entry.was === 'string' ? entry.was : JSON.stringify(entry.was);
        const why =
            entry.kind === 'review'
                ? `a member was added: keep ${was} or choose ${entry.among.filter((m) => m !== entry.was).join(', ')}`
                : `asked again among ${entry.among.join(', ')} (was ${was})`;
        return {
            ...view(item, why, score),
            existing: entry.kind === 'review' ? { id: entry.label, value: entry.was } : null,
            relabel: { kind: entry.kind, was: entry.was, among: [...entry.among] },
        };
    };
}

/**
 * The items the routing policy wants from `person`, most valuable first: active-learning score
 * (items outside the batch count as the batch's lowest score) times need; ties in dataset order.
 */
function policyQueue(input: QueueInput, person: string, items: readonly DataItem[], reask: readonly RelabelEntry[]): Wanted[] {
    const routing = new TaskRouting(input.task, { labels: input.labels, estimates: input.estimates ?? [], reask });
    const picked = new Map((input.batch?.items ?? []).map((p) => [p.key, p]));
    const floor = picked.size > 0 ? [...picked.values()].reduce((low, p) => Math.min(low, p.score), Infinity) : 1;
    const wanted = items.flatMap((item, order) => {
        const need = routing.needFromPerson(item.key, person);
        if (need === null) {
            return [];
        }
        const pick = picked.get(item.key);
        return [{ item, order, value: (pick?.score ?? floor) * need, reason: pick?.reason ?? null, score: pick?.score ?? null }];
    });
    wanted.sort((a, b) => b.value - a.value || a.order - b.order);
    return wanted.slice(0, QUEUE_PAGE);
}

/** Builds the webview's view of one item: the fields the task shows (long texts cut) and its image. */
export function itemViewer(
    input: Pick<QueueInput, 'task' | 'imageUri'>,
    dataset: PlanDataset,
    preLabels: ReadonlyMap<string, PreLabelView[]>,
): (item: DataItem, reason: string | null, score: number | null) => QueueItemView {
    const imageField = dataset.fields.find((f) => f.type === 'Image');
    const shown = new Set(input.task.show.map((s) => s.field).filter((f): f is string => !!f));
    return (item, reason, score) => {
        const fields: QueueItemView['fields'] = {};
        for (const [name, value] of Object.entries(item.fields)) {
            if (shown.size > 0 && !shown.has(name)) {
                continue;
            }
            fields[name] =
                typeof value === 'string' && value.length > MAX_FIELD_CHARS
                    ? `${value.slice(0, MAX_FIELD_CHARS)}\n[… cut: ${value.length - MAX_FIELD_CHARS} more characters]`
                    : value;
        }
        const image = imageField ? String(item.fields[imageField.name]) : null;
        return {
            key: item.key,
            split: item.split ?? null,
            fields,
            imageUri: image ? input.imageUri(image) : null,
            reason,
            score,
            preLabels: preLabels.get(item.key) ?? [],
            existing: null,
        };
    };
}
