/**
 * Consensus of boxes drawn by several labelers on the same image. Boxes are clustered across
 * labelers by IoU (one box per labeler per cluster, most reliable labelers first), each cluster's
 * coordinates are the reliability-weighted mean, its class the reliability-weighted vote, and its
 * confidence the posterior that the object exists (every labeler who saw the image votes: drew a
 * matching box, or did not) times the class's share. Agreement is reported per box. Boxes are
 * axis-aligned here (a rotated box is refused rather than averaged as if it were upright).
 */
import { iou, type LabeledBox } from '../data/boxes.js';

export { iou };

export interface BoxAnswer {
    item: string;
    worker: string;
    /** Everything this worker drew on the item; an empty list means "nothing here". */
    boxes: readonly LabeledBox[];
}

export interface FusedBox extends LabeledBox {
    /** P(the object exists) × share of the winning class. */
    confidence: number;
    /** Share of the item's labelers who drew this box. */
    agreement: number;
    /** Mean IoU of the drawn boxes with the fused box. */
    meanIoU: number;
    workers: string[];
}

export interface BoxConsensusOptions {
    /** Boxes overlapping at least this much may be the same object. Default 0.5. */
    iouThreshold?: number;
    /** Probability a labeler's box (or its absence) is right, in (0, 1). Default: estimated from agreement. */
    reliability?: (worker: string) => number;
    /** A cluster is kept when P(exists) reaches this. Default 0.5. */
    minExistence?: number;
}

export interface BoxConsensusResult {
    items: { item: string; boxes: FusedBox[]; rejected: FusedBox[] }[];
    workers: { worker: string; reliability: number }[];
}

/**
 * With no reliabilities given, they are estimated from agreement: start every labeler at 0.7,
 * build consensus, score each labeler by how many of their boxes and their "nothing here"s the
 * consensus keeps (Beta-smoothed), and repeat a few times.
 */
export function boxConsensus(answers: readonly BoxAnswer[], options: BoxConsensusOptions = {}): BoxConsensusResult {
    const byItem = new Map<string, BoxAnswer[]>();
    for (const a of answers) {
        if (!a.boxes.every((b) => b.width > 0 && b.height > 0)) {
            throw new Error(`item '${a.item}', worker '${a.worker}': a box has no area`);
        }
        if (a.boxes.some((b) => b.rotation)) {
            throw new Error(`item '${a.item}', worker '${a.worker}': box consensus takes axis-aligned boxes; this one is rotated`);
        }
        const list = byItem.get(a.item);
        if (list) {
            list.push(a);
        } else {
            byItem.set(a.item, [a]);
        }
    }
    const workers = [...new Set(answers.map((a) => a.worker))];
    let reliability = new Map(workers.map((w) => [w, options.reliability ? clamp(options.reliability(w)) : 0.7]));
    let items = [...byItem].map(([item, list]) => consensusOfItem(item, list, reliability, options));
    if (!options.reliability) {
        for (let round = 0; round < 3; round++) {
            const right = new Map(workers.map((w) => [w, 1.4])); // Beta(1.4, 0.6): a 0.7 prior worth 2 answers
            const total = new Map(workers.map((w) => [w, 2]));
            for (const { item, boxes, rejected } of items) {
                const itemWorkers = byItem.get(item)!.map((a) => a.worker);
                for (const cluster of [...boxes, ...rejected]) {
                    const kept = boxes.includes(cluster);
                    for (const w of itemWorkers) {
                        total.set(w, total.get(w)! + 1);
                        if (cluster.workers.includes(w) === kept) {
                            right.set(w, right.get(w)! + 1);
                        }
                    }
                }
            }
            reliability = new Map(workers.map((w) => [w, clamp(right.get(w)! / total.get(w)!)]));
            items = [...byItem].map(([item, list]) => consensusOfItem(item, list, reliability, options));
        }
    }
    return { items, workers: workers.map((worker) => ({ worker, reliability: reliability.get(worker)! })) };
}

function clamp(r: number): number {
    return Math.min(Math.max(r, 0.01), 0.99);
}

interface Cluster {
    members: { worker: string; box: LabeledBox }[];
    fused: LabeledBox;
}

function consensusOfItem(
    item: string,
    answers: readonly BoxAnswer[],
    reliability: ReadonlyMap<string, number>,
    options: BoxConsensusOptions,
) {
    const { iouThreshold = 0.5, minExistence = 0.5 } = options;
    const order = [...answers].sort((a, b) => reliability.get(b.worker)! - reliability.get(a.worker)! || (a.worker < b.worker ? -1 : 1));
    const clusters: Cluster[] = [];
    for (const answer of order) {
        // Match this labeler's boxes to clusters one-to-one, best overlaps first.
        const pairs: { box: LabeledBox; cluster: Cluster; overlap: number }[] = [];
        for (const box of answer.boxes) {
            for (const cluster of clusters) {
                const overlap = iou(box, cluster.fused);
                if (overlap >= iouThreshold) {
                    pairs.push({ box, cluster, overlap });
                }
            }
        }
        pairs.sort((a, b) => b.overlap - a.overlap);
        const usedBoxes = new Set<LabeledBox>();
        const usedClusters = new Set<Cluster>();
        for (const { box, cluster } of pairs) {
            if (usedBoxes.has(box) || usedClusters.has(cluster)) {
                continue;
            }
            usedBoxes.add(box);
            usedClusters.add(cluster);
            cluster.members.push({ worker: answer.worker, box });
            cluster.fused = fuse(cluster.members, reliability);
        }
        for (const box of answer.boxes) {
            if (!usedBoxes.has(box)) {
                clusters.push({ members: [{ worker: answer.worker, box }], fused: box });
            }
        }
    }
    const boxes: FusedBox[] = [];
    const rejected: FusedBox[] = [];
    for (const cluster of clusters) {
        let logOdds = 0;
        for (const { worker } of answers) {
            const r = reliability.get(worker)!;
            const drew = cluster.members.some((m) => m.worker === worker);
            logOdds += (drew ? 1 : -1) * Math.log(r / (1 - r));
        }
        const exists = 1 / (1 + Math.exp(-logOdds));
        const labelWeight = new Map<string, number>();
        let total = 0;
        for (const { worker, box } of cluster.members) {
            const r = reliability.get(worker)!;
            labelWeight.set(box.label, (labelWeight.get(box.label) ?? 0) + r);
            total += r;
        }
        const [label, weight] = [...labelWeight].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
        const fused: FusedBox = {
            ...cluster.fused,
            label,
            confidence: (exists * weight) / total,
            agreement: cluster.members.length / answers.length,
            meanIoU: cluster.members.reduce((sum, m) => sum + iou(m.box, cluster.fused), 0) / cluster.members.length,
            workers: cluster.members.map((m) => m.worker),
        };
        (exists >= minExistence ? boxes : rejected).push(fused);
    }
    return { item, boxes, rejected };
}

/** Reliability-weighted mean of the corners. */
function fuse(members: readonly { worker: string; box: LabeledBox }[], reliability: ReadonlyMap<string, number>): LabeledBox {
    let x0 = 0,
        y0 = 0,
        x1 = 0,
        y1 = 0,
        total = 0;
    for (const { worker, box } of members) {
        const r = reliability.get(worker)!;
        x0 += r * box.x;
        y0 += r * box.y;
        x1 += r * (box.x + box.width);
        y1 += r * (box.y + box.height);
        total += r;
    }
    return { x: x0 / total, y: y0 / total, width: (x1 - x0) / total, height: (y1 - y0) / total, label: members[0].box.label };
}
