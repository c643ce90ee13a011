/**
 * `coco`: COCO object-detection JSON (images with `width` and `height`, annotations with
 * `bbox: [x, y, w, h]` in pixels, categories named after the box labels). Each dprog label is
 * listed on its image under `dprog_labels` and its boxes carry `dprog_label`, so several labelers'
 * boxes (or an empty answer) survive a round trip; a plain COCO file from another tool imports as
 * one label per image. A box that is not a positive-size rectangle, or that points at a missing
 * image or category, rejects the label it belongs to (never a label with a box left out); the image's
 * other labels still come in.
 */
import type { JsonValue, Label, NewLabel } from '../types.js';
import { boxesOf, boxValue, classesOf } from './boxes.js';
import { boundingBox, corners, type LabeledBox } from '../../data/boxes.js';
import { FormatError, ReadCollector, RecordError, type ImportOptions, type LabelFormat, type RecordSource } from './format.js';
import { readJsonFile } from './json-file.js';

interface DprogOwner {
    id: string;
    labeler: string;
    labeler_kind: Label['labelerKind'];
    created_at: string;
    program_version?: string;
    gold?: boolean;
    score?: number;
    single?: boolean;
}

interface CocoImage {
    id: number;
    file_name: string;
    width: number;
    height: number;
    dprog_labels?: DprogOwner[];
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

type LineOf = (path: (string | number)[]) => number | undefined;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function owner(label: Label): DprogOwner {
    return {
        id: label.id,
        labeler: label.labeler,
        labeler_kind: label.labelerKind,
        created_at: label.createdAt,
        // Undefined fields are left out of the file by JSON.stringify.
        program_version: label.programVersion,
        ...(label.gold ? { gold: true } : {}),
        score: label.score,
        ...(!Array.isArray(label.value) ? { single: true } : {}),
    };
}

/** A box of an annotation, or a RecordError saying what is wrong with it. */
function boxOf(a: Record<string, unknown>, categories: Map<unknown, string>, images: Map<unknown, unknown>): LabeledBox {
    const name = categories.get(a.category_id);
    if (name === undefined) {
        throw new RecordError(`category_id ${JSON.stringify(a.category_id)} is not in "categories"`);
    }
    if (!images.has(a.image_id)) {
        throw new RecordError(`image_id ${JSON.stringify(a.image_id)} is not in "images"`);
    }
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || !a.bbox.every((n) => Number.isFinite(n))) {
        throw new RecordError(`bbox must be [x, y, width, height] with finite numbers, found ${JSON.stringify(a.bbox)}`);
    }
    const [x, y, width, height] = a.bbox as number[];
    if (!(width > 0 && height > 0)) {
        throw new RecordError(`bbox width and height must be positive, found ${width} × ${height}`);
    }
    if (a.score !== undefined && !Number.isFinite(a.score)) {
        throw new RecordError(`score must be a finite number, found ${JSON.stringify(a.score)}`);
    }
    const exact = rotatedBoxOf(a.dprog_box) ?? { x, y, width, height };
    return { ...exact, label: name, score: a.score as number | undefined };
}

/** dprog's exact rotated box kept beside COCO's upright bbox, when it is one. */
function rotatedBoxOf(value: unknown): { x: number; y: number; width: number; height: number; rotation: number } | undefined {
    if (!isObject(value)) {
        return undefined;
    }
    const { x, y, width, height, rotation } = value;
    const numbers = [x, y, width, height, rotation];
    if (!numbers.every((n) => Number.isFinite(n)) || !((width as number) > 0 && (height as number) > 0)) {
        return undefined;
    }
    return { x: x as number, y: y as number, width: width as number, height: height as number, rotation: rotation as number };
}

/** A box as a COCO annotation's geometry: bbox (a rotated box's upright extent), and for a rotated box its corners and exact box. */
function cocoGeometry(box: LabeledBox): Pick<CocoAnnotation, 'bbox' | 'segmentation' | 'dprog_box'> {
    if (!box.rotation) {
        return { bbox: [box.x, box.y, box.width, box.height] };
    }
    const points = corners(box);
    const upright = boundingBox(box);
    return {
        bbox: [upright.x, upright.y, upright.width, upright.height],
        segmentation: [points.flatMap((p) => [p.x, p.y])],
        dprog_box: { x: box.x, y: box.y, width: box.width, height: box.height, rotation: box.rotation },
    };
}

