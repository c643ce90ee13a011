/**
 * Robustness: the sample programs and the specification's snippets, mutated thousands of times
 * (tokens deleted, duplicated, swapped, the text truncated, random bytes inserted; seeded, so a
 * failure is reproducible), go through everything a language server does with a document while
 * it is typed: parse, link, validate, then completion, hover, signature help, definition, references, symbols,
 * folding, semantic tokens, formatting and quick fixes at random places. Nothing may throw or
 * log an error, broken input must always get an error diagnostic, every diagnostic range must lie
 * in the document, and each document must finish in a generous time bound (timings proper belong
 * in bench/).
 *
 * DPROG_FUZZ_RUNS sets the number of mutants (default 2000); DPROG_FUZZ_SEED the seed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { URI, type LangiumDocument } from 'langium';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver';
import { createTestServices, type TestServices } from './helpers.js';
import { seededRng } from '../../engine/src/learning/random.js';

const RUNS = Number(process.env.DPROG_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.DPROG_FUZZ_SEED ?? 20261127);
/** Per document, everything included; far above the normal few milliseconds, to catch blow-ups only. */
const TIME_BOUND_MS = 5000;

const root = path.resolve(__dirname, '../..');

function dprogFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const file = path.join(dir, entry);
        if (statSync(file).isDirectory()) {
            return entry === 'node_modules' ? [] : dprogFiles(file);
        }
        return entry.endsWith('.dprog') ? [file] : [];
    });
}

const spec = readFileSync(path.join(root, 'docs/language.md'), 'utf8');
const corpus: Array<{ name: string; text: string }> = [
    ...dprogFiles(path.join(root, 'samples')).map((file) => ({ name: path.relative(root, file), text: readFileSync(file, 'utf8') })),
    ...[...spec.matchAll(/```dprog\n([\s\S]*?)```/g)].map((m, i) => ({ name: `language.md snippet ${i}`, text: m[1] })),
];

const RANDOM_BYTES = [
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    '<',
    '>',
    '"',
    '/',
    '*',
    '\\',
    '.',
    ',',
    ':',
    '=>',
    '==',
    '$',
    '%',
    '-',
    '\n',
    '\t',
    '\0',
    'é',
    '😀',
    '\u202e',
    'x',
    '9',
];

interface Token {
    start: number;
    end: number;
}

/** One to three random edits of `text`, on token boundaries where the edit is about tokens. */
function mutate(text: string, tokenize: (text: string) => Token[], random: () => number): { text: string; edits: string[] } {
    const pick = (n: number) => Math.floor(random() * n);
    const edits: string[] = [];
    let result = text;
    const count = 1 + pick(3);
    for (let i = 0; i < count; i++) {
        const current = tokenize(result);
        if (current.length === 0) {
            break;
        }
        const kind = pick(5);
        const a = current[pick(current.length)];
        switch (kind) {
            case 0: // delete a token
                result = result.slice(0, a.start) + result.slice(a.end);
                edits.push(`delete ${a.start}-${a.end}`);
                break;
            case 1: // duplicate a token
                result = `${result.slice(0, a.end)} ${result.slice(a.start, a.end)}${result.slice(a.end)}`;
                edits.push(`duplicate ${a.start}-${a.end}`);
                break;
            case 2: {
                // swap two tokens
                const b = current[pick(current.length)];
                const [first, second] = a.start <= b.start ? [a, b] : [b, a];
                if (first.end <= second.start) {
                    result =
                        result.slice(0, first.start) +
                        result.slice(second.start, second.end) +
                        result.slice(first.end, second.start) +
                        result.slice(first.start, first.end) +
                        result.slice(second.end);
                    edits.push(`swap ${first.start} ${second.start}`);
                }
                break;
            }
            case 3: // truncate
                result = result.slice(0, a.start);
                edits.push(`truncate ${a.start}`);
                break;
            default: {
                // insert random bytes anywhere
                const at = pick(result.length + 1);
                const bytes = Array.from({ length: 1 + pick(3) }, () => RANDOM_BYTES[pick(RANDOM_BYTES.length)]).join('');
                result = result.slice(0, at) + bytes + result.slice(at);
                edits.push(`insert ${JSON.stringify(bytes)} at ${at}`);
            }
        }
    }
    return { text: result, edits };
}

let t: TestServices;
const logged: unknown[][] = [];
let documents = 0;
let slowest = 0;

beforeAll(async () => {
    t = await createTestServices();
    // Langium catches some failures and only logs them: count those as failures too.
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        logged.push(args);
    });
});

afterAll(() => {
    vi.restoreAllMocks();
    console.log(`fuzz: ${documents} mutants, slowest ${slowest.toFixed(0)} ms`);
});

