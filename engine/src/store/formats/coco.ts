/**
 * `coco`: COCO object-detection JSON (images, annotations with `bbox: [x, y, w, h]` in pixels,
 * categories named after the box labels). Each dprog label is listed on its image under
 * `dprog_labels` and its boxes carry `dprog_label`, so several labelers' boxes (or an empty
 * answer) survive a round trip; a plain COCO file from another tool imports as one label per image.
 */
import { readFileSync } from 'node:fs';
import type { JsonValue, Label, NewLabel } from '../types.js';
import { boxCorners, boxesOf, boxValue, classesOf, type BoxValue } from './boxes.js';
import { FormatError, type LabelFormat } from './format.js';

interface CocoImage {
    id: number;
    file_name: string;
    width?: number;
    height?: number;
    dprog_labels?: { id: string; labeler: string; labeler_kind: Label['labelerKind']; created_at: string; program_version?: string; gold?: boolean; score?: number; single?: boolean }[];
}

interface CocoAnnotation {
    id: number;
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    area: number;
    iscrowd: 0;
    score?: number;
    dprog_label?: string;
    /** A rotated box: its corners as COCO's polygon, and dprog's exact box (bbox is then the upright extent). */
    segmentation?: number[][];
    dprog_box?: { x: number; y: number; width: number; height: number; rotation: number };
}

export const cocoFormat: LabelFormat = {
    name: 'coco',
    directory: false,
    export(labels, options) {
        const boxLists = labels.map((label) => {
            const boxes = boxesOf(label.value);
            if (!boxes) throw new FormatError(`label ${label.id} on item '${label.item}' is not a box or a list of boxes; coco exports box tasks only (use jsonl or csv)`, options.task);
            return boxes;
        });
        const classes = classesOf(boxLists);
        const images = new Map<string, CocoImage>();
        const annotations: CocoAnnotation[] = [];
        labels.forEach((label, index) => {
            let image = images.get(label.item);
            if (!image) {
                image = { id: images.size + 1, file_name: label.item, ...options.imageSize?.(label.item), dprog_labels: [] };
                images.set(label.item, image);
            }
            image.dprog_labels!.push({
                id: label.id,
                labeler: label.labeler,
                labeler_kind: label.labelerKind,
                created_at: label.createdAt,
                ...(label.programVersion !== undefined ? { program_version: label.programVersion } : {}),
                ...(label.gold ? { gold: true } : {}),
                ...(label.score !== undefined ? { score: label.score } : {}),
                ...(!Array.isArray(label.value) ? { single: true } : {}),
            });
            for (const box of boxLists[index]) {
                const points = box.rotation ? boxCorners(box) : undefined;
                const xs = points?.map((p) => p.x) ?? [];
                const ys = points?.map((p) => p.y) ?? [];
                annotations.push({
                    id: annotations.length + 1,
                    image_id: image.id,
                    category_id: classes.indexOf(box.label) + 1,
                    bbox: points
                        ? [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)]
                        : [box.x, box.y, box.width, box.height],
                    ...(points
                        ? { segmentation: [points.flatMap((p) => [p.x, p.y])], dprog_box: { x: box.x, y: box.y, width: box.width, height: box.height, rotation: box.rotation! } }
                        : {}),
                    area: box.width * box.height,
                    iscrowd: 0,
                    ...(box.score !== undefined ? { score: box.score } : {}),
                    dprog_label: label.id,
                });
            }
        });
        const document = {
            info: { description: `dprog labels of task ${options.task}` },
            images: [...images.values()],
            annotations,
            categories: classes.map((name, i) => ({ id: i + 1, name })),
        };
        return [{ path: '', text: JSON.stringify(document, null, 1) + '\n' }];
    },
    import(source, options) {
        let document: { images?: CocoImage[]; annotations?: CocoAnnotation[]; categories?: { id: number; name: string }[] };
        try {
            document = JSON.parse(readFileSync(source, 'utf8'));
        } catch (error) {
            throw new FormatError(`not valid JSON (${(error as Error).message})`, source);
        }
        if (!Array.isArray(document.images) || !Array.isArray(document.annotations) || !Array.isArray(document.categories)) {
            throw new FormatError('not a COCO file: expected arrays "images", "annotations" and "categories"', source);
        }
        const categories = new Map(document.categories.map((c) => [c.id, c.name]));
        const boxesByImage = new Map<number, (BoxValue & { labelId?: string })[]>();
        document.annotations.forEach((a, index) => {
            const name = categories.get(a.category_id);
            if (name === undefined) throw new FormatError(`annotation ${a.id ?? index + 1} has category_id ${a.category_id}, which is not in "categories"`, source);
            if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || !a.bbox.every(Number.isFinite)) throw new FormatError(`annotation ${a.id ?? index + 1}: bbox must be [x, y, width, height]`, source);
            const [x, y, width, height] = a.bbox;
            const exact = a.dprog_box ?? { x, y, width, height, rotation: 0 };
            const box: BoxValue & { labelId?: string } = { ...exact, label: name, ...(typeof a.score === 'number' ? { score: a.score } : {}), labelId: a.dprog_label };
            boxesByImage.set(a.image_id, [...(boxesByImage.get(a.image_id) ?? []), box]);
        });
        const labels: NewLabel[] = [];
        for (const image of document.images) {
            const boxes = boxesByImage.get(image.id) ?? [];
            const owners = image.dprog_labels ?? [{ id: '', labeler: options.labeler ?? 'import', labeler_kind: options.labelerKind ?? 'human', created_at: '' }];
            for (const owner of owners) {
                const mine = boxes.filter((box) => image.dprog_labels === undefined || box.labelId === owner.id).map(({ labelId: _id, ...box }) => boxValue(box));
                const value: JsonValue = owner.single && mine.length === 1 ? mine[0] : mine;
                const label: NewLabel = { task: options.task, item: image.file_name, labeler: owner.labeler, labelerKind: owner.labeler_kind, value };
                if (owner.id) label.id = owner.id;
                if (owner.created_at) label.createdAt = owner.created_at;
                if (owner.program_version) label.programVersion = owner.program_version;
                if (owner.gold) label.gold = true;
                if (owner.score !== undefined) label.score = owner.score;
                labels.push(label);
            }
        }
        return labels;
    },
};
