/** Nested `for` loops compile to stages that list every enclosing loop and both levels' conditions. */
import { expect, test } from 'vitest';
import { labelingPlanSchema } from '../../../engine/src/plan/schema.js';
import { compileText } from './compile-helpers.js';

const program = `program Nest version 1
dataset tickets from jsonl "tickets.jsonl" {
    key id: String
    body: Text
}
labels Part { request, aside }
labels Mention { person, product }
labeler agent: human { cost $0.05 per item, accuracy 95% }
task parts(t: tickets) -> list<span<Part>> { route best agent }
task mentions(x: Text) -> list<span<Mention>> { route best agent }
task spelled(x: Text) -> bool { route best agent }
flow names(t: tickets) {
    for p in parts(t) where p.label == request {
        for m in mentions(p.text) where m.label == person {
            spelled(m.text)
        }
    }
}
`;

test('a stage inside two loops lists both, outermost first, with the conditions of both levels', async () => {
    const plan = await compileText(program);
    const [parts, mentions, spelled] = plan.flows[0].stages;
    expect(parts).toMatchObject({ task: 'parts', forEach: null });
    expect(parts.loops).toBeUndefined();
    // One loop: the plan stays as before nested loops existed (forEach only).
    expect(mentions).toMatchObject({ task: 'mentions', forEach: { variable: 'p', over: 'parts(t)' } });
    expect(mentions.loops).toBeUndefined();
    expect(spelled.task).toBe('spelled');
    expect(spelled.forEach).toEqual({ variable: 'm', over: 'mentions(p.text)' });
    expect(spelled.loops).toEqual([
        { variable: 'p', over: 'parts(t)' },
        { variable: 'm', over: 'mentions(p.text)' },
    ]);
    expect(spelled.conditions).toEqual([
        { kind: 'where', expression: 'p.label == request', reads: [parts.id] },
        { kind: 'where', expression: 'm.label == person', reads: [mentions.id] },
    ]);
    expect(spelled.dependsOn).toEqual(expect.arrayContaining([parts.id, mentions.id]));
    // The plan with `loops` round-trips through the schema.
    expect(labelingPlanSchema.parse(JSON.parse(JSON.stringify(plan))).flows[0].stages[2].loops).toEqual(spelled.loops);
});

test('a loop in a flow called from a loop nests under it, the callee’s parameter bound to the argument', async () => {
    const called = program.replace(
        /flow names[\s\S]*$/,
        `flow spell(r: span<Part>) {
    for m in mentions(r.text) where m.label == person {
        spelled(m.text)
    }
}
flow names(t: tickets) {
    for p in parts(t) where p.label == request {
        spell(p)
    }
}
`,
    );
    const plan = await compileText(called);
    const names = plan.flows.find((f) => f.name === 'names')!;
    const spelled = names.stages.find((s) => s.task === 'spelled')!;
    expect(spelled.via).toEqual(['spell']);
    expect(spelled.loops).toEqual([
        { variable: 'p', over: 'parts(t)' },
        { variable: 'm', over: 'mentions(r.text)' },
    ]);
    expect(spelled.bindings).toEqual([{ name: 'r', expression: 'p' }]);
    expect(spelled.conditions.map((c) => c.expression)).toEqual(['p.label == request', 'm.label == person']);
    // Stages outside the call bind nothing.
    expect(names.stages.find((s) => s.task === 'parts')!.bindings).toBeUndefined();
});
