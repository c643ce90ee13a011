/** The formatter: 4-space blocks, one clause per line, spaces around operators, idempotent. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectFormatting } from 'langium/test';
import { beforeAll, describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;
let formats: ReturnType<typeof expectFormatting>;

beforeAll(async () => {
    t = await createTestServices();
    formats = expectFormatting(t.services);
});

async function format(text: string): Promise<string> {
    const document = await t.parse(text);
    const edits = await t.services.lsp.Formatter!.formatDocument(document, {
        textDocument: { uri: document.uri.toString() },
        options: { tabSize: 4, insertSpaces: true },
    });
    return TextDocument.applyEdits(document.textDocument, edits);
}

describe('formatting', () => {
    test('indents blocks by four spaces and puts one clause per line', async () => {
        await formats({
            before: 'labeler analysts: human {\nskills[email,security] , cost $0.08 per item\n      accuracy 95%\n}\n',
            after: 'labeler analysts: human {\n    skills [email, security]\n    cost $0.08 per item\n    accuracy 95%\n}\n',
        });
    });

    test('spaces around => and == and after commas, none inside types and calls', async () => {
        await formats({
            before: [
                'dataset emails from jsonl "e.jsonl" { key id:String, body : Text }',
                'labels Verdict { spam,ham }',
                'rules kw on emails->choice< Verdict >{',
                '  r1:body contains "x"and not(length( body )>20)=>spam',
                '}',
                'task classify( e:emails )->choice<Verdict>',
                'flow f(e: emails) {',
                'if classify(e)==spam{ classify( e ) }',
                '}',
                '',
            ].join('\n'),
            after: [
                'dataset emails from jsonl "e.jsonl" { key id: String, body: Text }',
                'labels Verdict { spam, ham }',
                'rules kw on emails -> choice<Verdict> {',
                '    r1: body contains "x" and not (length(body) > 20) => spam',
                '}',
                'task classify(e: emails) -> choice<Verdict>',
                'flow f(e: emails) {',
                '    if classify(e) == spam { classify(e) }',
                '}',
                '',
            ].join('\n'),
        });
    });

    test('nested blocks, else on the closing line, comments kept in place', async () => {
        await formats({
            before: [
                'labels Vehicle { car, truck }',
                'dataset frames from images "f/*.png"',
                'task vehicles(f: frames) -> list<box<Vehicle>>',
                'task kind(i: Image) -> choice<Vehicle>',
                'flow road(f: frames) {',
                '// boxes first',
                'let boxes=vehicles(f)   // a list',
                'for b in boxes where b.label==truck {',
                'kind(crop(f.image,b))',
                '}',
                '',
                '',
                '',
                'if kind(f.image) == car {',
                'kind(f.image) }',
                '    else {',
                'kind(f.image)',
                '}',
                '}',
            ].join('\n'),
            after: [
                'labels Vehicle { car, truck }',
                'dataset frames from images "f/*.png"',
                'task vehicles(f: frames) -> list<box<Vehicle>>',
                'task kind(i: Image) -> choice<Vehicle>',
                'flow road(f: frames) {',
                '    // boxes first',
                '    let boxes = vehicles(f) // a list',
                '    for b in boxes where b.label == truck {',
                '        kind(crop(f.image, b))',
                '    }',
                '',
                '    if kind(f.image) == car {',
                '        kind(f.image)',
                '    } else {',
                '        kind(f.image)',
                '    }',
                '}',
                '',
            ].join('\n'),
        });
    });

    test('aligns descriptions, hotkeys, rule arrows and trailing comments in runs of lines', async () => {
        await formats({
            before: [
                'dataset emails from jsonl "e.jsonl" { key id: String, subject: Text, body: Text }',
                'labels Verdict {',
                '    spam "Unsolicited bulk email" key "s" // the usual',
                '    ham "Legitimate email" key "h"',
                '    phishing "Steals credentials"    key "p" // rare',
                '',
                '    other',
                '}',
                'rules kw on emails -> choice<Verdict> {',
                '    money: body matches /free money/i => spam',
                '    reply: subject matches /^re:/i and length(body) > 20 => ham',
                '}',
                '',
            ].join('\n'),
            after: [
                'dataset emails from jsonl "e.jsonl" { key id: String, subject: Text, body: Text }',
                'labels Verdict {',
                '    spam     "Unsolicited bulk email" key "s" // the usual',
                '    ham      "Legitimate email"       key "h"',
                '    phishing "Steals credentials"     key "p" // rare',
                '',
                '    other',
                '}',
                'rules kw on emails -> choice<Verdict> {',
                '    money: body matches /free money/i                    => spam',
                '    reply: subject matches /^re:/i and length(body) > 20 => ham',
                '}',
                '',
            ].join('\n'),
        });
    });

    test('keeps the sample program aligned', async () => {
        const sample = readFileSync(path.resolve(__dirname, '../../../samples/spam/spam.dprog'), 'utf8');
        const lines = (await format(sample)).split('\n');
        const arrows = lines.filter((line) => /^ {4}\w+: .*=> \w+$/.test(line)).map((line) => line.indexOf('=>'));
        expect(arrows).toHaveLength(3);
        expect(new Set(arrows).size).toBe(1);
        const hotkeys = lines.filter((line) => /^ {4}\w+ +".*" +key "\w"$/.test(line)).map((line) => line.indexOf(' key '));
        expect(hotkeys).toHaveLength(2);
        expect(new Set(hotkeys).size).toBe(1);
    });

    test('one-line blocks stay on one line, with commas between clauses', async () => {
        await formats({
            before: 'task t(e: Text) -> bool {\n    quality {target 95% aggregate majority at most 3 labels}\n}\n',
            after: 'task t(e: Text) -> bool {\n    quality { target 95%, aggregate majority, at most 3 labels }\n}\n',
        });
    });

    test('a document with syntax errors is left alone', async () => {
        const broken = 'labels Verdict { spam,ham\ntask t(e: Text) -> choice<Verdict> {  route  }\n';
        expect(await format(broken)).toBe(broken);
    });

    test('is idempotent on the samples and the specification', async () => {
        const root = path.resolve(__dirname, '../../..');
        const spec = readFileSync(path.join(root, 'docs/language.md'), 'utf8');
        const texts = [
            readFileSync(path.join(root, 'samples/spam/spam.dprog'), 'utf8'),
            ...[...spec.matchAll(/```dprog\n([\s\S]*?)```/g)].map((m) => m[1]),
        ];
        for (const text of texts) {
            const once = await format(text);
            expect(await format(once)).toBe(once);
            // Formatting changes only whitespace and separator commas.
            expect(once.replace(/[\s,]/g, '')).toBe(text.replace(/[\s,]/g, ''));
        }
    });
});
