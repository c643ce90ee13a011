/**
 * Properties of compilation over generated programs: the same program always yields byte-identical
 * plans (also when compiled by a fresh language server), and every flow's stages come in an order
 * that respects their dependencies.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { serializePlan } from '../../../engine/src/plan/serialize.js';
import type { LabelingPlan } from '../../../engine/src/plan/types.js';
import { createTestServices, type TestServices } from '../helpers.js';
import { compileDocument } from '../../../language-server/src/compiler/compile-document.js';

/** A statement of a generated flow body, by shape. */
type Shape =
    | { kind: 'call'; task: number }
    | { kind: 'let'; task: number }
    | { kind: 'for'; where: boolean; body: Shape[] }
    | { kind: 'if'; task: number; else: boolean; body: Shape[]; otherwise: Shape[] };

const shape: fc.Memo<Shape> = fc.memo((depth) =>
    depth <= 1
        ? fc.oneof(
              fc.record({ kind: fc.constant('call' as const), task: fc.nat(3) }),
              fc.record({ kind: fc.constant('let' as const), task: fc.nat(3) }),
          )
        : fc.oneof(
              { weight: 3, arbitrary: shape(1) },
              fc.record({ kind: fc.constant('for' as const), where: fc.boolean(), body: fc.array(shape(depth - 1), { maxLength: 3 }) }),
              fc.record({
                  kind: fc.constant('if' as const),
                  task: fc.nat(3),
                  else: fc.boolean(),
                  body: fc.array(shape(depth - 1), { maxLength: 3 }),
                  otherwise: fc.array(shape(depth - 1), { maxLength: 2 }),
              }),
          ),
);

const programShape = fc.record({
    members: fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 1, maxLength: 3 }),
    accuracies: fc.array(fc.integer({ min: 55, max: 99 }), { minLength: 1, maxLength: 3 }),
    targets: fc.array(fc.integer({ min: 60, max: 99 }), { minLength: 4, maxLength: 4 }),
    strategies: fc.array(fc.constantFrom('cascade', 'best'), { minLength: 4, maxLength: 4 }),
    body: fc.array(shape(3), { minLength: 1, maxLength: 6 }),
    subflow: fc.boolean(),
});

type ProgramShape = typeof programShape extends fc.Arbitrary<infer T> ? T : never;

/** Builds a valid program from a shape: choice tasks on frames, one box task, one crop task. */
function programText(p: ProgramShape): string {
    const sets = p.members.map((n, i) => `labels L${i} { ${Array.from({ length: n }, (_, m) => `m${i}_${m}`).join(', ')} }`);
    const humans = p.accuracies.map((a, i) => `labeler h${i}: human { pool ${i + 1}, cost $0.0${i + 1} per item, accuracy ${a}% }`);
    const route = (i: number) => `route ${p.strategies[i]} ${p.accuracies.map((_, h) => `h${h}`).join(', ')}`;
    const tasks = [0, 1, 2].map((i) => {
        const set = i % p.members.length;
        return (
            `task c${i}(f: frames) -> choice<L${set}> { ask "Question ${i}?" ${route(i)} quality { target ${p.targets[i]}%, at ` +
            `most 4 labels } }`
        );
    });
    tasks.push(`task boxes(f: frames) -> list<box<L0>> { ${route(3)} quality { target ${p.targets[3]}% } }`);
    tasks.push(`task part(img: Image) -> bool { ${route(0)} }`);

    let counter = 0;
    // Names a statement may use: let-bound lists of boxes visible in its block.
    type Scope = { lists: string[] };
    const render = (s: Shape, scope: Scope): string => {
        switch (s.kind) {
            case 'call':
                return `c${s.task % 3}(f)`;
            case 'let': {
                const name = `v${counter++}`;
                if (s.task === 3) {
                    scope.lists.push(name);
                    return `let ${name} = boxes(f)`;
                }
                return `let ${name} = c${s.task}(f)`;
            }
            case 'for': {
                const variable = `b${counter++}`;
                const over = scope.lists.length > 0 ? scope.lists[scope.lists.length - 1] : 'boxes(f)';
                const where = s.where ? ` where ${variable}.label == m0_0` : '';
                const inner = { lists: [...scope.lists] };
                const body = [`part(crop(f.image, ${variable}))`, ...s.body.map((b) => render(b, inner))];
                return `for ${variable} in ${over}${where} {\n${body.join('\n')}\n}`;
            }
            case 'if': {
                const set = (s.task % 3) % p.members.length;
                const condition = `c${s.task % 3}(f) == m${set}_0`;
                const thenScope = { lists: [...scope.lists] };
                const elseScope = { lists: [...scope.lists] };
                const then = s.body.map((b) => render(b, thenScope));
                const otherwise = s.otherwise.map((b) => render(b, elseScope));
                return `if ${condition} {\n${then.join('\n')}\n}${s.else ? ` else {\n${otherwise.join('\n')}\n}` : ''}`;
            }
        }
    };
    const top: Scope = { lists: [] };
    const body = p.body.map((s) => render(s, top));
    const flows = [`flow main(f: frames) {\n${body.join('\n')}${p.subflow ? '\nsub(f)' : ''}\n}`];
    if (p.subflow) {
        flows.push(`flow sub(f: frames) {\nlet inner = boxes(f)\nfor x in inner where x.label == m0_1 {\npart(crop(f.image, x))\n}\n}`);
    }
    return [`program Generated version 3`, `dataset frames from images "data/*.png"`, ...sets, ...humans, ...tasks, ...flows].join('\n');
}