function inside(document: LangiumDocument, diagnostic: Diagnostic): boolean {
    const end = document.textDocument.positionAt(document.textDocument.getText().length);
    const { start, end: last } = diagnostic.range;
    const after = (a: typeof start, b: typeof start) => a.line > b.line || (a.line === b.line && a.character > b.character);
    return start.line >= 0 && start.character >= 0 && !after(start, last) && !after(last, end);
}

/** Everything an editor asks of a document being typed, at a random place. */
async function exercise(document: LangiumDocument, random: () => number): Promise<void> {
    const lsp = t.services.lsp;
    const text = document.textDocument.getText();
    const uri = document.uri.toString();
    const textDocument = { uri };
    const position = () => document.textDocument.positionAt(Math.floor(random() * (text.length + 1)));
    await lsp.CompletionProvider!.getCompletion(document, { textDocument, position: position() });
    await lsp.HoverProvider!.getHoverContent(document, { textDocument, position: position() });
    await lsp.SignatureHelp!.provideSignatureHelp(document, { textDocument, position: position() });
    await lsp.DefinitionProvider!.getDefinition(document, { textDocument, position: position() });
    await lsp.ReferencesProvider!.findReferences(document, { textDocument, position: position(), context: { includeDeclaration: true } });
    await lsp.DocumentSymbolProvider!.getSymbols(document, { textDocument });
    await lsp.FoldingRangeProvider!.getFoldingRanges(document, { textDocument });
    await lsp.SemanticTokenProvider!.semanticHighlight(document, { textDocument });
    await lsp.InlayHintProvider!.getInlayHints(document, {
        textDocument,
        range: { start: { line: 0, character: 0 }, end: document.textDocument.positionAt(text.length) },
    });
    await lsp.Formatter!.formatDocument(document, { textDocument, options: { tabSize: 4, insertSpaces: true } });
    const diagnostics = document.diagnostics ?? [];
    if (diagnostics.length > 0) {
        await lsp.CodeActionProvider!.getCodeActions(document, {
            textDocument,
            range: diagnostics[0].range,
            context: { diagnostics },
        });
    }
}

describe('fuzzing the language server with mutated programs', () => {
    test('the corpus is there', () => {
        expect(corpus.length).toBeGreaterThanOrEqual(9);
        expect(corpus.some((c) => c.name.startsWith('samples'))).toBe(true);
    });

    const perEntry = Math.ceil(RUNS / Math.max(1, corpus.length));
    test.each(corpus.map((entry, index) => [entry.name, index] as const))('%s: %#', async (_name, index) => {
        const entry = corpus[index];
        const random = seededRng(SEED + index);
        const tokenize = (text: string) =>
            t.services.parser.Lexer.tokenize(text).tokens.map((token) => ({
                start: token.startOffset,
                end: token.startOffset + token.image.length,
            }));
        const shared = t.services.shared;
        for (let run = 0; run < perEntry; run++) {
            const { text, edits } = mutate(entry.text, tokenize, random);
            const where = `${entry.name}, seed ${SEED + index}, run ${run} (${edits.join('; ')}):\n${text}`;
            const uri = URI.parse(`file:///fuzz/${index}-${run}.dprog`);
            const started = performance.now();
            const document = shared.workspace.LangiumDocumentFactory.fromString(text, uri);
            shared.workspace.LangiumDocuments.addDocument(document);
            try {
                await shared.workspace.DocumentBuilder.build([document], { validation: true });
                await exercise(document, random);
            } catch (error) {
                throw new Error(`threw on ${where}\n${(error as Error).stack}`);
            } finally {
                await shared.workspace.DocumentBuilder.update([], [uri]);
            }
            const elapsed = performance.now() - started;
            slowest = Math.max(slowest, elapsed);
            documents++;
            const diagnostics = document.diagnostics ?? [];
            const broken = document.parseResult.lexerErrors.length > 0 || document.parseResult.parserErrors.length > 0;
            if (broken) {
                expect(
                    diagnostics.some((d) => d.severity === 1),
                    `broken input without an error diagnostic: ${where}`,
                ).toBe(true);
            }
            const crashed = diagnostics.filter((d) => /An error occurred/.test(d.message));
            expect(
                crashed.map((d) => d.message),
                `a check crashed on ${where}`,
            ).toEqual([]);
            expect(
                diagnostics.filter((d) => !inside(document, d)).map((d) => d.range),
                `diagnostic outside the document: ${where}`,
            ).toEqual([]);
            expect(
                logged.map((args) => String(args[0])),
                `logged an error on ${where}`,
            ).toEqual([]);
            expect(elapsed, `took ${elapsed.toFixed(0)} ms on ${where}`).toBeLessThan(TIME_BOUND_MS);
        }
    });
});
