/** Completion proposes what fits where the cursor is, per ux.md "Writing a program". */
import { expectCompletion } from 'langium/test';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CompletionItem, CompletionList } from 'vscode-languageserver';
import { createTestServices, type TestServices } from '../helpers.js';

const PROGRAM = `
dataset emails from jsonl "emails.jsonl" {
    key id: String
    subject: Text
    body: Text
}
dataset frames from images "frames/*.png"

labels Verdict {
    spam "Unsolicited bulk email" key "s"
    ham
}
labels Vehicle { car, truck, bus }
labels TruckKind { pickup, semi }

labeler crowd: human { cost $0.01 per item }
labeler spam_model: model "spam.onnx" {
    input body as hashed 4096
    output choice<Verdict>
}
labeler detector: model "detector.onnx" {
    input image resize 640 x 640
    output list<box<Vehicle>>
}
rules keywords on emails -> choice<Verdict> {
    unsub: body contains "unsubscribe" => spam
}
task vehicles(f: frames) -> list<box<Vehicle>> { route best detector, crowd }
task truck_kind(img: Image) -> choice<TruckKind> { route best crowd }
`;

let t: TestServices;
let complete: ReturnType<typeof expectCompletion>;

beforeAll(async () => {
    t = await createTestServices();
    complete = expectCompletion(t.services);
});

/** The labels proposed at § in `text` (the shared program is prepended). */
async function labelsAt(text: string): Promise<string[]> {
    let labels: string[] = [];
    await complete({
        text: PROGRAM + text,
        index: 0,
        indexMarker: '§',
        rangeStartMarker: '«',
        rangeEndMarker: '»',
        disposeAfterCheck: true,
        assert: (list: CompletionList) => {
            labels = list.items.map((item: CompletionItem) => item.label);
        },
    });
    return labels;
}

