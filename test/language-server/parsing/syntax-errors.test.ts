/** Syntax errors say what was expected, after what, and what was found, in a line. */
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

async function syntaxErrors(text: string): Promise<string[]> {
    const document = await t.parse(text);
    return document.parseResult.parserErrors.map((e) => e.message);
}

describe('syntax error messages', () => {
    test('a missing name says so, not every keyword that could be one', async () => {
        expect(await syntaxErrors('labeler crowd: human\ntask t(x: Text) -> bool {\n    route best\n}\n')).toEqual([
            "Expected a name after 'best', but found '}'.",
        ]);
    });

    test('a missing label type lists the label types', async () => {
        expect(await syntaxErrors('task u(x: Text) -> {\n}\n')).toEqual([
            "Expected 'choice', 'choices', 'box', 'polygon', 'point', 'span', 'text', 'number', 'bool' or 'list' after '->', " +
                "but found '{'.",
        ]);
    });

    test('a stray closing brace', async () => {
        expect(await syntaxErrors('labels V { a }\n}\n')).toEqual(["Unexpected '}': no block is open here."]);
    });

    test('every message is one short line', async () => {
        const messages = await syntaxErrors('flow f(x: Text) {\n    let y = \n}\ntask t(x: Text) -> choice<>\n');
        expect(messages.length).toBeGreaterThan(0);
        for (const message of messages) {
            expect(message).not.toContain('\n');
            expect(message.length).toBeLessThan(200);
        }
    });
});
