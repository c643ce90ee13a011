/**
 * Formatting never changes what a program means: every `.dprog` file of the repository (samples,
 * test programs) and random valid programs generated with fast-check (clauses in any order,
 * separated by commas, newlines, both or spaces, blocks on one line or several, comments) format
 * to a program with the same syntax tree and the same diagnostics, and formatting again changes
 * nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as fc from 'fast-check';
import { URI, type LangiumDocument } from 'langium';
import { beforeAll, describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createTestServices, diagnosticLines, type TestServices } from '../helpers.js';

const root = path.resolve(__dirname, '../../..');

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

function dprogFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const file = path.join(dir, entry);
        if (statSync(file).isDirectory()) {
            return entry === 'node_modules' || entry === 'data' ? [] : dprogFiles(file);
        }
        return entry.endsWith('.dprog') ? [file] : [];
    });
}

/** What a program means: its syntax tree (references by name) and its diagnostics, without positions. */
interface Meaning {
    readonly syntaxErrors: number;
    readonly tree: string;
    readonly diagnostics: string[];
}

/** Parses and checks `text` at `uri` (replacing any document there), then removes it again. */
async function meaningOf(text: string, uri: string): Promise<{ meaning: Meaning; formatted: string }> {
    const documents = t.services.shared.workspace.LangiumDocuments;
    documents.deleteDocument(URI.parse(uri));
    const document: LangiumDocument = await t.parse(text, { documentUri: uri });
    try {
        const { parseResult } = document;
        const tree = t.services.serializer.JsonSerializer.serialize(parseResult.value, {
            refText: true,
            sourceText: false,
            textRegions: false,
            comments: false,
        });
        const edits = await t.services.lsp.Formatter!.formatDocument(document, {
            textDocument: { uri },
            options: { tabSize: 4, insertSpaces: true },
        });
        return {
            meaning: {
                syntaxErrors: parseResult.lexerErrors.length + parseResult.parserErrors.length,
                tree,
                // Line numbers in messages ("already declared on line 4") move with the layout.
                diagnostics: diagnosticLines(document)
                    .map((line) => line.replace(/\bline \d+/g, 'line N'))
                    .sort(),
            },
            formatted: TextDocument.applyEdits(document.textDocument, edits),
        };
    } finally {
        documents.deleteDocument(URI.parse(uri));
    }
}

/** Formats `text`, and requires the same meaning and a fixed point. Returns the number of syntax errors. */
async function expectFormattingKeepsMeaning(text: string, uri: string): Promise<number> {
    const before = await meaningOf(text, uri);
    const after = await meaningOf(before.formatted, uri);
    expect(after.meaning, `formatted:\n${before.formatted}`).toEqual(before.meaning);
    expect(after.formatted, 'formatting twice changes nothing').toBe(before.formatted);
    return before.meaning.syntaxErrors;
}

describe('formatting keeps meaning', () => {
    const files = [...dprogFiles(path.join(root, 'samples')), ...dprogFiles(path.join(root, 'test'))];

    test('on every .dprog file of the repository', async () => {
        expect(files.length).toBeGreaterThan(30);
        let formatted = 0;
        for (const file of files) {
            // Test programs mark expected ranges with « »; without them they are programs like any other.
            const text = readFileSync(file, 'utf8').replace(/[«»]/g, '');
            const uri = pathToFileURL(file).toString();
            if ((await expectFormattingKeepsMeaning(text, uri)) === 0) {
                formatted++;
            }
        }
        expect(formatted).toBeGreaterThan(files.length / 2); // most are valid programs, so really reformatted
    }, 120_000);

    test('on generated programs', async () => {
        let run = 0;
        await fc.assert(
            fc.asyncProperty(program(), async (text) => {
                const errors = await expectFormattingKeepsMeaning(text, `file:///generated/program${++run}.dprog`);
                expect(errors, text).toBe(0); // the generator writes valid syntax, so the formatter really works on it
            }),
            { numRuns: Number(process.env.DPROG_FORMAT_RUNS ?? 150), seed: Number(process.env.DPROG_FORMAT_SEED ?? 14) },
        );
    }, 120_000);
});

// ------------------------------------------------------------------ a generator of valid programs

