/**
 * `yolo`: a folder with `classes.txt` (one class name per line; the line number is the class id)
 * and `labels/<item>.txt` per image, one box per line: `class cx cy w h [score]` (a rotated box:
 * YOLO-OBB's `class x1 y1 x2 y2 x3 y3 x4 y4 [score]`, its corners), relative to the
 * image size (so the image sizes are needed both ways). One label per image: choose a labeler
 * when several labeled the same image.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { NewLabel } from '../types.js';
import { boxCorners, boxesOf, boxFromCorners, boxValue, classesOf, type BoxValue } from './boxes.js';
import { FormatError, type LabelFormat } from './format.js';

const stripExtension = (item: string): string => (extname(item) ? item.slice(0, -extname(item).length) : item);
const number = (n: number): string => String(Number(n.toFixed(8)));
/** Pixel coordinates computed from relative ones, without float noise. */
const pixels = (n: number): number => Number(n.toFixed(6));

function listTextFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return listTextFiles(path);
        return name.endsWith('.txt') ? [path] : [];
    });
}

export const yoloFormat: LabelFormat = {
    name: 'yolo',
    directory: true,
    export(labels, options) {
        const seen = new Map<string, string>();
        for (const label of labels) {
            const other = seen.get(label.item);
            if (other !== undefined) {
                throw new FormatError(`item '${label.item}' has labels from ${other} and ${label.labeler}; yolo holds one label per image: pass --labeler NAME`, options.task);
            }
            seen.set(label.item, label.labeler);
        }
        const boxLists = labels.map((label) => {
            const boxes = boxesOf(label.value);
            if (!boxes) throw new FormatError(`label ${label.id} on item '${label.item}' is not a box or a list of boxes; yolo exports box tasks only (use jsonl or csv)`, options.task);
            return boxes;
        });
        const classes = classesOf(boxLists);
        const files = labels.map((label, index) => {
            const size = options.imageSize?.(label.item);
            if (!size) throw new FormatError(`no image size for item '${label.item}': yolo coordinates are relative to the image; pass --images DIR (the folder holding the images)`, options.task);
            const lines = boxLists[index].map((box) => {
                // A rotated box is a YOLO-OBB line: class x1 y1 … x4 y4 (its corners, relative to the image).
                const fields = box.rotation
                    ? [classes.indexOf(box.label), ...boxCorners(box).flatMap((p) => [p.x / size.width, p.y / size.height])]
                    : [classes.indexOf(box.label), (box.x + box.width / 2) / size.width, (box.y + box.height / 2) / size.height, box.width / size.width, box.height / size.height];
                const text = [String(fields[0]), ...fields.slice(1).map(number)];
                if (box.score !== undefined) text.push(number(box.score));
                return text.join(' ') + '\n';
            });
            return { path: join('labels', stripExtension(label.item) + '.txt'), text: lines.join('') };
        });
        return [{ path: 'classes.txt', text: classes.map((name) => name + '\n').join('') }, ...files];
    },
    import(source, options) {
        const classesFile = join(source, 'classes.txt');
        if (!existsSync(classesFile)) throw new FormatError('no classes.txt here: a yolo folder needs classes.txt (one class name per line) and labels/*.txt', source);
        const classes = readFileSync(classesFile, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
        const labelsDir = existsSync(join(source, 'labels')) ? join(source, 'labels') : source;
        const labels: NewLabel[] = [];
        for (const file of listTextFiles(labelsDir).sort()) {
            if (file === classesFile) continue;
            const stem = relative(labelsDir, file).slice(0, -'.txt'.length);
            const item = options.resolveItem ? options.resolveItem(stem) : stem;
            if (item === undefined) throw new FormatError(`no image found for '${stem}' under the images folder; pass --images DIR (the folder holding the images)`, file);
            const size = options.imageSize?.(item);
            if (!size) throw new FormatError(`no image size for '${item}': yolo coordinates are relative to the image; pass --images DIR`, file);
            const boxes: BoxValue[] = [];
            readFileSync(file, 'utf8')
                .split('\n')
                .forEach((line, index) => {
                    if (line.trim() === '') return;
                    const fields = line.trim().split(/\s+/).map(Number);
                    if (![5, 6, 9, 10].includes(fields.length) || !fields.every(Number.isFinite)) {
                        throw new FormatError('expected "class cx cy w h [score]" or, for a rotated box (YOLO-OBB), "class x1 y1 x2 y2 x3 y3 x4 y4 [score]" with numbers', file, index + 1);
                    }
                    if (fields.length >= 9) {
                        const cls = fields[0];
                        if (!Number.isInteger(cls) || classes[cls] === undefined) throw new FormatError(`class ${cls} is not in classes.txt (${classes.length} classes)`, file, index + 1);
                        const points = [0, 1, 2, 3].map((k) => ({ x: fields[1 + 2 * k] * size.width, y: fields[2 + 2 * k] * size.height }));
                        const box = boxFromCorners(points, classes[cls]);
                        if (fields.length === 10) box.score = fields[9];
                        boxes.push(box);
                        return;
                    }
                    const [cls, cx, cy, w, h, score] = fields;
                    if (!Number.isInteger(cls) || classes[cls] === undefined) throw new FormatError(`class ${cls} is not in classes.txt (${classes.length} classes)`, file, index + 1);
                    const width = w * size.width;
                    const height = h * size.height;
                    const box: BoxValue = { x: pixels(cx * size.width - width / 2), y: pixels(cy * size.height - height / 2), width: pixels(width), height: pixels(height), label: classes[cls] };
                    if (score !== undefined) box.score = score;
                    boxes.push(box);
                });
            labels.push({ task: options.task, item, labeler: options.labeler ?? 'import', labelerKind: options.labelerKind ?? 'human', value: boxes.map(boxValue) });
        }
        return labels;
    },
};
