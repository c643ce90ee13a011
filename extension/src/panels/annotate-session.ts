/**
 * The extension host's side of one annotation panel, without `vscode`: validates every message
 * from the webview, writes accepted labels to the store through the engine, and answers. A message
 * that does not match the protocol — or a label that does not fit the task's output type, names an
 * item the panel was never shown, or arrives in an untrusted workspace — is logged and dropped,
 * and nothing is written.
 *
 * The panel has two modes: labeling, and reviewing the items whose labelers disagreed. A `ready`
 * may switch the mode; a review answer takes the same path as any label (validated, durable, then
 * acknowledged), replacing the reviewer's own earlier label on the item if they had one. An item a
 * program change asks about (language.md §10) takes only an answer among its members; a review of
 * its old label supersedes that label.
 */
import type { z } from 'zod';
import type { NewLabel, Label } from '../../../engine/src/store/types.js';
import {
    annotateInbound,
    labelValueSchema,
    type AnnotateMode,
    type HostToAnnotate,
    type PreLabelView,
    type TaskView,
} from '../../../webview/src/protocol.js';

export interface AnnotateSessionOptions {
    task: TaskView;
    /** The person labeling (setting `dprog.labelerName`). */
    labeler: string;
    /** The plan's hash: the program version labels are given under. */
    programVersion: string | undefined;
    /** false in an untrusted workspace. */
    writable: boolean;
    /** Why labels cannot be saved, when `writable` is false for another reason than workspace trust. */
    readonlyReason?: string;
    /** Builds the `init` message of a mode (reads the data and the store); called on every `ready`. */
    loadInit: (mode: AnnotateMode) => Promise<HostToAnnotate>;
    /** The mode the panel opens in (default: labeling). */
    mode?: AnnotateMode;
    addLabel: (label: NewLabel) => Promise<Label>;
    post: (message: HostToAnnotate) => void;
    log: (line: string) => void;
    /** Called after each durable label (status bar, CodeLens counts) with the time it took to be durable. */
    onLabeled?: (label: Label, durableMs: number) => void;
    /** Runs the task's models on items without a stored model answer (absent: no pre-labels on demand). */
    preLabel?: (items: string[]) => Promise<Map<string, PreLabelView[]>>;
}

export class AnnotateSession {
    private readonly valueSchema: z.ZodType<unknown>;
    /** Items this panel has been shown: only these may be labeled. */
    private readonly knownItems = new Set<string>();
    /** Items a program change asks among some members only (a review or a re-ask): the answers they allow. */
    private readonly among = new Map<string, readonly string[]>();
    /** Label ids acknowledged in this session, by item: the only labels an answer may supersede. */
    private readonly acknowledged = new Map<string, Set<string>>();
    /** Submissions are written one after another, in the order they arrived. */
    private queue: Promise<void> = Promise.resolve();
    /** Model runs for pre-labels, one at a time and apart from submissions (a label never waits for a model). */
    private modelRuns: Promise<void> = Promise.resolve();
    /** Pre-labels computed (or being computed) in this session, by item. */
    private readonly preLabelled = new Map<string, Promise<PreLabelView[]>>();
    dropped = 0;
    mode: AnnotateMode;

    constructor(private readonly options: AnnotateSessionOptions) {
        this.valueSchema = labelValueSchema(
            options.task.output,
            options.task.classes.map((c) => c.name),
        );
        this.mode = options.mode ?? 'label';
    }

    /** Handles one raw message from the webview. Never throws. */
    handle(raw: unknown): Promise<void> {
        let parsed: ReturnType<typeof annotateInbound.safeParse>;
        try {
            parsed = annotateInbound.safeParse(raw);
        } catch (error) {
            // e.g. a structure nested deep enough to exhaust the stack
            return Promise.resolve(this.drop(`unreadable message (${(error as Error).name})`));
        }
        if (!parsed.success) {
            return Promise.resolve(this.drop(`invalid message: ${summarize(parsed.error)}`));
        }
        const message = parsed.data;
        switch (message.type) {
            case 'ready':
                if (message.mode) {
                    this.mode = message.mode;
                }
                return this.enqueue(() => this.sendInit(this.mode));
            case 'skip':
                if (!this.knownItems.has(message.item)) {
                    return Promise.resolve(this.drop(`skip of an item this panel was not shown: ${clip(message.item)}`));
                }
                this.options.log(`skipped ${message.item}`);
                return Promise.resolve();
            case 'submit':
                return this.enqueue(() => this.submit(message));
            case 'preLabel':
                return this.preLabels(message.items);
        }
    }

    /** Posts the first queue without waiting for the webview's `ready` (see DprogPanel). */
    showFirst(): Promise<void> {
        return this.enqueue(() => this.sendInit(this.mode));
    }

    /** Waits until every accepted submission so far is written (for tests and disposal). */
    idle(): Promise<void> {
        return this.queue;
    }

