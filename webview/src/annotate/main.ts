/**
 * The annotation panel: one item at a time, keyboard first. A label is submitted to the extension
 * host, which makes it durable in the label store and acknowledges; only then does the next item
 * show. Undo goes back to the previous item (a new answer supersedes the earlier label; nothing is
 * deleted); redo moves forward again; skip moves on without a label. "Review disagreements"
 * switches the queue to the items whose labelers disagreed, showing every answer given; the
 * reviewer's answer is saved the same way.
 */
import type {
    AnnotateMode,
    AnnotatePanelState,
    AnnotateToHost,
    HostToAnnotate,
    PreLabelView,
    QueueItemView,
    RelabelView,
    ReviewView,
    TaskView,
} from '../protocol.js';
import { elementType, isImageType } from '../label-types.js';
import { h, replaceChildren, vscodeApi } from '../vscode-api.js';
import { bestPreLabel, itemsToPreLabel, withOnDemand } from './on-demand.js';
import { createTool } from './tool-factory.js';
import { ImageTool } from './tools/image-tool.js';
import type { Tool } from './tools/tool.js';

const vscode = vscodeApi<AnnotateToHost, AnnotatePanelState>();
const app = document.getElementById('app')!;

interface Session {
    program: string;
    mode: AnnotateMode;
    task: TaskView;
    items: QueueItemView[];
    index: number;
    done: number;
    planned: number | null;
    writable: boolean;
    notice: string | null;
    /** The person's label per item in this session (for undo/redo). */
    given: Map<string, { labelId: string; value: unknown }>;
    labeledThisSession: number;
    /** Whether the host runs the task's models on items without a stored model answer. */
    preLabelsOnDemand: boolean;
    /** Items whose models' answers were asked for. */
    askedPreLabels: Set<string>;
}

let session: Session | undefined;
let tool: Tool | undefined;
let pending: { requestId: number; item: string; sentAt: number } | undefined;
let nextRequestId = 1;
let message: string | null = null;
/** The current tool's value as rendered (a pre-label or nothing): an unchanged tool may take new pre-labels. */
let renderedValue: string | undefined;
/** Submit → durable → acknowledged, in ms (read by the end-to-end test). */
const roundTrips: number[] = [];

window.addEventListener('message', (event: MessageEvent<HostToAnnotate>) => receive(event.data));
document.addEventListener('keydown', onKey);
// When the panel gets the focus (opened, clicked, its tab chosen), the keys go to the tool at once.
window.addEventListener('focus', () => {
    if (!document.activeElement || document.activeElement === document.body) {
        tool?.focus();
    }
});
vscode.postMessage({ type: 'ready' });

function receive(msg: HostToAnnotate): void {
    switch (msg.type) {
        case 'init':
            session = {
                program: msg.program,
                mode: msg.mode ?? 'label',
                task: msg.task,
                items: msg.items,
                index: 0,
                done: msg.done,
                planned: msg.planned,
                writable: msg.writable,
                notice: msg.notice,
                given: new Map(),
                labeledThisSession: 0,
                preLabelsOnDemand: (msg.preLabelModels ?? []).length > 0,
                askedPreLabels: new Set(),
            };
            vscode.setState({ program: msg.program, task: msg.task.name, mode: msg.mode ?? 'label' });
            render();
            return;
        case 'preLabels':
            receivePreLabels(msg.items, msg.error);
            return;
        case 'unavailable':
            app.replaceChildren(h('div', { class: 'unavailable', role: 'status' }, h('h2', {}, 'Not available'), h('p', {}, msg.message)));
            return;
        case 'ack': {
            if (!session || !pending || pending.requestId !== msg.requestId) {
                return;
            }
            roundTrips.push(performance.now() - pending.sentAt);
            document.body.dataset.roundTrips = JSON.stringify(roundTrips.map((t) => Math.round(t * 100) / 100));
            const item = session.items[session.index];
            const wasNew = !session.given.has(msg.item);
            session.given.set(msg.item, { labelId: msg.labelId, value: tool?.value() });
            if (wasNew) {
                session.done++;
                session.labeledThisSession++;
            }
            pending = undefined;
            message = null;
            if (item?.key === msg.item) {
                session.index++;
            }
            render();
            return;
        }
        case 'rejected':
            if (pending?.requestId === msg.requestId) {
                pending = undefined;
            }
            message = `Not saved: ${msg.message}`;
            render(false);
            return;
    }
}

