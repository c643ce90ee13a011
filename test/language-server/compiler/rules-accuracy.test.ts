/** A rules labeler's declared accuracy is its prior in the plan; without one the plan assumes a default and says so. */
import { describe, expect, test } from 'vitest';
import { compileText } from './compile-helpers.js';

const program = (accuracyClause: string) => `
dataset emails from jsonl "data/emails.jsonl" {
    key id: String
    body: Text
}
labels Verdict { spam, ham }
rules keywords on emails -> choice<Verdict> {
    ${accuracyClause}
    unsub: body contains "unsubscribe" => spam
}
labeler crowd: human { accuracy 80% }
task classify(e: emails) -> choice<Verdict> {
    route cascade keywords, crowd
}
`;

describe('rules accuracy', () => {
    test('a declared accuracy becomes the prior', async () => {
        const plan = await compileText(program('accuracy 85%'));
        const rules = plan.labelers.find((l) => l.name === 'keywords')!;
        expect(rules.accuracy).toBe(0.85);
        expect(rules.accuracySource).toBe('declared');
        expect(plan.warnings.filter((w) => w.code === 'plan/default-accuracy' && w.message.includes('keywords'))).toEqual([]);
    });

    test('without one, the default is used and reported', async () => {
        const plan = await compileText(program(''));
        const rules = plan.labelers.find((l) => l.name === 'keywords')!;
        expect(rules.accuracySource).toBe('default');
        expect(plan.warnings.some((w) => w.code === 'plan/default-accuracy' && w.message.includes('keywords'))).toBe(true);
    });
});