    private enqueue(work: () => Promise<void>): Promise<void> {
        const next = this.queue.then(work).catch((error: unknown) => this.options.log(`annotation panel: ${String(error)}`));
        this.queue = next;
        return next;
    }

    private async sendInit(mode: AnnotateMode): Promise<void> {
        const init = await this.options.loadInit(mode);
        if (init.type === 'init') {
            for (const item of init.items) {
                this.knownItems.add(item.key);
                if (item.relabel) {
                    this.among.set(item.key, item.relabel.among);
                }
                // The person's own current label (from the store, not the webview) may be replaced.
                if (item.existing) {
                    this.acknowledge(item.key, item.existing.id);
                }
            }
        }
        this.options.post(init);
    }

    private async submit(message: Extract<z.infer<typeof annotateInbound>, { type: 'submit' }>): Promise<void> {
        const reject = (why: string) => {
            this.drop(`label for ${clip(message.item)} not saved: ${why}`);
            this.options.post({ type: 'rejected', requestId: message.requestId, item: message.item, message: why });
        };
        if (!this.options.writable) {
            return reject(
                this.options.readonlyReason ?? 'this workspace is not trusted, so dprog writes nothing; trust the workspace to save labels',
            );
        }
        if (!this.knownItems.has(message.item)) {
            return reject('this panel was not shown that item');
        }
        let value: unknown;
        try {
            const checked = this.valueSchema.safeParse(message.value);
            if (!checked.success) {
                return reject(`the answer does not fit ${this.options.task.output.text}: ${summarize(checked.error)}`);
            }
            value = checked.data;
        } catch (error) {
            return reject(`unreadable answer (${(error as Error).name})`);
        }
        const among = this.among.get(message.item);
        if (among && typeof value === 'string' && !among.includes(value)) {
            return reject(`this item is asked only among ${among.join(', ')}`);
        }
        if (message.supersedes !== undefined && !this.acknowledged.get(message.item)?.has(message.supersedes)) {
            return reject('it replaces a label this panel did not give');
        }
        const started = performance.now();
        let label: Label;
        try {
            label = await this.options.addLabel({
                task: this.options.task.name,
                item: message.item,
                labeler: this.options.labeler,
                labelerKind: 'human',
                value: value as NewLabel['value'],
                programVersion: this.options.programVersion,
                supersedes: message.supersedes,
            });
        } catch (error) {
            return reject(`the label store refused it: ${(error as Error).message}`);
        }
        const durableMs = performance.now() - started;
        this.acknowledge(message.item, label.id);
        // Acknowledge first: the person is waiting for it; the log can follow.
        this.options.post({ type: 'ack', requestId: message.requestId, item: message.item, labelId: label.id, durableMs });
        this.options.log(
            `${this.mode === 'review' ? 'reviewed' : 'labeled'} ${message.item} = ${clip(JSON.stringify(value))} ` +
                `(${durableMs.toFixed(1)} ms to durable)`,
        );
        this.options.onLabeled?.(label, durableMs);
    }

    /** Answers a pre-label request: each item's model answers, computed once per session. */
    private async preLabels(keys: string[]): Promise<void> {
        const known = keys.filter((key) => this.knownItems.has(key));
        if (known.length < keys.length) {
            this.drop(`pre-label request for items this panel was not shown`);
        }
        const run = this.options.preLabel;
        if (!run || known.length === 0) {
            return;
        }
        const missing = known.filter((key) => !this.preLabelled.has(key));
        if (missing.length > 0) {
            const batch = this.modelRuns.then(() => run(missing));
            this.modelRuns = batch.then(
                () => undefined,
                () => undefined,
            );
            for (const key of missing) {
                this.preLabelled.set(
                    key,
                    batch.then((answers) => answers.get(key) ?? []),
                );
            }
        }
        const items: Record<string, PreLabelView[]> = {};
        try {
            for (const key of known) {
                items[key] = await this.preLabelled.get(key)!;
            }
            this.options.post({ type: 'preLabels', items });
        } catch (error) {
            for (const key of missing) {
                this.preLabelled.delete(key);
            }
            const why = error instanceof Error ? error.message : String(error);
            this.options.log(`pre-labels for ${known.join(', ')} failed: ${why}`);
            this.options.post({ type: 'preLabels', items: Object.fromEntries(known.map((key) => [key, []])), error: why.split('\n')[0] });
        }
    }

    private acknowledge(item: string, labelId: string): void {
        const ids = this.acknowledged.get(item) ?? new Set<string>();
        ids.add(labelId);
        this.acknowledged.set(item, ids);
    }

    private drop(why: string): void {
        this.dropped++;
        // Hostile input must not flood the log either: report the first ones and then every 1000th.
        if (this.dropped <= 20 || this.dropped % 1000 === 0) {
            this.options.log(`dropped (${this.dropped}): ${why}`);
        }
    }
}

function summarize(error: z.ZodError): string {
    return clip(
        error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`)
            .join('; '),
    );
}

function clip(text: string, max = 200): string {
    return text.length > max ? `${text.slice(0, max)}…` : text;
}