let shared: TestServices | undefined;

/** Compiles in a fresh language server (`fresh`) or in one shared by the runs. */
async function compileFresh(text: string, fresh = true): Promise<{ plan: LabelingPlan; errors: string[] }> {
    const { services, parse } = fresh ? await createTestServices() : (shared ??= await createTestServices());
    const document = await parse(text);
    const errors = (document.diagnostics ?? []).filter((d) => d.severity === 1).map((d) => d.message);
    return { plan: compileDocument(services, document, { countItems: false }), errors };
}

describe('compilation properties', () => {
    test('the same program compiles to byte-identical plans, in any language server', async () => {
        await fc.assert(
            fc.asyncProperty(programShape, async (p) => {
                const text = programText(p);
                const first = await compileFresh(text, false);
                expect(first.errors).toEqual([]);
                const second = await compileFresh(text);
                expect(serializePlan(second.plan)).toBe(serializePlan(first.plan));
            }),
            { numRuns: 8, seed: 20261127 },
        );
    });

    test('stages come after every stage they depend on or whose labels their conditions read', async () => {
        const seen = { conditions: 0, crops: 0, inlined: 0 };
        await fc.assert(
            fc.asyncProperty(programShape, async (p) => {
                const { plan, errors } = await compileFresh(programText(p), false);
                expect(errors).toEqual([]);
                for (const flow of plan.flows) {
                    seen.conditions += flow.stages.filter((s) => s.conditions.length > 0).length;
                    seen.crops += flow.stages.filter((s) => s.inputs.some((i) => i.derivation === 'crop')).length;
                    seen.inlined += flow.stages.filter((s) => s.via.length > 0).length;
                    const ids = flow.stages.map((s) => s.id);
                    expect(new Set(ids).size).toBe(ids.length);
                    flow.stages.forEach((stage, index) => {
                        const earlier = new Set(ids.slice(0, index));
                        for (const dep of [...stage.dependsOn, ...stage.conditions.flatMap((c) => c.reads)]) {
                            expect(earlier.has(dep), `${stage.id} depends on ${dep}`).toBe(true);
                        }
                        // A stage entered under a condition depends on what the condition reads.
                        for (const read of stage.conditions.flatMap((c) => c.reads)) {
                            expect(stage.dependsOn).toContain(read);
                        }
                        // Cropped inputs come from a loop over boxes some earlier stage produced.
                        if (stage.inputs.some((i) => i.derivation === 'crop')) {
                            expect(stage.forEach).not.toBeNull();
                            expect(stage.dependsOn.some((d) => d.endsWith(':boxes'))).toBe(true);
                        }
                    });
                }
            }),
            { numRuns: 25, seed: 7 },
        );
        // The generated programs exercise conditions, crops and inlined flows.
        expect(seen.conditions).toBeGreaterThan(0);
        expect(seen.crops).toBeGreaterThan(0);
        expect(seen.inlined).toBeGreaterThan(0);
    });
});

describe('compiling incomplete programs (as the editor sees them while typing)', () => {
    test('any prefix of a valid program compiles without throwing; without errors, to a plan the schema accepts', async () => {
        const { readFileSync } = await import('node:fs');
        const { validatePlan } = await import('../../../engine/src/plan/serialize.js');
        const text = readFileSync(new URL('./programs/language-md.dprog', import.meta.url), 'utf8');
        await fc.assert(
            fc.asyncProperty(fc.integer({ min: 0, max: text.length }), async (cut) => {
                const { plan, errors } = await compileFresh(text.slice(0, cut), false);
                const json = JSON.parse(serializePlan(plan));
                if (errors.length === 0) {
                    expect(() => validatePlan(json)).not.toThrow();
                }
            }),
            { numRuns: 60, seed: 11 },
        );
    });
});
