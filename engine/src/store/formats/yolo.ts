/**
 * `yolo`: an Ultralytics YOLO detection dataset: `data.yaml` (class names, `train`/`val` image
 * folders), `images/train/<item>` (copies of the images) and `labels/train/<item>.txt` with one
 * box per line, exactly five columns `class cx cy w h` relative to the image size (a rotated box:
 * YOLO-OBB's nine, `class x1 y1 x2 y2 x3 y3 x4 y4`, its corners) (Ultralytics
 * drops files with more). Model scores go to a side file `scores/train/<item>.txt`, one score per
 * box line. `classes.txt` lists the classes too, one per line. One label per image: choose a
 * labeler when several labeled the same image. Import reads this layout, and plain folders of
 * `classes.txt` + `labels/*.txt` from other tools.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import type { Label } from '../types.js';
import { boxesOf, boxFromCorners, boxValue, classesOf } from './boxes.js';
import { corners, type LabeledBox } from '../../data/boxes.js';
import {
    FormatError,
    ReadCollector,
    RecordError,
    type ExportedFile,
    type ExportOptions,
    type ImportOptions,
    type LabelFormat,
} from './format.js';
import { imageFileOf, readImageSize } from './image-size.js';

const SPLIT = 'train';
const stripExtension = (item: string): string => (extname(item) ? item.slice(0, -extname(item).length) : item);
const number = (n: number): string => String(Number(n.toFixed(8)));
/** Pixel coordinates computed from relative ones, without float noise. */
const pixels = (n: number): number => Number(n.toFixed(6));

function listTextFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
            return listTextFiles(path);
        }
        return name.endsWith('.txt') ? [path] : [];
    });
}

/** `data.yaml` as Ultralytics reads it; without `path` the dataset root is the file's folder. */
function dataYaml(classes: readonly string[], task: string): string {
    const names = classes.map((name, i) => `  ${i}: ${JSON.stringify(name)}`).join('\n');
    return `# dprog labels of task ${task}\ntrain: images/${SPLIT}\nval: images/${SPLIT}\nnames:\n${names}\n`;
}

function oneLabelPerItem(labels: readonly Label[], task: string): void {
    const seen = new Map<string, string>();
    for (const label of labels) {
        const other = seen.get(label.item);
        if (other !== undefined) {
            throw new FormatError(
                `item '${label.item}' has labels from ${other} and ${label.labeler}; yolo holds one label per image: pass --labeler NAME`,
                task,
            );
        }
        seen.set(label.item, label.labeler);
    }
}

function exportDataset(labels: readonly Label[], options: ExportOptions): ExportedFile[] {
    oneLabelPerItem(labels, options.task);
    const boxLists = labels.map((label) => {
        const boxes = boxesOf(label.value);
        if (!boxes) {
            throw new FormatError(
                `label ${label.id} on item '${label.item}' is not a box or a list of boxes; yolo exports box tasks only (use jsonl or csv)`,
                options.task,
            );
        }
        return boxes;
    });
    const classes = options.type?.classes ?? classesOf(boxLists);
    const files: ExportedFile[] = [];
    labels.forEach((label, index) => {
        const size = options.imageSize?.(label.item);
        const image = options.imageFile?.(label.item);
        if (!size || !image) {
            throw new FormatError(
                `no image for item '${label.item}': a yolo dataset holds the images and its coordinates are relative to them; pass ` +
                    `--images DIR (the folder holding the images)`,
                options.task,
            );
        }
        const boxes = boxLists[index];
        const lines = boxes.map((box) => {
            // A rotated box is a YOLO-OBB line: class x1 y1 … x4 y4 (its corners, relative to the image).
            const fields = box.rotation
                ? corners(box).flatMap((p) => [p.x / size.width, p.y / size.height])
                : [
                      (box.x + box.width / 2) / size.width,
                      (box.y + box.height / 2) / size.height,
                      box.width / size.width,
                      box.height / size.height,
                  ];
            return `${[String(classes.indexOf(box.label)), ...fields.map(number)].join(' ')}\n`;
        });
        const stem = stripExtension(label.item);
        files.push({ path: join('images', SPLIT, stem + extname(image)), text: '', copyFrom: image });
        files.push({ path: join('labels', SPLIT, `${stem}.txt`), text: lines.join('') });
        if (boxes.some((box) => box.score !== undefined)) {
            files.push({
                path: join('scores', SPLIT, `${stem}.txt`),
                text: boxes.map((box) => `${box.score === undefined ? '' : number(box.score)}\n`).join(''),
            });
        }
    });
    return [
        { path: 'data.yaml', text: dataYaml(classes, options.task) },
        { path: 'classes.txt', text: classes.map((name) => `${name}\n`).join('') },
        ...files,
    ];
}

