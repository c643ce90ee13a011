/**
 * Pre-labels on demand with the samples' real models: the spam classifier's choice agrees with the
 * model scored the way active learning scores it, and the PaddleOCR detector's boxes find the text
 * lines the documents sample drew (its ground truth).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import { iou } from '../../engine/src/data/boxes.js';
import { hashTexts, joinFields } from '../../engine/src/data/hashed-featurizer.js';
import { scoreMatrix } from '../../engine/src/learning/scoring.js';
import { SessionCache } from '../../engine/src/learning/session-cache.js';
import { readPlanItems } from '../../engine/src/data/plan-items.js';
import { preLabels, taskModels } from '../../extension/src/engine-bridge/pre-labels.js';

const sessions = new SessionCache();
afterAll(() => sessions.releaseAll());

async function planOf(file: string) {
    const { plan } = await compileProgramFile(file);
    if (!plan) {
        throw new Error(`${file} does not compile`);
    }
    return plan;
}

describe('pre-labels on demand', () => {
    test("a classifier's choice is the model's most probable member, marked as the model's", async () => {
        const program = resolve(__dirname, '../../samples/spam/spam.dprog');
        const plan = await planOf(program);
        const task = plan.tasks.find((t) => t.name === 'classify')!;
        expect(taskModels(plan, task).map((m) => m.name)).toEqual(['spam_model']);
        const items = readPlanItems(plan.datasets[0], dirname(program)).slice(0, 8);
        const answers = await preLabels(
            plan,
            dirname(program),
            sessions,
            'classify',
            items.map((i) => ({ key: i.key, fields: i.fields })),
        );
        const model = resolve(dirname(program), 'models/spam.onnx');
        // The sample's model reads `subject, body as hashed 4096`: both fields, joined as the featurizer joins them.
        const texts = items.map((i) => joinFields([i.fields.subject, i.fields.body]));
        const scores = await scoreMatrix(await sessions.get(model), hashTexts(texts, 4096), model);
        items.forEach((item, i) => {
            const row = Array.from(scores.values.subarray(i * 2, i * 2 + 2));
            const best = row[0] >= row[1] ? 0 : 1;
            const [answer] = answers.get(item.key)!;
            expect(answer).toMatchObject({ labeler: 'spam_model', kind: 'model', value: task.classes[best], onDemand: true });
            expect(answer.score).toBeCloseTo(row[best], 5);
        });
    });

    test("a detector's boxes cover the page's text lines", async () => {
        const program = resolve(__dirname, '../../samples/documents/documents.dprog');
        const plan = await planOf(program);
        const truth = JSON.parse(readFileSync(resolve(dirname(program), 'data/truth.jsonl'), 'utf8').split('\n')[0]) as {
            path: string;
            lines: Array<{ box: { x: number; y: number; width: number; height: number } }>;
        };
        const key = `data/${truth.path}`;
        const answers = await preLabels(plan, dirname(program), sessions, 'regions', [{ key, fields: { path: key, image: key } }]);
        const [answer] = answers.get(key)!;
        expect(answer).toMatchObject({ labeler: 'detector', kind: 'model' });
        const boxes = answer.value as Array<{ label: string; x: number; y: number; width: number; height: number }>;
        expect(boxes.every((b) => b.label === 'line')).toBe(true);
        const found = truth.lines.filter((line) => boxes.some((b) => iou(b, line.box) >= 0.5));
        expect(found.length / truth.lines.length).toBeGreaterThanOrEqual(0.8);
    });
});
