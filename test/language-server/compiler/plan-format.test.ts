/** Plans as files: validation with readable errors, canonical JSON, content hashes. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
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
        expect(() => parsePlan(JSON.stringify({ ...plan, schema: 'dprog.plan/v0' }))).toThrow(/expected schema "dprog.plan\/v2"/);
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

describe('plans of format v1', () => {
    const golden = (name: string, version = '') => readFileSync(path.join(__dirname, 'golden', version, `${name}.plan.json`), 'utf8');

    test.each(['spam', 'documents', 'language-md'])('the v1 plan of %s upgrades to exactly its v2 plan, keeping its hash', (name) => {
        const v1 = JSON.parse(golden(name, 'v1'));
        expect(v1.schema).toBe('dprog.plan/v1');
        const upgraded = parsePlan(golden(name, 'v1'));
        const v2 = parsePlan(golden(name));
        expect(upgraded.schema).toBe('dprog.plan/v2');
        expect(upgraded.hash).toBe(v1.hash);
        expect(canonicalJson({ ...upgraded, hash: '' })).toBe(canonicalJson({ ...v2, hash: '' }));
    });

    test('a called flow’s parameter, bound in v1 by name, becomes the argument’s tree', async () => {
        const v2 = await compileText(`dataset tickets from jsonl "t.jsonl" { key id: String, body: Text }
labels Part { request, aside }
labels Mention { person, product }
labeler agent: human { cost $0.05 per item, accuracy 95% }
task parts(t: tickets) -> list<span<Part>> { route best agent }
task mentions(x: Text) -> list<span<Mention>> { route best agent }
task spelled(x: Text) -> bool { route best agent }
flow spell(r: span<Part>, body: Text) {
    for m in mentions(r.text) where m.label == person {
        spelled(body)
    }
}
flow names(t: tickets) {
    for p in parts(t) where p.label == request {
        spell(p, t.body)
    }
}`);
        // The same plan as v1 wrote it: text only, the callee's parameters bound by name.
        const v1 = JSON.parse(JSON.stringify(v2, (key, value) => (key === 'tree' ? undefined : value)));
        v1.schema = 'dprog.plan/v1';
        for (const stage of v1.flows[1].stages) {
            if (stage.via.length > 0) {
                stage.bindings = [
                    { name: 'r', expression: 'p' },
                    { name: 'body', expression: 't.body' },
                ];
            }
        }
        const upgraded = parsePlan(JSON.stringify(v1));
        expect(upgraded.flows[1].stages).toEqual(v2.flows[1].stages);
        expect(upgraded.flows[1].stages[1].inputs[0].tree).toEqual({
            kind: 'field',
            of: { kind: 'loop', depth: 0, variable: 'p' },
            name: 'text',
        });
        expect(upgraded.flows[1].stages[2].inputs[0].tree).toEqual({ kind: 'field', of: { kind: 'item' }, name: 'body' });
    });

    test('a v1 plan whose expressions cannot be resolved is refused, saying where and to recompile', () => {
        const v1 = JSON.parse(golden('documents', 'v1'));
        const stage = v1.flows[0].stages.findIndex((s: { inputs: unknown[] }) => s.inputs.length > 0);
        v1.flows[0].stages[stage].inputs[0].expression = 'nowhere(d)';
        let error: unknown;
        try {
            parsePlan(JSON.stringify(v1));
        } catch (caught) {
            error = caught;
        }
        expect(error).toBeInstanceOf(PlanFormatError);
        expect((error as PlanFormatError).at).toBe(`flows[0].stages[${stage}].inputs[0]`);
        expect((error as Error).message).toMatch(
            /dprog\.plan\/v1 plan that cannot be upgraded.*'nowhere\(…\)'.*recompile the program with `dprog compile`/,
        );
        v1.flows[0].stages[stage].inputs[0].expression = 'd ==';
        expect(() => parsePlan(JSON.stringify(v1))).toThrow(/unexpected end in `d ==`.*recompile/);
    });
});
