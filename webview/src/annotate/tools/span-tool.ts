/**
 * span<L> and list<span<L>>: select text with the mouse (or Shift+arrows after clicking), press a
 * member's hotkey to mark it. Offsets are characters of the shown text, end exclusive.
 */
import type { ClassView } from '../../protocol.js';
import { h, replaceChildren } from '../../vscode-api.js';
import { classForKey, isTyping, type Tool } from './tool.js';

interface Span {
    start: number;
    end: number;
    text: string;
    label: string;
}

export class SpanTool implements Tool {
    readonly element: HTMLElement;
    private readonly textView: HTMLElement;
    private readonly list: HTMLElement;
    private spans: Span[] = [];

    constructor(
        private readonly text: string,
        private readonly classes: readonly ClassView[],
        private readonly multiple: boolean,
    ) {
        this.textView = h('pre', { class: 'span-text', tabindex: 0, 'aria-label': 'Text: select a passage, then press a label key' });
        this.list = h('ul', { class: 'span-list', 'aria-label': 'Marked spans' });
        const legend = h(
            'p',
            { class: 'hint' },
            'Select text, then press: ',
            classes.flatMap((c) => [h('kbd', {}, c.hotkey.toUpperCase()), ` ${c.name}  `]),
            '· Enter submits',
        );
        this.element = h('div', { class: 'span-tool' }, legend, this.textView, this.list);
        this.render();
    }

    /** Character offsets of the current selection inside the text view, or undefined. */
    private selectionOffsets(): { start: number; end: number } | undefined {
        const selection = document.getSelection();
        if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
            return undefined;
        }
        const range = selection.getRangeAt(0);
        if (!this.textView.contains(range.startContainer) || !this.textView.contains(range.endContainer)) {
            return undefined;
        }
        const offset = (node: Node, within: number) => {
            const before = document.createRange();
            before.selectNodeContents(this.textView);
            before.setEnd(node, within);
            return before.toString().length;
        };
        const start = offset(range.startContainer, range.startOffset);
        const end = offset(range.endContainer, range.endOffset);
        return end > start ? { start, end } : undefined;
    }

    private render(): void {
        // Paint each character range with the label of the last span covering it.
        const cuts = new Set([0, this.text.length, ...this.spans.flatMap((s) => [s.start, s.end])]);
        const points = [...cuts].sort((a, b) => a - b);
        const pieces: Node[] = [];
        for (let i = 0; i + 1 < points.length; i++) {
            const [a, b] = [points[i], points[i + 1]];
            const cover = [...this.spans].reverse().find((s) => s.start <= a && s.end >= b);
            const piece = this.text.slice(a, b);
            pieces.push(
                cover
                    ? h('mark', { class: `class-${this.classIndex(cover.label)}`, title: cover.label }, piece)
                    : document.createTextNode(piece),
            );
        }
        replaceChildren(this.textView, pieces);
        replaceChildren(
            this.list,
            this.spans.map((s, i) => {
                const remove = h('button', { type: 'button', class: 'link', 'aria-label': `Remove span ${i + 1}` }, '×');
                remove.addEventListener('click', () => {
                    this.spans.splice(i, 1);
                    this.render();
                });
                return h(
                    'li',
                    {},
                    h('span', { class: `badge class-${this.classIndex(s.label)}` }, s.label),
                    ` “${s.text.length > 60 ? `${s.text.slice(0, 60)}…` : s.text}” [${s.start}, ${s.end}) `,
                    remove,
                );
            }),
        );
    }

    private classIndex(label: string): number {
        return (
            Math.max(
                0,
                this.classes.findIndex((c) => c.name === label),
            ) % 8
        );
    }

    value(): unknown {
        if (this.multiple) {
            return this.spans.map((s) => ({ ...s }));
        }
        return this.spans.length === 1 ? { ...this.spans[0] } : undefined;
    }

    set(value: unknown): void {
        const list = Array.isArray(value) ? value : value ? [value] : [];
        this.spans = list.filter(isSpan).filter((s) => s.end <= this.text.length);
        this.render();
    }

    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored' {
        if (isTyping(event) || event.ctrlKey || event.metaKey) {
            return 'ignored';
        }
        const c = classForKey(this.classes, event.key);
        if (!c) {
            return 'ignored';
        }
        const range = this.selectionOffsets();
        if (!range) {
            return 'handled';
        }
        const span = { ...range, text: this.text.slice(range.start, range.end), label: c.name };
        this.spans = this.multiple ? [...this.spans, span] : [span];
        document.getSelection()?.removeAllRanges();
        this.render();
        return 'handled';
    }

    focus(): void {
        this.textView.focus();
    }
}

function isSpan(value: unknown): value is Span {
    const v = value as Span;
    return (
        !!v &&
        typeof v === 'object' &&
        Number.isInteger(v.start) &&
        Number.isInteger(v.end) &&
        typeof v.label === 'string' &&
        typeof v.text === 'string'
    );
}