/** Model answers computed for items without stored ones: the current item shows them unless the person already answered. */
function receivePreLabels(answers: Record<string, PreLabelView[]>, error: string | undefined): void {
    if (!session) {
        return;
    }
    const current = session.items[session.index];
    for (const item of session.items) {
        const list = answers[item.key];
        if (list) {
            item.preLabels = withOnDemand(item, list);
        }
    }
    if (error) {
        message = `Model pre-labels are not available: ${error}`;
    }
    const untouched = tool !== undefined && JSON.stringify(tool.value()) === renderedValue;
    if (current && answers[current.key] && untouched && !pending) {
        render();
    } else if (error) {
        renderMessage();
    }
}

/** Asks the host for the models' answers on the current item and the next ones, when none are stored. */
function askForPreLabels(): void {
    if (!session?.preLabelsOnDemand || session.mode !== 'label') {
        return;
    }
    const keys = itemsToPreLabel(session.items, session.index, session.askedPreLabels);
    if (keys.length === 0) {
        return;
    }
    for (const key of keys) {
        session.askedPreLabels.add(key);
    }
    vscode.postMessage({ type: 'preLabel', items: keys });
}

function submit(): void {
    if (!session || !tool || pending) {
        return;
    }
    const item = session.items[session.index];
    if (!item) {
        return;
    }
    const value = tool.value();
    if (
        value === undefined ||
        (Array.isArray(value) &&
            value.length === 0 &&
            elementType(session.task.output).kind !== 'choices' &&
            session.task.output.kind !== 'list')
    ) {
        message = 'Answer first: the label is not complete yet.';
        renderMessage();
        return;
    }
    if (!session.writable) {
        message = 'This workspace is not trusted: labels cannot be saved.';
        renderMessage();
        return;
    }
    const requestId = nextRequestId++;
    pending = { requestId, item: item.key, sentAt: performance.now() };
    const earlier = session.given.get(item.key);
    // A new answer replaces the person's earlier one: given in this session, or stored before (review).
    const supersedes = earlier?.labelId ?? item.existing?.id;
    vscode.postMessage({ type: 'submit', requestId, item: item.key, value, supersedes, acceptedPreLabel: undefined });
    app.classList.add('saving');
}

function skip(): void {
    if (!session || pending) {
        return;
    }
    const item = session.items[session.index];
    if (!item) {
        return;
    }
    vscode.postMessage({ type: 'skip', item: item.key });
    session.index++;
    render();
}

function undo(): void {
    if (!session || pending || session.index === 0) {
        return;
    }
    session.index--;
    message = 'Undo: back to the previous item. A new answer replaces its label (the old one is kept in the history).';
    render();
}

function redo(): void {
    if (!session || pending) {
        return;
    }
    const item = session.items[session.index];
    if (item && session.given.has(item.key)) {
        session.index++;
        render();
    }
}

/** Accepts the most confident pre-label (Enter when the tool has no answer of its own). */
function acceptPreLabel(): boolean {
    const item = session?.items[session.index];
    if (!item || item.preLabels.length === 0 || !tool) {
        return false;
    }
    tool.set(bestPreLabel(item)!.value);
    submit();
    return true;
}

