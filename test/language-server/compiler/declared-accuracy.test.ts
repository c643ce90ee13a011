/** A declared accuracy is taken as written, 100% included (it was once silently replaced by the 80% default). */
import { describe, expect, test } from 'vitest';
import { compileText } from './compile-helpers.js';

const program = (accuracy: string) => `
labels Kind { a, b }
dataset items from jsonl "items.jsonl" { key id: String, text: Text }
labeler oracle: human { pool 1, cost $1 per item, accuracy ${accuracy} }
task t(x: items) -> choice<Kind> { route cascade oracle  quality { target 95%, at most 1 labels } }`;

describe('declared accuracy', () => {
    test('accuracy 100% is accepted as declared, and one answer reaches the target', async () => {
        const plan = await compileText(program('100%'));
        expect(plan.labelers.find((l) => l.name === 'oracle')).toMatchObject({ accuracy: 1, accuracySource: 'declared' });
        expect(plan.tasks[0].route.stages[0].accuracy).toBe(1);
        expect(plan.tasks[0].redundancy.minAnswers).toBe(1);
    });

    test('any other declared accuracy stays as written', async () => {
        const plan = await compileText(program('93%'));
        expect(plan.labelers.find((l) => l.name === 'oracle')).toMatchObject({ accuracy: 0.93, accuracySource: 'declared' });
    });
});

describe('a target the declared labelers cannot reach', () => {
    const unreachable = `
labels Kind { a, b }
dataset items from jsonl "items.jsonl" { key id: String, text: Text }
labeler crowd: human { pool 3, cost $0.01 per item, accuracy 60% }
task t(x: items) -> choice<Kind> { route cascade crowd  quality { target 99%, at most 3 labels } }`;

    test('compile says so, with the best accuracy those labelers can reach', async () => {
        const plan = await compileText(unreachable);
        const warning = plan.warnings.find((w) => w.code === 'plan/target-unreachable');
        expect(warning?.message).toMatch(
            /cannot reach the 99% target with at most 3 label\(s\) per item; the best they can reach is about 6\d\.\d%/,
        );
    });

    test('a reachable target gets no such warning', async () => {
        const plan = await compileText(unreachable.replace('target 99%', 'target 60%'));
        expect(plan.warnings.map((w) => w.code)).not.toContain('plan/target-unreachable');
    });
});
