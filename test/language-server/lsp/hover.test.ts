/** Hover explains declarations in the program's own words (ux.md: tasks, labelers, inferred types). */
import { expectHover } from 'langium/test';
import { beforeAll, describe, test } from 'vitest';
import { createTestServices, type TestServices } from '../helpers.js';

const PROGRAM = `program Roads version 2 "Find trucks on the road."

dataset frames from images "frames/*.png" {
    split by path { train 70%, validation 15%, test 15% }
}
dataset emails from jsonl "emails.jsonl" {
    key id: String
    body: Text from "Body"
}

labels Verdict "Whether mail is wanted." {
    spam "Unsolicited bulk email" key "s"
    ham "Legitimate email" key "h"
}
labels Vehicle { car, truck, bus }
labels TruckKind { pickup, semi }

labeler crowd: human {
    pool 50
    cost $0.01 per item
    accuracy 70%
}
labeler §analysts: human { skills [vehicles], cost $0.08 per item, accuracy 95% }
labeler §detector: model "detector.onnx" {
    input image resize 640 x 640
    output list<box<Vehicle>>
}
rules §keywords on emails -> choice<Verdict> {
    unsub: body contains "unsubscribe" => §spam
}
task §classify(e: emails) -> choice<Verdict> {
    ask "Is this email unsolicited bulk mail?"
    route §cascade keywords, crowd, analysts
    quality { target 98%, aggregate dawid_skene, gold 2%, at most 5 labels }
    budget $200
}
task vehicles(f: frames) -> list<box<Vehicle>> { route best detector, crowd }
task truck_kind(img: Image) -> choice<TruckKind> { route best crowd }
flow road(f: §frames) {
    let §boxes = vehicles(f)
    for §b in boxes where b.§label == truck {
        truck_kind(§crop(f.image, b))
    }
}
labels §Verdict2 { junk from spam, ham }
`;

let t: TestServices;
let hover: ReturnType<typeof expectHover>;

beforeAll(async () => {
    t = await createTestServices();
    hover = expectHover(t.services);
});

async function expectHoverAt(index: number, pattern: RegExp): Promise<void> {
    await hover({
        text: PROGRAM,
        index,
        hover: pattern,
        indexMarker: '§',
        rangeStartMarker: '«',
        rangeEndMarker: '»',
        disposeAfterCheck: true,
    });
}

/** A pattern matching the given regular-expression parts in this order, anything between them. */
function inOrder(...parts: string[]): RegExp {
    return new RegExp(parts.join('[\\s\\S]*'));
}

describe('hover', () => {
    test('a human labeler shows its cost, accuracy and skills', async () => {
        await expectHoverAt(
            0,
            /labeler analysts: human[\s\S]*\*\*Cost\*\*: \$0\.08 per item[\s\S]*\*\*Accuracy\*\*: 95%[\s\S]*\*\*Skills\*\*: vehicles/,
        );
    });

    test('a model labeler shows its input and output type', async () => {
        await expectHoverAt(1, /model "detector\.onnx"[\s\S]*image resize 640 x 640[\s\S]*`list<box<Vehicle>>`/);
    });

    test('a rules labeler lists its rules', async () => {
        await expectHoverAt(2, /rules keywords on emails -> choice<Verdict>[\s\S]*1 rule[\s\S]*unsub\*\*: → `spam`/);
    });

    test('a label member shows its description and hotkey', async () => {
        await expectHoverAt(3, /\(member of Verdict\) spam[\s\S]*Unsolicited bulk email[\s\S]*Hotkey\*\*: `s`/);
    });

    test('a task shows input, output, route, quality target and budget', async () => {
        await expectHoverAt(
            4,
            inOrder(
                'task classify\\(e: emails\\) -> choice<Verdict>',
                'one item of dataset `emails` \\(jsonl\\)',
                '`choice<Verdict>` — spam, ham',
                'cascade keywords → crowd → analysts',
                'target 98%, aggregate dawid_skene, gold 2%, at most 5 labels',
                '\\*\\*Budget\\*\\*: \\$200',
            ),
        );
    });

    test('a task in a program without errors shows the compiled plan expected cost and accuracy', async () => {
        await expectHoverAt(
            4,
            inOrder(
                '\\*\\*Expected\\*\\*: \\$\\d[\\d.]* per item \\(at most \\$[\\d.]+\\), accuracy \\d[\\d.]*%, ',
                '[\\d.]+ answers per item; [\\d.]+% of items reach the target',
            ),
        );
    });

    test('a dataset reference shows its implicit fields and split', async () => {
        await expectHoverAt(6, /dataset frames from images[\s\S]*`image`[\s\S]*train 70%, validation 15%, test 15%/);
    });

    test('a let shows its inferred type', async () => {
        await expectHoverAt(7, /let boxes: list<box<Vehicle>>/);
    });

    test('a loop variable shows its element type', async () => {
        await expectHoverAt(8, /\(loop variable\) b: box<Vehicle>/);
    });

    test('a member access shows the member type on its receiver', async () => {
        await expectHoverAt(9, /\(member\) b\.label: choice<Vehicle>[\s\S]*class of a box/);
    });

    test('a built-in function shows its signature', async () => {
        await expectHoverAt(10, /crop\(image, region\)[\s\S]*crop\(image: Image, region: box<L>\) -> Image/);
    });

    test('a keyword explains itself', async () => {
        await expectHoverAt(5, /route cascade A, B, …`: try labelers in order, stopping/);
    });

    test('a label set lists members with migrations', async () => {
        await expectHoverAt(11, /labels Verdict2[\s\S]*`junk`/);
    });
});