function onKey(event: KeyboardEvent): void {
    if (!session) {
        return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
        event.preventDefault();
        if (event.shiftKey) {
            redo();
        } else {
            undo();
        }
        return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'y') {
        event.preventDefault();
        redo();
        return;
    }
    const handled = tool?.key(event) ?? 'ignored';
    if (handled === 'submit') {
        event.preventDefault();
        submit();
        return;
    }
    if (handled === 'handled') {
        event.preventDefault();
        return;
    }
    const typing = event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLInputElement;
    if (event.key === 'ArrowRight' && !typing) {
        event.preventDefault();
        skip();
    } else if (event.key === 'ArrowLeft' && !typing) {
        event.preventDefault();
        undo();
    } else if (event.key === 'Enter' && !typing) {
        event.preventDefault();
        if (tool?.value() === undefined || (Array.isArray(tool.value()) && (tool.value() as unknown[]).length === 0)) {
            if (!acceptPreLabel()) {
                submit();
            }
        } else {
            submit();
        }
    } else if (event.key === '?' && !typing) {
        document.getElementById('keys')?.toggleAttribute('hidden');
    }
}

/** Asks the host for the other mode's queue (labeling ↔ reviewing disagreements). */
function switchMode(mode: AnnotateMode): void {
    if (pending) {
        return;
    }
    message = null;
    app.replaceChildren(
        h(
            'p',
            { class: 'loading', role: 'status' },
            mode === 'review' ? 'Finding the items labelers disagreed on…' : 'Loading the labeling queue…',
        ),
    );
    vscode.postMessage({ type: 'ready', mode });
}

function valueText(value: unknown): string {
    if (typeof value === 'string') {
        return value;
    }
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        return value.join(', ');
    }
    return JSON.stringify(value);
}

/** A program change's question: the old label, and the members to choose among. */
function relabelSection(relabel: RelabelView): HTMLElement {
    const question =
        relabel.kind === 'review'
            ? `The label set gained ${relabel.among.filter((m) => m !== relabel.was).join(', ')}: keep the old label or choose another.`
            : `${valueText(relabel.was)} was split: choose among ${relabel.among.join(', ')}.`;
    return h(
        'section',
        { class: 'review', 'aria-label': 'Program change', 'data-testid': 'relabel' },
        h('p', { class: 'review-summary' }, `Old label: ${valueText(relabel.was)}`),
        h('p', {}, question),
    );
}

/** Every answer given to a contested item (who, what, how sure), and the aggregate if there is one. */
function reviewSection(review: ReviewView): HTMLElement {
    const answers = review.answers.map((a) =>
        h(
            'li',
            { class: `answer answer-${a.kind}` },
            h('span', { class: 'answer-labeler' }, a.kind === 'human' ? a.labeler : `${a.labeler} (${a.kind})`),
            ': ',
            h('span', { class: 'answer-value' }, valueText(a.value)),
            a.score !== null ? h('span', { class: 'answer-score' }, ` ${a.score.toFixed(2)}`) : null,
        ),
    );
    const aggregate = review.aggregate
        ? h(
              'p',
              { class: 'aggregate' },
              `aggregate (${review.aggregate.method}): ${valueText(review.aggregate.value)}, confidence ` +
                  `${review.aggregate.confidence.toFixed(2)} (target ${review.target.toFixed(2)})`,
          )
        : null;
    return h(
        'section',
        { class: 'review', 'aria-label': 'Answers given', 'data-testid': 'review-answers' },
        h(
            'p',
            { class: 'review-summary' },
            `${review.answers.length} answer${review.answers.length === 1 ? '' : 's'}, ${review.distinct} distinct · contention ` +
                `${review.contention.toFixed(2)}`,
        ),
        h('ul', {}, answers),
        aggregate,
    );
}

function preLabelText(item: QueueItemView): string | null {
    if (item.preLabels.length === 0) {
        return null;
    }
    return item.preLabels
        .map((p) => {
            const v =
                typeof p.value === 'string' ? p.value : Array.isArray(p.value) ? `${p.value.length} answer(s)` : JSON.stringify(p.value);
            const source =
                `${p.kind === 'model' ? 'model' : p.kind === 'rules' ? 'rules' : p.labeler} ` +
                `${p.labeler === p.kind ? '' : `(${p.labeler}) `}`;
            return `${source}: ${v}${p.score !== null ? ` ${p.score.toFixed(2)}` : ''}${p.onDemand ? ' (run just now, not saved)' : ''}`;
        })
        .join(' · ');
}