describe('completion', () => {
    test('route offers only labelers that can produce the task output', async () => {
        const labels = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    route cascade §\n}\n');
        expect(labels).toEqual(expect.arrayContaining(['keywords', 'spam_model', 'crowd']));
        expect(labels).not.toContain('detector');
        expect(labels).not.toContain('Verdict');
    });

    test('route offers only people with the skills the task requires', async () => {
        const labels = await labelsAt(
            'labeler experts: human { skills [vehicles] }\ntask kind(i: Image) -> choice<TruckKind> {\n    requires skills ' +
                '[vehicles]\n    route best §\n}\n',
        );
        expect(labels).toContain('experts');
        expect(labels).not.toContain('crowd');
    });

    test('route leaves out labelers already listed', async () => {
        const labels = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    route cascade keywords, §\n}\n');
        expect(labels).toContain('spam_model');
        expect(labels).not.toContain('keywords');
    });

    test('after == only members of the left side label set', async () => {
        const labels = await labelsAt(
            'flow road(f: frames) {\n    let boxes = vehicles(f)\n    for b in boxes where b.label == § {\n    }\n}\n',
        );
        expect(labels.sort()).toEqual(['bus', 'car', 'truck']);
    });

    test('after => in a rule the members of the rules output set', async () => {
        const labels = await labelsAt('rules more on emails -> choice<Verdict> {\n    r: body contains "x" => §\n}\n');
        expect(labels.sort()).toEqual(['ham', 'spam']);
    });

    test('in from the members of the label set', async () => {
        const labels = await labelsAt('labels Verdict2 {\n    junk from §\n    ham\n    other\n}\n');
        expect(labels.sort()).toEqual(['ham', 'other']);
    });

    test('after x. the fields of the receiver', async () => {
        const labels = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    show e.§\n}\n');
        expect(labels.sort()).toEqual(['body', 'id', 'subject']);
    });

    test('after b. the built-in members of a box', async () => {
        const labels = await labelsAt(
            'flow road(f: frames) {\n    let boxes = vehicles(f)\n    for b in boxes {\n        truck_kind(b.§)\n    }\n}\n',
        );
        expect(labels).toContain('label');
        expect(labels).toContain('score');
        expect(labels).not.toContain('text');
    });

    test('after -> the label types, after choice< the label sets', async () => {
        const types = await labelsAt('task t(e: emails) -> §');
        expect(types).toEqual(expect.arrayContaining(['choice', 'choices', 'box', 'list', 'text', 'bool', 'number']));
        expect(types).not.toContain('emails');
        const sets = await labelsAt('task t(e: emails) -> choice<§');
        expect(sets.sort()).toEqual(['TruckKind', 'Vehicle', 'Verdict']);
    });

    /** The items proposed at the end of the shared program, for a client with or without snippet support. */
    async function topLevelItems(snippetSupport: boolean): Promise<CompletionItem[]> {
        t.services.lsp.ClientCapabilities.update({ textDocument: { completion: { completionItem: { snippetSupport } } } });
        let items: CompletionItem[] = [];
        try {
            await complete({
                text: `${PROGRAM}\n§`,
                index: 0,
                indexMarker: '§',
                disposeAfterCheck: true,
                assert: (list: CompletionList) => {
                    items = list.items;
                },
            });
        } finally {
            t.services.lsp.ClientCapabilities.update({});
        }
        return items;
    }

    test('top level offers declaration keywords, each once, and snippets to clients that support them', async () => {
        const items = await topLevelItems(true);
        const labels = items.map((i) => i.label);
        expect(labels).toEqual(expect.arrayContaining(['task', 'labels', 'dataset', 'flow', 'learn', 'monitor', 'labeler', 'rules']));
        expect(labels).not.toContain('cascade');
        expect(new Set(labels).size).toBe(labels.length);
        const snippet = items.find((i) => i.label === 'task' && i.insertTextFormat === 2);
        expect(snippet?.insertText).toContain('route cascade');
    });

    test('a client without snippet support gets plain keywords (the LSP default)', async () => {
        const items = await topLevelItems(false);
        const labels = items.map((i) => i.label);
        expect(labels).toEqual(expect.arrayContaining(['task', 'labels', 'dataset', 'flow', 'learn']));
        expect(new Set(labels).size).toBe(labels.length);
        expect(items.filter((i) => i.insertTextFormat === 2 || /\$\{?\d/.test(i.insertText ?? i.textEdit?.newText ?? ''))).toEqual([]);
    });

    test('inside a route only labelers, also for a client with snippet support', async () => {
        t.services.lsp.ClientCapabilities.update({ textDocument: { completion: { completionItem: { snippetSupport: true } } } });
        try {
            const labels = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    route cascade §\n}\n');
            expect(labels.sort()).toEqual(['crowd', 'keywords', 'spam_model']);
        } finally {
            t.services.lsp.ClientCapabilities.update({});
        }
    });

    test('after a comma in a route only labelers, also when the route ends with a comma', async () => {
        const labels = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    route cascade keywords, §\n    budget $5\n}\n');
        expect(labels.sort()).toEqual(['crowd', 'spam_model']);
    });

    test('aggregation methods that fit the task output type', async () => {
        const choice = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    quality {\n        aggregate §\n    }\n}\n');
        expect(choice.sort()).toEqual(['dawid_skene', 'mace', 'majority', 'one_coin', 'wawa']);
        const boxes = await labelsAt('task boxes(f: frames) -> list<box<Vehicle>> {\n    quality {\n        aggregate §\n    }\n}\n');
        expect(boxes).toEqual(['box_consensus']);
    });

    test('inside a task block the task clauses', async () => {
        const labels = await labelsAt('task classify(e: emails) -> choice<Verdict> {\n    §\n}\n');
        expect(labels).toEqual(expect.arrayContaining(['ask', 'show', 'route', 'requires', 'quality', 'budget']));
        expect(labels).not.toContain('dataset');
    });
});

describe('snippets', () => {
    /** A snippet with each placeholder replaced by its default text (the first choice for `${1|a,b|}`). */
    function expand(body: string): string {
        return body
            .replace(/\\\$/g, '\u0000') // an escaped, literal `$`
            .replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1')
            .replace(/\$\{\d+:([^}]*)\}/g, '$1')
            .replace(/\$\d+/g, '')
            .replaceAll(String.fromCharCode(0), '$');
    }

    test('each expands, with its default texts, to a declaration that parses', async () => {
        const { SNIPPETS } = await import('../../../language-server/src/lsp/snippets.js');
        for (const [keyword, snippet] of Object.entries(SNIPPETS)) {
            const document = await t.parse(`${expand(snippet.body)}\n`);
            const { lexerErrors, parserErrors } = document.parseResult;
            expect(
                [...lexerErrors, ...parserErrors].map((e) => e.message),
                keyword,
            ).toEqual([]);
        }
    });
});
