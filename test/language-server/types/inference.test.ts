/** Inferred types of flow expressions, parameters and declarations (DprogTypeComputer). */
import { AstUtils } from 'langium';
import { beforeAll, describe, expect, test } from 'vitest';
import { isExpression, isLetStatement, isLoopVariable, type Expression } from '../../../language-server/src/generated/ast.js';
import { typeToString } from '../../../language-server/src/types/type-descriptions.js';
import { createTestServices, type TestServices } from '../helpers.js';

const program = `
dataset frames from images "frames/*.png"
dataset docs from jsonl "docs.jsonl" { key id: String, body: Text, pages: Number }
labels Vehicle { car, truck }
labels Entity { person, place }
task vehicles(f: frames) -> list<box<Vehicle>>
task entities(d: docs) -> list<span<Entity>>
task count(f: frames) -> number in [0, 10]
task kind(img: Image) -> choice<Vehicle>
flow road(f: frames, d: docs) {
    let boxes = vehicles(f)
    for b in boxes where b.label == truck and b.score > 0.5 {
        kind(crop(f.image, b))
    }
    for s in entities(d) {
        kind(f.image)
    }
    if d.pages > 3 { kind(f.image) }
}`;

let t: TestServices;
let types: Map<string, string>;
beforeAll(async () => {
    t = await createTestServices();
    const document = await t.parse(program);
    const computer = t.services.types.TypeComputer;
    types = new Map();
    for (const node of AstUtils.streamAllContents(document.parseResult.value)) {
        if (isExpression(node) && node.$cstNode) {
            types.set(node.$cstNode.text, typeToString(computer.typeOf(node as Expression)));
        } else if (isLetStatement(node) || isLoopVariable(node)) {
            types.set(`decl ${node.name}`, typeToString(computer.typeOf(node)));
        }
    }
});

describe('type inference', () => {
    test.each([
        ['vehicles(f)', 'list<box<Vehicle>>'],
        ['decl boxes', 'list<box<Vehicle>>'],
        ['decl b', 'box<Vehicle>'],
        ['b.label', 'choice<Vehicle>'],
        ['truck', 'choice<Vehicle>'],
        ['b.score', 'Number'],
        ['b.label == truck', 'Bool'],
        ['b.label == truck and b.score > 0.5', 'Bool'],
        ['f.image', 'Image'],
        ['crop(f.image, b)', 'Image'],
        ['kind(crop(f.image, b))', 'choice<Vehicle>'],
        ['decl s', 'span<Entity>'],
        ['d.pages', 'Number'],
        ['f', 'frames'],
        ['0.5', 'Number'],
    ])('%s : %s', (expression, type) => {
        expect(types.get(expression)).toBe(type);
    });
});

describe('types that depend on themselves', () => {
    test('half-typed loops whose iterable names the loop variable get an error type, not an endless recursion', async () => {
        const document = await t.parse(`${program}
flow again(f: frames) {
    for b b in boxes where b.label == truck { kind(crop(f.image, b)) }
    for c in c { kind(f.image) }
}`);
        const computer = t.services.types.TypeComputer;
        const variables = AstUtils.streamAllContents(document.parseResult.value).filter(isLoopVariable).toArray();
        expect(variables.length).toBeGreaterThanOrEqual(3);
        const loopOverItself = variables.find((v) => v.name === 'c')!;
        expect(typeToString(computer.typeOf(loopOverItself))).toBe(typeToString(computer.typeOf(loopOverItself)));
        for (const node of AstUtils.streamAllContents(document.parseResult.value).filter(isExpression)) {
            expect(() => computer.typeOf(node as Expression)).not.toThrow();
        }
    });
});
