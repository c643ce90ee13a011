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
    const p = { kind: 'loop', depth: 0, variable: 'p' } as const;
    const m = { kind: 'loop', depth: 1, variable: 'm' } as const;
    expect(mentions).toMatchObject({
        task: 'mentions',
        forEach: { variable: 'p', over: 'parts(t)', tree: { kind: 'result', stage: parts.id } },
    });
    expect(mentions.loops).toBeUndefined();
    expect(mentions.inputs[0].tree).toEqual({ kind: 'field', of: p, name: 'text' });
    expect(spelled.task).toBe('spelled');
    expect(spelled.forEach).toEqual({ variable: 'm', over: 'mentions(p.text)', tree: { kind: 'result', stage: mentions.id } });
    expect(spelled.loops).toEqual([
        { variable: 'p', over: 'parts(t)', tree: { kind: 'result', stage: parts.id } },
        { variable: 'm', over: 'mentions(p.text)', tree: { kind: 'result', stage: mentions.id } },
    ]);
    const labelIs = (of: typeof p | typeof m, member: string) => ({
        kind: 'compare',
        op: '==',
        left: { kind: 'field', of, name: 'label' },
        right: { kind: 'labelMember', name: member },
    });
    expect(spelled.conditions).toEqual([
        { kind: 'where', expression: 'p.label == request', tree: labelIs(p, 'request'), reads: [parts.id] },
        { kind: 'where', expression: 'm.label == person', tree: labelIs(m, 'person'), reads: [mentions.id] },
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
    expect(spelled.loops?.map(({ variable, over }) => ({ variable, over }))).toEqual([
        { variable: 'p', over: 'parts(t)' },
        { variable: 'm', over: 'mentions(r.text)' },
    ]);
    // The callee's parameter `r` is the argument `p`: its tree reads the caller's loop element.
    const mentions = names.stages.find((s) => s.task === 'mentions')!;
    expect(mentions.inputs[0]).toMatchObject({
        expression: 'r.text',
        tree: { kind: 'field', of: { kind: 'loop', depth: 0, variable: 'p' }, name: 'text' },
    });
    expect(spelled.conditions.map((c) => c.expression)).toEqual(['p.label == request', 'm.label == person']);
});