function renderMessage(): void {
    const el = document.getElementById('message');
    if (el) {
        el.textContent = message ?? '';
    }
}

function render(focus = true): void {
    app.classList.remove('saving');
    if (tool instanceof ImageTool) {
        tool.dispose();
    }
    tool = undefined;
    if (!session) {
        return;
    }
    const { task } = session;
    const item = session.items[session.index];
    const total = session.items.length;
    const progress = session.planned ? Math.min(1, session.done / session.planned) : 0;
    const cost = session.labeledThisSession * task.costPerLabel;
    const reviewing = session.mode === 'review';
    const toggle = h(
        'button',
        { type: 'button', class: 'secondary', id: 'review-toggle', 'aria-pressed': reviewing ? 'true' : 'false' },
        reviewing ? 'Back to labeling' : 'Review disagreements',
    );
    toggle.addEventListener('click', () => switchMode(reviewing ? 'label' : 'review'));
    const header = h(
        'header',
        {},
        h('h1', {}, reviewing ? `${task.name} · review` : task.name),
        h(
            'span',
            { class: 'position', 'data-testid': 'position' },
            item ? `item ${session.index + 1} of ${total} in this queue` : `${total} of ${total} done`,
        ),
        item?.reason
            ? h('span', { class: 'reason' }, `chosen: ${item.reason}${item.score !== null ? ` ${item.score.toFixed(3)}` : ''}`)
            : null,
        h(
            'span',
            { class: 'done', 'data-testid': 'done' },
            `${session.done}${session.planned !== null ? ` / ${session.planned}` : ''} ${reviewing ? 'reviewed' : 'labeled'}`,
        ),
        task.costPerLabel > 0 ? h('span', { class: 'cost' }, `$${cost.toFixed(2)} this session`) : null,
        toggle,
    );
    const bar = h('div', {
        class: 'progress',
        role: 'progressbar',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': Math.round(progress * 100),
        'aria-label': 'Labeled',
    });
    bar.append(h('div', { class: 'progress-fill' }));
    (bar.firstElementChild as HTMLElement).style.width = `${(progress * 100).toFixed(1)}%`;
    const parts: Array<HTMLElement | null> = [header, bar];
    if (session.notice) {
        parts.push(h('p', { class: 'notice', role: 'status' }, session.notice));
    }
    if (!item) {
        const more = h('button', { type: 'button', class: 'primary', id: 'next-batch' }, reviewing ? 'Look again' : 'Next batch');
        more.addEventListener('click', () => {
            app.replaceChildren(
                h(
                    'p',
                    { class: 'loading', role: 'status' },
                    reviewing ? 'Finding the items labelers disagreed on…' : 'Choosing the next batch…',
                ),
            );
            vscode.postMessage({ type: 'ready' });
        });
        parts.push(
            h(
                'section',
                { class: 'finished' },
                h('h2', {}, reviewing ? 'Review done' : 'Queue done'),
                h('p', {}, `${session.labeledThisSession} ${reviewing ? 'reviewed' : 'labeled'} in this session.`),
                more,
            ),
        );
        replaceChildren(app, parts);
        return;
    }
    if (task.question) {
        parts.push(h('p', { class: 'question' }, task.question));
    }
    const fields = h('section', { class: 'item', 'aria-label': `Item ${item.key}`, 'data-item': item.key });
    const imageTask = isImageType(task.output);
    const spanTask = elementType(task.output).kind === 'span';
    for (const field of task.show) {
        const value = item.fields[field.name];
        if (value === undefined || (imageTask && field.type === 'Image')) {
            continue;
        }
        if (
            spanTask &&
            (field.type === 'Text' || field.type === 'String') &&
            field === task.show.find((f) => f.type === 'Text' || f.type === 'String')
        ) {
            continue;
        }
        fields.append(
            h(
                'div',
                { class: `field field-${field.type.toLowerCase()}` },
                h('span', { class: 'field-name' }, field.name),
                field.type === 'Text'
                    ? h('pre', { class: 'field-text' }, String(value))
                    : h('span', { class: 'field-value' }, String(value)),
            ),
        );
    }
    if (fields.childElementCount > 0) {
        parts.push(fields);
    }
    if (item.review) {
        parts.push(reviewSection(item.review));
    }
    if (item.relabel) {
        parts.push(relabelSection(item.relabel));
    }
    const created = createTool(task, item, submit);
    const pre = preLabelText(item);
    const waiting = session.preLabelsOnDemand && !reviewing && !item.preLabels.some((p) => p.kind === 'model');
    if (pre) {
        parts.push(h('p', { class: 'prelabels', 'data-testid': 'prelabels' }, pre, ' · Enter accepts'));
    } else if (waiting) {
        parts.push(h('p', { class: 'prelabels pending', 'data-testid': 'prelabels' }, 'The model is looking at this item…'));
    }
    if (typeof created === 'string') {
        parts.push(h('p', { class: 'error' }, created));
    } else {
        tool = created;
        const earlier = session.given.get(item.key);
        const best = bestPreLabel(item);
        if (earlier) {
            tool.set(earlier.value);
        }
        // A review starts from the old label: Enter keeps it (as a new label superseding the old one).
        else if (item.relabel?.kind === 'review') {
            tool.set(item.relabel.was);
        }
        // Pre-labels are shown in the tool, editable: Enter accepts them, any other answer replaces them.
        else if (best && tool instanceof ImageTool) {
            tool.propose(best.value);
        } else if (best) {
            tool.set(best.value);
        }
        renderedValue = JSON.stringify(tool.value());
        const from = !earlier && best ? `${best.kind}:${best.labeler}` : undefined;
        parts.push(h('section', { class: 'tool', 'aria-label': 'Answer', 'data-prelabel': from }, tool.element));
    }
    const skipButton = h('button', { type: 'button', class: 'secondary', 'aria-keyshortcuts': 'ArrowRight' }, 'Skip (→)');
    skipButton.addEventListener('click', skip);
    const undoButton = h(
        'button',
        { type: 'button', class: 'secondary', 'aria-keyshortcuts': 'Control+Z', disabled: session.index === 0 },
        'Undo (Ctrl+Z)',
    );
    undoButton.addEventListener('click', undo);
    const submitButton = h(
        'button',
        { type: 'button', id: 'submit', class: 'primary', 'aria-keyshortcuts': 'Enter', disabled: !session.writable },
        'Submit (Enter)',
    );
    submitButton.addEventListener('click', submit);
    const keysButton = h('button', { type: 'button', class: 'secondary', 'aria-keyshortcuts': '?' }, '? keys');
    keysButton.addEventListener('click', () => document.getElementById('keys')?.toggleAttribute('hidden'));
    parts.push(
        h(
            'footer',
            {},
            submitButton,
            skipButton,
            undoButton,
            keysButton,
            h('span', { id: 'message', class: 'message', role: 'alert' }, message ?? ''),
        ),
    );
    parts.push(
        h(
            'aside',
            { id: 'keys', hidden: true, 'aria-label': 'Keyboard shortcuts' },
            h(
                'ul',
                {},
                [
                    ...task.classes.map((c) => `${c.hotkey.toUpperCase()}: ${c.name}${c.description ? ` — ${c.description}` : ''}`),
                    'Enter: submit / accept the pre-label',
                    '→: skip',
                    '←, Ctrl+Z: undo',
                    'Ctrl+Shift+Z, Ctrl+Y: redo',
                    '?: this help',
                ].map((t) => h('li', {}, t)),
            ),
        ),
    );
    replaceChildren(app, parts);
    // Only while the panel has the focus: a render that follows the host (the content arriving, a
    // model's pre-labels) must not pull the focus from where the person is typing (the command
    // palette, an editor), nor catch an Enter meant for it.
    if (focus && document.hasFocus()) {
        tool?.focus();
    }
    askForPreLabels();
}
