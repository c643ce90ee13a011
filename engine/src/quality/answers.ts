/**
 * Answers to categorical questions, encoded once as typed arrays so every aggregation method
 * (and the 1,000,000-answer benchmark) works on integers, not strings.
 */

/** One recorded answer: `worker` said `label` about `item`. */
export interface Answer {
    item: string;
    worker: string;
    label: string;
}

export interface EncodedAnswers {
    /** Distinct item ids, in first-seen order. */
    items: string[];
    workers: string[];
    /** Class names; index = class id. Sorted unless given. */
    classes: string[];
    /** Per answer: item, worker and class ids. */
    itemOf: Int32Array;
    workerOf: Int32Array;
    labelOf: Int32Array;
    /** Per item: the known (gold) class, or -1. Gold items are fixed during aggregation. */
    gold: Int32Array;
}

export interface EncodeOptions {
    /** The label set, in order; answers outside it are an error. Default: the sorted distinct labels. */
    classes?: readonly string[];
    /** Known answers per item; fixed (not estimated) by the methods that support it. */
    gold?: ReadonlyMap<string, string>;
}

export function encodeAnswers(answers: readonly Answer[], options: EncodeOptions = {}): EncodedAnswers {
    const classes = options.classes ? [...options.classes] : [...new Set(answers.map((a) => a.label))].sort();
    const classId = new Map(classes.map((c, i) => [c, i]));
    const itemId = new Map<string, number>();
    const workerId = new Map<string, number>();
    const n = answers.length;
    const itemOf = new Int32Array(n);
    const workerOf = new Int32Array(n);
    const labelOf = new Int32Array(n);
    for (let a = 0; a < n; a++) {
        const { item, worker, label } = answers[a];
        let i = itemId.get(item);
        if (i === undefined) {
            itemId.set(item, (i = itemId.size));
        }
        let w = workerId.get(worker);
        if (w === undefined) {
            workerId.set(worker, (w = workerId.size));
        }
        const c = classId.get(label);
        if (c === undefined) {
            throw new Error(`answer ${a + 1} (item '${item}', worker '${worker}'): label '${label}' is not one of ${classes.join(', ')}`);
        }
        itemOf[a] = i;
        workerOf[a] = w;
        labelOf[a] = c;
    }
    const gold = new Int32Array(itemId.size).fill(-1);
    for (const [item, label] of options.gold ?? []) {
        const i = itemId.get(item);
        if (i === undefined) {
            continue; // gold for an item nobody answered changes nothing
        }
        const c = classId.get(label);
        if (c === undefined) {
            throw new Error(`gold label '${label}' of item '${item}' is not one of ${classes.join(', ')}`);
        }
        gold[i] = c;
    }
    return { items: [...itemId.keys()], workers: [...workerId.keys()], classes, itemOf, workerOf, labelOf, gold };
}

/** Encoded answers straight from integer ids (benchmarks, simulations): no string handling. */
export function encodedFromIds(
    counts: { items: number; workers: number; classes: number },
    itemOf: Int32Array,
    workerOf: Int32Array,
    labelOf: Int32Array,
    gold?: Int32Array,
): EncodedAnswers {
    return {
        items: Array.from({ length: counts.items }, (_, i) => String(i)),
        workers: Array.from({ length: counts.workers }, (_, w) => String(w)),
        classes: Array.from({ length: counts.classes }, (_, c) => String(c)),
        itemOf,
        workerOf,
        labelOf,
        gold: gold ?? new Int32Array(counts.items).fill(-1),
    };
}
