/** Plans as files: validation with readable errors, canonical JSON, content hashes. */
import { describe, expect, test } from 'vitest';
import { contentHash, planHash } from '../../../engine/src/plan/hash.js';
import { canonicalJson, parsePlan, PlanFormatError, serializePlan } from '../../../engine/src/plan/serialize.js';
import { compileText } from './compile-helpers.js';

const PROGRAM = `program Shop version 2
dataset emails from jsonl "emails.jsonl" { key id: String, body: Text }
labels Verdict { spam, ham }
labeler crowd: human { pool 3, cost $0.01 per item, accuracy 80% }
task classify(e: emails) -> choice<Verdict> { ask "Spam?" route cascade crowd }`;

describe('plan files', () => {
    test('a compiled plan round-trips through its JSON text unchanged', async () => {
        const plan = await compileText(PROGRAM);
        expect(parsePlan(serializePlan(plan))).toEqual(plan);
    });

    test('bad plan text is rejected saying where and what', async () => {
        const plan = await compileText(PROGRAM);
        expect(() => parsePlan('{ not json')).toThrow(PlanFormatError);
        expect(() => parsePlan(JSON.stringify({ ...plan, schema: 'dprog.plan/v0' }))).toThrow(/expected schema "dprog.plan\/v1"/);
        const broken = JSON.parse(serializePlan(plan));
        broken.tasks[0].quality.target = 'high';
        try {
            parsePlan(JSON.stringify(broken));
            expect.unreachable();
        } catch (error) {
            expect(error).toBeInstanceOf(PlanFormatError);
            expect((error as PlanFormatError).at).toBe('tasks[0].quality.target');
        }
    });

    test('canonical JSON and content hashes do not depend on key order', () => {
        expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
        expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
        expect(contentHash({ a: 1, b: 2 })).not.toBe(contentHash({ a: 1, b: 3 }));
    });

    test('the plan hash covers its content; a task contract hash covers only the contract', async () => {
        const plan = await compileText(PROGRAM);
        expect(plan.hash).toBe(planHash(plan));
        const cheaper = await compileText(PROGRAM.replace('$0.01', '$0.02'));
        expect(cheaper.hash).not.toBe(plan.hash);
        expect(cheaper.tasks[0].contractHash).toBe(plan.tasks[0].contractHash);
        const reworded = await compileText(PROGRAM.replace('"Spam?"', '"Is it spam?"'));
        expect(reworded.tasks[0].contractHash).not.toBe(plan.tasks[0].contractHash);
        const moreMembers = await compileText(PROGRAM.replace('{ spam, ham }', '{ spam, ham, phishing }'));
        expect(moreMembers.tasks[0].contractHash).not.toBe(plan.tasks[0].contractHash);
    });
});