/** Between two clauses of a block: a comma, newlines, both, only spaces, or a comment. */
const separator = fc.constantFrom(' ', ', ', ',', '\n', ',\n', '\n\n    ', ' , ', '  // note\n', ', /* c */ ', '\n// line\n');
/** After `{` and before `}`. */
const padding = fc.constantFrom('', ' ', '\n', '\n    ', '  ');
const word = fc.constantFrom('alpha', 'beta', 'text', 'key', 'score', 'x', 'item', 'margin');

/** `{ a<sep>b<sep>c }` with the clauses in a random order. */
function block(clauses: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
    return fc
        .tuple(
            fc.shuffledSubarray(
                clauses.map((_, i) => i),
                { minLength: 1 },
            ),
            fc.array(separator, { minLength: clauses.length, maxLength: clauses.length }),
            padding,
            padding,
            fc.tuple(...clauses),
        )
        .map(
            ([order, seps, open, close, texts]) => `{${open}${order.map((i, n) => (n === 0 ? '' : seps[n]) + texts[i]).join('')}${close}}`,
        );
}

const labelsDecl = fc
    .tuple(fc.constantFrom('', ' "The verdict"'), block([fc.constant('a "first one"'), fc.constant('b key "b"'), fc.constant('c')]))
    .map(([description, body]) => `labels L${description} ${body}`);

const datasetDecl = block([
    fc.constant('key id: String'),
    fc.constant('body: Text from "Body"'),
    fc.constant('n: Number'),
    fc.constant('split by id { train 80%, validation 10%, test 10% }'),
]).map((body) => `dataset d from jsonl "d.jsonl" ${body}`);

const humanDecl = fc
    .tuple(
        fc.constant('p'),
        block([
            fc.constant('cost $0.01 per item'),
            fc.constant('accuracy 90%'),
            fc.constant('skills [email, security]'),
            fc.constant('pool 3'),
        ]),
    )
    .map(([name, body]) => `labeler ${name}: human ${body}`);

const qualityClause = block([
    fc.constant('target 90%'),
    fc.constant('aggregate majority'),
    fc.constant('gold 2%'),
    fc.constant('at most 3 labels'),
]).map((body) => `quality ${body}`);

const routeClause = fc
    .tuple(fc.constantFrom('cascade', 'best'), fc.constantFrom('p', 'p, q', 'q, p', 'p,q'))
    .map(([strategy, labelers]) => `route ${strategy} ${labelers}`);

const taskDecl = fc
    .tuple(
        word,
        block([
            fc.constant('ask "Is it spam?"'),
            fc.constantFrom('show x.body', 'show x.body, x.id', 'show x'),
            routeClause,
            fc.constant('requires skills [email]'),
            qualityClause,
            fc.constant('budget $5'),
        ]),
    )
    .map(([name, body]) => `task t_${name}(x: d) -> choice<L> ${body}`);

const rulesDecl = block([
    fc.constant('r1: body contains "free" => a'),
    fc.constant('r2: length(body) > 20 and not (n < 3) => b'),
    fc.constant('accuracy 70%'),
]).map((body) => `rules kw on d -> choice<L> ${body}`);

const flowDecl = fc
    .tuple(
        word,
        block([
            fc.constant('let r = t_main(x)'),
            fc.constant('if t_main(x) == a { t_main(x) } else { t_main(x) }'),
            fc.constant('t_main(x)'),
        ]),
    )
    .map(([name, body]) => `flow f_${name}(x: d) ${body}`);

const mainTask = 'task t_main(x: d) -> choice<L> { route cascade p }';

function program(): fc.Arbitrary<string> {
    const topSeparator = fc.constantFrom('\n', '\n\n', '\n\n\n', '\n// a comment\n');
    return fc
        .tuple(
            fc.constantFrom('', 'program P version 2\n', 'program P "A program"\n'),
            fc.shuffledSubarray([0, 1, 2], { minLength: 0 }),
            fc.tuple(labelsDecl, datasetDecl, humanDecl),
            fc.tuple(taskDecl, rulesDecl, flowDecl),
            fc.array(topSeparator, { minLength: 8, maxLength: 8 }),
        )
        .map(([header, order, [labels, dataset, human], optional, seps]) => {
            const chosen = [labels, dataset, human, 'labeler q: human', mainTask, ...order.map((i) => optional[i])];
            return header + chosen.map((text, i) => text + seps[i]).join('');
        });
}
