/** Signature help while a call is typed, even before it parses. */
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

const PROGRAM = [
    'labels V { car, truck }',
    'dataset frames from images "f/*.png"',
    'task vehicles(f: frames) -> list<box<V>> "Every vehicle, boxed."',
    'task kind(img: Image, hint: Text) -> choice<V>',
    'flow road(f: frames) {',
    '    for b in vehicles(f) {',
    '        kind(crop(f.image, ',
].join('\n');

async function helpAt(text: string) {
    const document = await t.parse(text);
    return t.services.lsp.SignatureHelp!.provideSignatureHelp(document, {
        textDocument: { uri: document.uri.toString() },
        position: document.textDocument.positionAt(text.length),
    });
}

describe('signature help', () => {
    test('a built-in inside a task call, on its second argument', async () => {
        const help = await helpAt(PROGRAM);
        expect(help?.signatures[0].label).toBe('crop(image: Image, region: box<L>) -> Image');
        expect(help?.activeParameter).toBe(1);
    });

    test('a task call shows its parameter and output types and its description', async () => {
        const help = await helpAt(PROGRAM.replace('kind(crop(f.image, ', 'let all = vehicles('));
        expect(help?.signatures[0].label).toBe('vehicles(f: frames) -> list<box<V>>');
        expect(help?.signatures[0].documentation).toBe('Every vehicle, boxed.');
        expect(help?.activeParameter).toBe(0);
    });

    test('after a closed call, the enclosing call', async () => {
        const help = await helpAt(PROGRAM.replace('kind(crop(f.image, ', 'kind(crop(f.image, b), '));
        expect(help?.signatures[0].label).toBe('kind(img: Image, hint: Text) -> choice<V>');
        expect(help?.activeParameter).toBe(1);
    });

    test('nothing outside a call', async () => {
        expect(await helpAt(PROGRAM.replace('kind(crop(f.image, ', 'kind(b)\n'))).toBeUndefined();
    });
});
