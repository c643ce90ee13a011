/**
 * A person's label through the extension host: the webview message is validated (protocol and
 * task type), written to the label store and made durable (journal fsync), and acknowledged —
 * AnnotateSession.handle from message to `ack`. Baseline, side by side in this process: the same
 * labels written with LabelStore.addLabel directly (durable, no protocol). Target: p95 < 50 ms
 * (issue #6); the end-to-end run in code-server adds the browser↔extension-host hop on top.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabelStore } from '../engine/src/store/index.js';
import { AnnotateSession } from '../extension/src/panels/annotate-session.js';
import type { HostToAnnotate, TaskView } from '../webview/src/protocol.js';

const N = 300;
const TARGET_P95_MS = 50;

const percentile = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

const task: TaskView = {
    name: 'classify',
    question: null,
    output: { kind: 'choice', labelSet: 'Verdict', text: 'choice<Verdict>' },
    classes: [
        { name: 'spam', description: null, hotkey: 's' },
        { name: 'ham', description: null, hotkey: 'h' },
    ],
    show: [],
    costPerLabel: 0,
};
const keys = Array.from({ length: N }, (_, i) => `item-${i}`);

async function viaSession(dir: string): Promise<number[]> {
    const store = await LabelStore.open(join(dir, 'session.sqlite'));
    let resolveAck: (() => void) | undefined;
    const session = new AnnotateSession({
        task,
        labeler: 'me',
        programVersion: 'bench',
        writable: true,
        loadInit: async () => ({
            type: 'init',
            program: 'p',
            task,
            items: keys.map((key) => ({
                key,
                split: 'train',
                fields: {},
                imageUri: null,
                reason: null,
                score: null,
                preLabels: [],
                existing: null,
            })),
            done: 0,
            planned: N,
            labeler: 'me',
            writable: true,
            notice: null,
        }),
        addLabel: (label) => store.addLabel(label),
        post: (m: HostToAnnotate) => m.type === 'ack' && resolveAck?.(),
        log: () => undefined,
    });
    await session.handle({ type: 'ready' });
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
        const acked = new Promise<void>((resolve) => (resolveAck = resolve));
        const start = performance.now();
        void session.handle({ type: 'submit', requestId: i, item: keys[i], value: i % 2 ? 'spam' : 'ham' });
        await acked;
        times.push(performance.now() - start);
    }
    await store.close();
    return times;
}

async function direct(dir: string): Promise<number[]> {
    const store = await LabelStore.open(join(dir, 'direct.sqlite'));
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
        const start = performance.now();
        await store.addLabel({
            task: 'classify',
            item: keys[i],
            labeler: 'me',
            labelerKind: 'human',
            value: i % 2 ? 'spam' : 'ham',
            programVersion: 'bench',
        });
        times.push(performance.now() - start);
    }
    await store.close();
    return times;
}

const dir = mkdtempSync(join(tmpdir(), 'dprog-bench-rt-'));
try {
    const baseline = await direct(dir);
    const measured = await viaSession(dir);
    const [p50, p95, b50, b95] = [percentile(measured, 50), percentile(measured, 95), percentile(baseline, 50), percentile(baseline, 95)];
    console.log(
        `label round trip in the extension host (validate → durable → ack), ${N} labels: p50 ${p50.toFixed(2)} ms, p95 ` +
            `${p95.toFixed(2)} ms`,
    );
    console.log(`baseline LabelStore.addLabel (durable, no protocol), same process: p50 ${b50.toFixed(2)} ms, p95 ${b95.toFixed(2)} ms`);
    console.log(
        `ratio p95 session / baseline: ${(p95 / b95).toFixed(2)}; target p95 < ${TARGET_P95_MS} ms: ` +
            `${p95 < TARGET_P95_MS ? 'met' : 'MISSED'}`,
    );
    process.exitCode = p95 < TARGET_P95_MS ? 0 : 1;
} finally {
    rmSync(dir, { recursive: true, force: true });
}