interface Grouped {
    boxes: Map<unknown, { box: LabeledBox; labelId: unknown }[]>;
    /** Image ids and dprog label ids with a rejected box: their labels are rejected too. */
    broken: Map<unknown, string>;
}

/** Boxes grouped by image in one pass; a bad annotation is rejected and breaks its label. */
function groupBoxes(
    annotations: unknown[],
    categories: Map<unknown, string>,
    images: Map<unknown, unknown>,
    source: string,
    lineOf: LineOf,
    read: ReadCollector,
): Grouped {
    const grouped: Grouped = { boxes: new Map(), broken: new Map() };
    annotations.forEach((a, index) => {
        const where: RecordSource = {
            file: source,
            line: lineOf(['annotations', index]),
            record: `annotation ${isObject(a) && typeof a.id === 'number' ? a.id : index + 1}`,
        };
        try {
            if (!isObject(a)) {
                throw new RecordError(`an annotation must be an object, found ${JSON.stringify(a)}`);
            }
            const box = boxOf(a, categories, images);
            let list = grouped.boxes.get(a.image_id);
            if (!list) {
                grouped.boxes.set(a.image_id, (list = []));
            }
            list.push({ box, labelId: a.dprog_label });
        } catch (error) {
            if (!(error instanceof RecordError)) {
                throw error;
            }
            read.reject(where, error.message);
            if (isObject(a)) {
                grouped.broken.set(
                    typeof a.dprog_label === 'string' ? a.dprog_label : a.image_id,
                    `${where.record} was rejected (${error.message})`,
                );
            }
        }
    });
    return grouped;
}

/**
 * The labels of one image, each added to `read` or rejected on its own (a label with a rejected box
 * is rejected; the other labels of the image still come in).
 */
function readImageLabels(
    image: Record<string, unknown>,
    grouped: Grouped,
    options: ImportOptions,
    where: RecordSource,
    read: ReadCollector,
): void {
    if (typeof image.file_name !== 'string' || image.file_name === '') {
        throw new RecordError(`an image needs a "file_name", found ${JSON.stringify(image.file_name)}`);
    }
    const owners: unknown[] = Array.isArray(image.dprog_labels)
        ? image.dprog_labels
        : [{ id: '', labeler: options.labeler ?? 'import', labeler_kind: options.labelerKind ?? 'human', created_at: '' }];
    const notObject = owners.find((o) => !isObject(o));
    if (notObject !== undefined) {
        throw new RecordError(`dprog_labels entries must be objects, found ${JSON.stringify(notObject)}`);
    }
    const boxes = grouped.boxes.get(image.id) ?? [];
    const byOwner = Array.isArray(image.dprog_labels) ? groupByLabel(boxes) : undefined;
    for (const o of owners as DprogOwner[]) {
        const why = grouped.broken.get(o.id === '' ? image.id : o.id) ?? grouped.broken.get(image.id);
        if (why) {
            read.reject(o.id === '' ? where : { ...where, record: `${where.record}, label ${o.id}` }, `its ${why}`);
            continue;
        }
        const mine = (byOwner ? (byOwner.get(o.id) ?? []) : boxes).map((b) => boxValue(b.box));
        read.add(ownedLabel(o, image.file_name, o.single && mine.length === 1 ? mine[0] : mine, options), where);
    }
}

/** A label of `owner` on `item`: the fields its dprog_labels entry carries, nothing made up. */
function ownedLabel(o: DprogOwner, item: string, value: JsonValue, options: ImportOptions): NewLabel {
    const label: NewLabel = { task: options.task, item, labeler: o.labeler, labelerKind: o.labeler_kind, value };
    if (o.id) {
        label.id = o.id;
    }
    if (o.created_at) {
        label.createdAt = o.created_at;
    }
    if (o.program_version) {
        label.programVersion = o.program_version;
    }
    if (o.gold) {
        label.gold = true;
    }
    if (o.score !== undefined) {
        label.score = o.score;
    }
    return label;
}