/** Class names from classes.txt, else from data.yaml's `names:` (a map `0: name` or a list `[a, b]`). */
function readClasses(source: string): string[] {
    const classesFile = join(source, 'classes.txt');
    if (existsSync(classesFile)) {
        return readFileSync(classesFile, 'utf8')
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => line !== '');
    }
    const yamlFile = join(source, 'data.yaml');
    if (!existsSync(yamlFile)) {
        throw new FormatError('no classes.txt or data.yaml here: a yolo folder needs the class names and labels/*.txt', source);
    }
    const text = readFileSync(yamlFile, 'utf8');
    const unquote = (s: string): string => {
        const t = s.trim();
        return /^["'].*["']$/.test(t) ? t.slice(1, -1) : t;
    };
    const inline = /^names:\s*\[(.*)\]\s*$/m.exec(text);
    if (inline) {
        return inline[1].split(',').map(unquote);
    }
    const block = /^names:\s*\n((?:[ \t]+\d+:.*\n?)+)/m.exec(text);
    if (!block) {
        throw new FormatError('data.yaml has no "names:" (a map of class ids to names)', yamlFile);
    }
    const names: string[] = [];
    for (const [, id, name] of block[1].matchAll(/^[ \t]+(\d+):(.*)$/gm)) {
        names[Number(id)] = unquote(name);
    }
    return names;
}

/** The boxes of one label file; a bad line is a RecordError naming it. */
function readBoxes(
    file: string,
    classes: readonly string[],
    size: { width: number; height: number },
    scores: string[] | undefined,
): LabeledBox[] {
    const boxes: LabeledBox[] = [];
    readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
            if (line.trim() === '') {
                return;
            }
            const at = `line ${index + 1}`;
            const fields = line.trim().split(/\s+/).map(Number);
            if (fields.length === 9 && fields.every(Number.isFinite)) {
                if (!Number.isInteger(fields[0]) || classes[fields[0]] === undefined) {
                    throw new RecordError(`${at}: class ${fields[0]} is not in the class names (${classes.length} classes)`);
                }
                const points = [0, 1, 2, 3].map((k) => ({ x: fields[1 + 2 * k] * size.width, y: fields[2 + 2 * k] * size.height }));
                const box = boxFromCorners(points, classes[fields[0]]);
                const score = scores?.[boxes.length]?.trim();
                if (score !== undefined && score !== '') {
                    box.score = Number(score);
                }
                boxes.push(box);
                return;
            }
            if ((fields.length !== 5 && fields.length !== 6) || !fields.every(Number.isFinite)) {
                throw new RecordError(`${at}: expected "class cx cy w h" with finite numbers, found "${line.trim().slice(0, 60)}"`);
            }
            const [cls, cx, cy, w, h, sixth] = fields;
            if (!Number.isInteger(cls) || classes[cls] === undefined) {
                throw new RecordError(`${at}: class ${cls} is not in the class names (${classes.length} classes)`);
            }
            if (!(w > 0 && h > 0)) {
                throw new RecordError(`${at}: width and height must be positive, found ${w} × ${h}`);
            }
            if (![cx, cy, w, h].every((n) => n >= 0 && n <= 1)) {
                throw new RecordError(`${at}: coordinates must be relative to the image (0 to 1), found ${[cx, cy, w, h].join(' ')}`);
            }
            const width = w * size.width;
            const height = h * size.height;
            const box: LabeledBox = {
                x: pixels(cx * size.width - width / 2),
                y: pixels(cy * size.height - height / 2),
                width: pixels(width),
                height: pixels(height),
                label: classes[cls],
            };
            const score = scores ? scores[boxes.length]?.trim() : sixth !== undefined ? String(sixth) : undefined;
            if (score !== undefined && score !== '') {
                box.score = Number(score);
            }
            boxes.push(box);
        });
    return boxes;
}

function importDataset(source: string, options: ImportOptions): ReadCollector {
    const classes = readClasses(source);
    const labelsDir = existsSync(join(source, 'labels')) ? join(source, 'labels') : source;
    const read = new ReadCollector();
    for (const file of listTextFiles(labelsDir).sort()) {
        if (dirname(file) === source && file.endsWith('classes.txt')) {
            continue;
        }
        const where = { file, record: relative(source, file) };
        read.record(where, () => {
            const inLabels = relative(labelsDir, file).slice(0, -'.txt'.length);
            // labels/<split>/<stem>.txt pairs with images/<split>/<stem>.<ext> (Ultralytics' layout).
            const [first, ...rest] = inLabels.split(/[\\/]/);
            const split = ['train', 'val', 'test'].includes(first) && rest.length > 0 ? first : undefined;
            const stem = split ? rest.join('/') : inLabels;
            const imagesDir = split ? join(source, 'images', split) : undefined;
            const local = imagesDir ? imageFileOf(imagesDir, stem) : undefined;
            const item = options.resolveItem ? options.resolveItem(stem) : local ? relative(imagesDir!, local) : stem;
            if (item === undefined) {
                throw new RecordError(
                    `no image found for '${stem}' under the images folder; pass --images DIR (the folder holding the images)`,
                );
            }
            const size = options.imageSize?.(item) ?? (local ? readImageSize(local) : undefined);
            if (!size) {
                throw new RecordError(`no image size for '${item}': yolo coordinates are relative to the image; pass --images DIR`);
            }
            const scoreFile = split ? join(source, 'scores', split, `${stem}.txt`) : undefined;
            const scores = scoreFile && existsSync(scoreFile) ? readFileSync(scoreFile, 'utf8').split('\n') : undefined;
            const boxes = readBoxes(file, classes, size, scores);
            read.add(
                {
                    task: options.task,
                    item,
                    labeler: options.labeler ?? 'import',
                    labelerKind: options.labelerKind ?? 'human',
                    value: boxes.map(boxValue),
                },
                where,
            );
        });
    }
    return read;
}

export const yoloFormat: LabelFormat = {
    name: 'yolo',
    directory: true,
    export: exportDataset,
    import: importDataset,
};
