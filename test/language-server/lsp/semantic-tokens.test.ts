/** Semantic tokens tell names from keywords, even names spelt like keywords. */
import { SemanticTokensDecoder } from 'langium/lsp';
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

/** Every token as `line:text:type`. */
async function tokensOf(text: string): Promise<string[]> {
    const document = await t.parse(text);
    const provider = t.services.lsp.SemanticTokenProvider!;
    const tokens = await provider.semanticHighlight(document, { textDocument: { uri: document.uri.toString() } });
    return SemanticTokensDecoder.decode(tokens, provider.tokenTypes, document).map(
        (token) => `${document.textDocument.positionAt(token.offset).line}:${token.text}:${token.tokenType}`,
    );
}

describe('semantic tokens', () => {
    test('names get the token of what they denote, keywords used as names are not keywords', async () => {
        const tokens = await tokensOf(
            [
                'dataset docs from jsonl "d.jsonl" { key id: String, text: Text }',
                'labels Verdict { spam, ham }',
                'labels Verdict2 { junk from spam, ham }',
                'labeler crowd: human { skills [email] }',
                'task classify(x: docs) -> choice<Verdict> {',
                '    show x.text',
                '    route best crowd',
                '}',
                'flow f(x: docs) { if classify(x) == spam { classify(x) } }',
            ].join('\n'),
        );
        expect(tokens).toEqual(
            expect.arrayContaining([
                '0:docs:struct',
                '0:text:property',
                '0:key:keyword',
                '0:from:keyword',
                '1:Verdict:enum',
                '1:spam:enumMember',
                '2:junk:enumMember',
                '2:spam:enumMember',
                '3:crowd:class',
                '3:human:keyword',
                '3:email:variable',
                '4:classify:function',
                '4:x:parameter',
                '4:docs:struct',
                '4:Verdict:enum',
                '4:choice:keyword',
                '5:x:parameter',
                '5:text:property',
                '6:crowd:class',
                '8:classify:function',
                '8:spam:enumMember',
                '8:if:keyword',
            ]),
        );
        // `text` the field is never a keyword, `text` never highlighted twice.
        expect(tokens).not.toContain('5:text:keyword');
        expect(tokens).not.toContain('0:text:keyword');
    });
});

describe('semantic tokens never overlap (VS Code drops overlapping ones with a warning)', () => {
    test('on the samples, for whole-document and range requests', async () => {
        const { readFileSync, readdirSync } = await import('node:fs');
        const path = await import('node:path');
        const samples = path.resolve(__dirname, '../../../samples');
        const files = readdirSync(samples).flatMap((dir) => {
            try {
                // Programs only: a sample's `.dprog/` folder (its label store) is a directory.
                return readdirSync(path.join(samples, dir), { withFileTypes: true })
                    .filter((entry) => entry.isFile() && entry.name.endsWith('.dprog'))
                    .map((entry) => path.join(samples, dir, entry.name));
            } catch {
                return [];
            }
        });
        expect(files.length).toBeGreaterThan(0);
        const provider = t.services.lsp.SemanticTokenProvider!;
        for (const file of files) {
            const document = await t.parse(readFileSync(file, 'utf8'));
            const textDocument = { uri: document.uri.toString() };
            const results = [
                await provider.semanticHighlight(document, { textDocument }),
                await provider.semanticHighlightRange(document, {
                    textDocument,
                    range: { start: { line: 0, character: 0 }, end: { line: 25, character: 0 } },
                }),
            ];
            for (const result of results) {
                const tokens = SemanticTokensDecoder.decode(result, provider.tokenTypes, document);
                const overlapping = tokens.filter((token, i) => i > 0 && token.offset < tokens[i - 1].offset + tokens[i - 1].text.length);
                expect(overlapping, file).toEqual([]);
                expect(tokens.length).toBeGreaterThan(10);
            }
        }
    });
});