export const cocoFormat: LabelFormat = {
    name: 'coco',
    directory: false,
    export(labels, options) {
        const boxLists = labels.map((label) => {
            const boxes = boxesOf(label.value);
            if (!boxes) {
                throw new FormatError(
                    `label ${label.id} on item '${label.item}' is not a box or a list of boxes; coco exports box tasks only (use ` +
                        `jsonl or csv)`,
                    options.task,
                );
            }
            return boxes;
        });
        const classes = options.type?.classes ?? classesOf(boxLists);
        const images = new Map<string, CocoImage>();
        const annotations: CocoAnnotation[] = [];
        labels.forEach((label, index) => {
            let image = images.get(label.item);
            if (!image) {
                const size = options.imageSize?.(label.item);
                if (!size) {
                    throw new FormatError(
                        `no image size for item '${label.item}': COCO images need width and height; pass --images DIR (the folder ` +
                            `holding the images, item keys relative to it)`,
                        options.task,
                    );
                }
                image = { id: images.size + 1, file_name: label.item, width: size.width, height: size.height, dprog_labels: [] };
                images.set(label.item, image);
            }
            image.dprog_labels!.push(owner(label));
            for (const box of boxLists[index]) {
                const { width, height } = box;
                annotations.push({
                    id: annotations.length + 1,
                    image_id: image.id,
                    category_id: classes.indexOf(box.label) + 1,
                    ...cocoGeometry(box),
                    area: width * height,
                    iscrowd: 0,
                    score: box.score,
                    dprog_label: label.id,
                });
            }
        });
        const document = {
            info: { description: `dprog labels of task ${options.task}` },
            images: [...images.values()],
            annotations,
            categories: classes.map((name, i) => ({ id: i + 1, name, supercategory: 'none' })),
        };
        return [{ path: '', text: `${JSON.stringify(document, null, 1)}\n` }];
    },
    import(source, options) {
        const json = readJsonFile(source);
        const document = json.value;
        if (
            !isObject(document) ||
            !Array.isArray(document.images) ||
            !Array.isArray(document.annotations) ||
            !Array.isArray(document.categories)
        ) {
            throw new FormatError('not a COCO file: expected an object with arrays "images", "annotations" and "categories"', source);
        }
        const read = new ReadCollector();
        const categories = new Map<unknown, string>();
        document.categories.forEach((c, index) => {
            if (isObject(c) && typeof c.name === 'string') {
                categories.set(c.id, c.name);
            } else {
                read.reject(
                    { file: source, line: json.lineOf(['categories', index]), record: `category ${index + 1}` },
                    'a category needs an "id" and a "name"',
                );
            }
        });
        const images = new Map<unknown, unknown>();
        for (const image of document.images) {
            if (isObject(image)) {
                images.set(image.id, image);
            }
        }
        const grouped = groupBoxes(document.annotations, categories, images, source, json.lineOf, read);
        const seen = new Set<unknown>();
        document.images.forEach((image, index) => {
            const where: RecordSource = {
                file: source,
                line: json.lineOf(['images', index]),
                record: `image ${isObject(image) ? JSON.stringify(image.id) : index + 1}`,
            };
            read.record(where, () => {
                if (!isObject(image)) {
                    throw new RecordError(`an image must be an object, found ${JSON.stringify(image)}`);
                }
                if (seen.has(image.id)) {
                    throw new RecordError(`image id ${JSON.stringify(image.id)} appears twice in "images"`);
                }
                seen.add(image.id);
                readImageLabels(image, grouped, options, where, read);
            });
        });
        return read;
    },
};

/** An image's boxes by the dprog label they belong to, in one pass. */
function groupByLabel<B extends { labelId?: unknown }>(boxes: readonly B[]): Map<unknown, B[]> {
    const groups = new Map<unknown, B[]>();
    for (const box of boxes) {
        const group = groups.get(box.labelId);
        if (group) {
            group.push(box);
        } else {
            groups.set(box.labelId, [box]);
        }
    }
    return groups;
}
