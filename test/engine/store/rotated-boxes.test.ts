/** Rotated boxes (`rotation`, degrees clockwise about the centre) through the store and the coco, yolo (OBB) and labelstudio formats. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corners } from '../../../engine/src/data/boxes.js';
import { fromCornerRotation, toCornerRotation } from '../../../engine/src/store/formats/boxes.js';
import { exportLabels, importLabels, writeExport } from '../../../engine/src/store/formats/index.js';
import { LabelStore, type NewLabel } from '../../../engine/src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const tilted = { x: 100, y: 200, width: 300, height: 40, rotation: 6.5, label: 'line', score: 0.91 };
const upright = { x: 20, y: 30, width: 50, height: 20, label: 'line' };
const labels: NewLabel[] = [
    {
        id: 'p1',
        task: 't',
        item: 'page.png',
        labeler: 'detector',
        labelerKind: 'model',
        value: [tilted, upright],
        createdAt: '2026-03-01T10:00:00.000Z',
    },
];

type Box = { x: number; y: number; width: number; height: number; rotation?: number; label: string };

function expectSameBoxes(got: Box[], want: Box[]): void {
    expect(got).toHaveLength(want.length);
    got.forEach((b, i) => {
        expect(b.label).toBe(want[i].label);
        const [p, q] = [corners(b), corners(want[i])];
        p.forEach((c, k) => {
            expect(c.x).toBeCloseTo(q[k].x, 1);
            expect(c.y).toBeCloseTo(q[k].y, 1);
        });
    });
}

describe('rotated boxes', () => {
    it('keep their rotation in the store', async () => {
        const store = await LabelStore.open(join(dir, 's.sqlite'));
        await store.addLabel(labels[0]);
        expect(store.labels({ task: 't' })[0].value).toEqual([tilted, upright]);
        await store.close();
    });

    it("Label Studio's corner-and-rotation is the same box turned about its centre", () => {
        const corner = toCornerRotation(tilted);
        expect(corner.rotation).toBeCloseTo(6.5);
        expect(corner).toMatchObject({ x: corners(tilted)[0].x, y: corners(tilted)[0].y });
        const back = fromCornerRotation(corner.x, corner.y, tilted.width, tilted.height, corner.rotation);
        expect(back.x).toBeCloseTo(tilted.x, 9);
        expect(back.y).toBeCloseTo(tilted.y, 9);
        expect(back.rotation).toBeCloseTo(6.5, 9);
        expect(fromCornerRotation(1, 2, 3, 4, 0)).toEqual({ x: 1, y: 2 });
    });

    it.each(['coco', 'yolo', 'labelstudio'])('round-trip through %s with their corners in place', async (format) => {
        const images = join(dir, 'images');
        mkdirSync(images, { recursive: true });
        writeFileSync(join(images, 'page.png'), PNG.sync.write(new PNG({ width: 800, height: 600 })));
        const from = await LabelStore.open(join(dir, 'from.sqlite'));
        await from.addLabel(labels[0]);
        const exported = exportLabels(from, { task: 't', format, images });
        const out = join(dir, `export-${format}${exported.files.length > 1 ? '' : '.out'}`);
        writeExport(exported.files, out);
        const to = await LabelStore.open(join(dir, 'to.sqlite'));
        await importLabels(to, { task: 't', format, source: out, images });
        const [label] = to.labels({ task: 't' });
        const boxes = (Array.isArray(label.value) ? label.value : [label.value]) as Box[];
        expectSameBoxes(boxes, [tilted, upright]);
        expect(boxes[0].rotation).toBeCloseTo(6.5, 1);
        expect(boxes[1].rotation).toBeUndefined();
        if (format === 'coco') {
            const annotation = JSON.parse(exported.files[0].text).annotations[0];
            // COCO's bbox stays the upright extent; the corners travel as its polygon.
            expect(annotation.segmentation[0]).toHaveLength(8);
            expect(annotation.bbox[3]).toBeGreaterThan(tilted.height + 30);
        }
        // YOLO-OBB: the class and four corners (scores go to the side file).
        if (format === 'yolo') {
            expect(
                exported.files
                    .find((f) => f.path.startsWith('labels') && f.path.endsWith('page.txt'))!
                    .text.split('\n')[0]
                    .split(' '),
            ).toHaveLength(9);
        }
        await from.close();
        await to.close();
    });
});
