/**
 * Generates large, realistic data programs for benchmarks: repeated "modules" of datasets, label
 * sets, labelers, rules, tasks, flows, learn blocks and monitors, cross-referencing each other, the
 * previous module and a shared header (people labelers every task routes to). Every generated
 * program parses, links and type-checks without errors (its data and model files do not exist, which
 * are warnings), so a benchmark measures the normal path, not error recovery.
 *
 * Run directly to print one: `npx tsx bench/generate-program.ts 5000 > big.dprog`.
 */

/** The shared part: people every module's tasks route to. */
function header(): string {
    return `program Generated version 1
    "A generated data program for benchmarks."

labeler crowd: human {
    pool 50
    cost $0.01 per item
    accuracy 70%
}

labeler analysts: human {
    skills [email, security, vehicles]
    cost $0.08 per item
    accuracy 95%
}
`;
}

/** One module (about 110 lines); `i` makes its names unique, and it calls into module `i - 1`. */
function module(i: number): string {
    return moduleData(i) + moduleTasks(i) + moduleFlows(i);
}

/** A module's datasets, label sets, labelers and rules. */
function moduleData(i: number): string {
    return `
// ---------------------------------------------------------------- module ${i}

dataset messages_${i} from jsonl "data/messages_${i}.jsonl" {
    key id: String
    subject: Text
    body: Text from "Body"
    sender: String
    priority: Number
    split by id { train 80%, validation 10%, test 10% }
}

dataset frames_${i} from images "data/frames_${i}/*.png" {
    split by path { train 70%, validation 15%, test 15% }
}

labels Verdict_${i} "Whether a message is wanted." {
    spam "Unsolicited bulk email"  key "s"
    ham  "Legitimate email"        key "h"
    phishing "Tries to steal credentials" key "p"
}

labels Topic_${i} { billing, support, sales, legal, other }

labels Vehicle_${i} { car, truck, bus, bicycle }

labels TruckKind_${i} { pickup, semi, tanker }

labeler model_${i}: model "models/model_${i}.onnx" {
    input body as hashed 4096
    output choice<Verdict_${i}>
}

labeler detector_${i}: model "models/detector_${i}.onnx" {
    input image resize 640 x 640
    output list<box<Vehicle_${i}>>
}

rules keywords_${i} on messages_${i} -> choice<Verdict_${i}> {
    money: body matches /free money|\\$\\$\\$/i => spam
    unsub: body contains "unsubscribe" => spam
    reply: subject matches /^re:/i and length(body) > 20 => ham
    login: body contains "password" and not (sender == "it@example.com") => phishing
    urgent: priority > 3 or subject contains "urgent" => ham
}

`;
}

/** A module's tasks. */
function moduleTasks(i: number): string {
    return `task classify_${i}(m: messages_${i}) -> choice<Verdict_${i}> {
    ask "Is this message unsolicited bulk mail?"
    show m.subject, m.body
    route cascade keywords_${i}, model_${i}, crowd, analysts
    quality {
        target 95%
        aggregate dawid_skene
        gold 2%
        at most 5 labels
    }
    budget $200
}

task topic_${i}(m: messages_${i}) -> choices<Topic_${i}> {
    ask "What is this message about?"
    show m.subject, m.body
    route best crowd, analysts
    quality {
        target 90%
        aggregate majority
        at most 3 labels
    }
}

task summarize_${i}(m: messages_${i}) -> text {
    ask "Summarize this message in one sentence."
    show m.body
    route best analysts
}

task vehicles_${i}(f: frames_${i}) -> list<box<Vehicle_${i}>> {
    ask "Draw a box around every vehicle."
    route cascade detector_${i}, crowd
    quality {
        target 90%
        aggregate box_consensus
    }
}

task truck_kind_${i}(img: Image) -> choice<TruckKind_${i}> {
    ask "What kind of truck is this?"
    requires skills [vehicles]
    route best crowd, analysts
}

`;
}

/** A module's flows (one over the previous module), active learning and monitors. */
function moduleFlows(i: number): string {
    // Cross-module references: a flow over the previous module's data, tasks and label set.
    const followUp =
        i === 0
            ? ''
            : `
flow follow_up_${i}(m: messages_${i - 1}) {
    if classify_${i - 1}(m) == phishing {
        summarize_${i - 1}(m)
    }
}
`;
    return `flow triage_${i}(m: messages_${i}) {
    let verdict = classify_${i}(m)
    if verdict == ham {
        topic_${i}(m)
    } else {
        summarize_${i}(m)
    }
}

flow road_${i}(f: frames_${i}) {
    let boxes = vehicles_${i}(f)
    for b in boxes where b.label == truck {
        truck_kind_${i}(crop(f.image, b))
    }
}
${followUp}
learn classify_${i} using model_${i} {
    strategy margin
    diversity 30%
    batch 50
    budget 1000 labels
    retrain every 100 labels
    stop when accuracy >= 95% on validation
}

monitor shift of messages_${i}.body {
    metric psi
    warn above 0.1
    alert above 0.25
}

monitor predictions of model_${i} {
    confidence within [5%, 99%]
    rate of spam within [10%, 60%]
}
`;
}

/** A program of at least `lines` lines (whole modules, so slightly more). */
export function generateProgram(lines: number): string {
    let text = header();
    let count = text.split('\n').length;
    for (let i = 0; count < lines; i++) {
        const next = module(i);
        text += next;
        count += next.split('\n').length - 1;
    }
    return text;
}

if (process.argv[1] && /generate-program\.[tj]s$/.test(process.argv[1])) {
    process.stdout.write(generateProgram(Number(process.argv[2] ?? 5000)));
}
