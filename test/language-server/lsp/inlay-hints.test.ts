/** Inlay hints show inferred types of lets and loop variables. */
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

let t: TestServices;

beforeAll(async () => {
    t = await createTestServices();
});

describe('inlay hints', () => {
    test('the inferred types of lets and loop variables, after their names', async () => {
        const text = [
            'labels V { car, truck }',
            'dataset frames from images "f/*.png"',
            'task vehicles(f: frames) -> list<box<V>>',
            'task kind(img: Image) -> choice<V>',
            'flow road(f: frames) {',
            '    let boxes = vehicles(f)',
            '    for b in boxes { kind(crop(f.image, b)) }',
            '    let oops = nothing(f)',
            '}',
        ].join('\n');
        const document = await t.parse(text);
        const hints = await t.services.lsp.InlayHintProvider!.getInlayHints(document, {
            textDocument: { uri: document.uri.toString() },
            range: { start: { line: 0, character: 0 }, end: document.textDocument.positionAt(text.length) },
        });
        expect(hints?.map((h) => [h.position.line, h.position.character, h.label])).toEqual([
            [5, 13, ': list<box<V>>'],
            [6, 9, ': box<V>'],
        ]);
    });
});
