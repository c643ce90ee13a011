/**
 * The review queue of one task: the items whose labelers disagreed, most contested first. An item is
 * contested when its current (not superseded) labels hold more than one distinct answer, or when its
 * stored aggregate is below the task's quality target. The reviewer's answer is an ordinary new
 * label; an item the reviewer has answered after every other label is settled for them and leaves
 * their queue (it comes back if someone answers it again).
 */
import type { Aggregate, JsonValue, Label } from '../../../engine/src/store/types.js';
import type { QueueItemView, ReviewView } from '../../../webview/src/protocol.js';
import { readPlanItems } from '../../../engine/src/data/plan-items.js';
import { itemViewer, QUEUE_PAGE, type Queue, type QueueInput } from './label-queue.js';

export interface ContestedItem {
    item: string;
    review: ReviewView;
    /** The reviewer's own current label on the item, which their review answer replaces. */
    own: Label | undefined;
}

export interface Contested {
    /** Contested items still to review, most contested first. */
    items: ContestedItem[];
    /** Contested items the reviewer has already answered after everyone else. */
    reviewed: number;
}

/** Finds the contested items of a task from its current labels and aggregates. */
export function contestedItems(labels: readonly Label[], aggregates: readonly Aggregate[], target: number, reviewer: string): Contested {
    const byItem = new Map<string, Label[]>();
    for (const label of labels) {
        if (label.supersededBy !== undefined) {
            continue;
        }
        const list = byItem.get(label.item) ?? [];
        list.push(label);
        byItem.set(label.item, list);
    }
    const aggregateOf = new Map(aggregates.map((a) => [a.item, a]));
    const items: ContestedItem[] = [];
    let reviewed = 0;
    for (const [item, answers] of byItem) {
        const counts = new Map<string, number>();
        for (const answer of answers) {
            const key = canonical(answer.value);
            counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        const aggregate = aggregateOf.get(item);
        const disagreement = 1 - [...counts.values()].reduce((a, b) => Math.max(a, b), 0) / answers.length;
        const belowTarget = aggregate !== undefined && aggregate.confidence < target;
        if (counts.size < 2 && !belowTarget) {
            continue;
        }
        answers.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        const last = answers[answers.length - 1];
        if (answers.length > 1 && last.labeler === reviewer && last.labelerKind === 'human') {
            reviewed++;
            continue;
        }
        const contention = Math.max(disagreement, belowTarget ? 1 - aggregate.confidence : 0);
        items.push({
            item,
            own: answers.find((a) => a.labeler === reviewer && a.labelerKind === 'human'),
            review: {
                answers: answers.map((a) => ({
                    labeler: a.labeler,
                    kind: a.labelerKind,
                    value: a.value,
                    score: a.score ?? null,
                    at: a.createdAt,
                })),
                distinct: counts.size,
                contention,
                aggregate: aggregate ? { value: aggregate.value, confidence: aggregate.confidence, method: aggregate.method } : null,
                target,
            },
        });
    }
    // Most contested first; then more distinct answers, more answers, then key (a stable order).
    items.sort(
        (a, b) =>
            b.review.contention - a.review.contention ||
            b.review.distinct - a.review.distinct ||
            b.review.answers.length - a.review.answers.length ||
            (a.item < b.item ? -1 : a.item > b.item ? 1 : 0),
    );
    return { items, reviewed };
}

export interface ReviewQueueInput extends Omit<QueueInput, 'batch'> {
    aggregates: readonly Aggregate[];
    /** The person reviewing (`dprog.labelerName`). */
    reviewer: string;
}

/** The review queue as the panel shows it: `done` counts reviewed items, `planned` all contested ones. */
export function buildReviewQueue(input: ReviewQueueInput): Queue & { contested: number } {
    const { plan, task } = input;
    const dataset = plan.datasets.find((d) => d.name === task.dataset);
    if (!dataset) {
        throw new Error(`task ${task.name} has no dataset to review`);
    }
    const contested = contestedItems(input.labels, input.aggregates, task.quality.target, input.reviewer);
    const byKey = new Map((input.items ?? readPlanItems(dataset, input.programDir)).map((item) => [item.key, item]));
    const view = itemViewer(input, dataset, new Map());
    const items: QueueItemView[] = [];
    for (const entry of contested.items) {
        if (items.length >= QUEUE_PAGE) {
            break;
        }
        const item = byKey.get(entry.item);
        // Labels of items no longer in the dataset cannot be shown; they are left out.
        if (!item) {
            continue;
        }
        items.push({
            ...view(
                item,
                entry.review.distinct > 1 ? `contested: ${entry.review.distinct} different answers` : 'aggregate below the quality target',
                entry.review.contention,
            ),
            existing: entry.own ? { id: entry.own.id, value: entry.own.value } : null,
            review: entry.review,
        });
    }
    const total = contested.items.length + contested.reviewed;
    return { items, done: contested.reviewed, planned: total, contested: contested.items.length };
}

/** JSON with sorted object keys, so equal answers compare equal whatever their key order. */
function canonical(value: JsonValue): string {
    return JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            : v,
    );
}
