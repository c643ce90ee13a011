/** text, number, bool and their lists: native inputs (accessible and themed for free). */
import type { PlanLabelType } from '../../../../engine/src/plan/types.js';
import { h } from '../../vscode-api.js';
import { isTyping, type SubmitNow, type Tool } from './tool.js';

/** bool: Yes (y) / No (n); a key answers and submits. list<bool>: a sequence, Enter submits. */
export class BoolTool implements Tool {
    readonly element: HTMLElement;
    private values: boolean[] = [];
    private readonly shown = h('span', { class: 'sequence', 'aria-live': 'polite' });

    constructor(
        private readonly list: boolean,
        private readonly submit: SubmitNow,
    ) {
        const yes = h(
            'button',
            { type: 'button', class: 'choice', 'data-class': 'true', 'aria-keyshortcuts': 'y' },
            h('kbd', {}, 'Y'),
            ' yes',
        );
        const no = h(
            'button',
            { type: 'button', class: 'choice', 'data-class': 'false', 'aria-keyshortcuts': 'n' },
            h('kbd', {}, 'N'),
            ' no',
        );
        yes.addEventListener('click', () => this.add(true));
        no.addEventListener('click', () => this.add(false));
        this.element = h('div', { class: 'choices', role: 'group', 'aria-label': 'Yes or no' }, yes, no, list ? this.shown : null);
    }

    private add(value: boolean): 'submit' | 'handled' {
        if (this.list) {
            this.values.push(value);
            this.shown.textContent = this.values.map((v) => (v ? 'yes' : 'no')).join(', ');
            return 'handled';
        }
        this.values = [value];
        this.submit();
        return 'handled';
    }

    value(): unknown {
        return this.list ? [...this.values] : this.values[0];
    }

    set(value: unknown): void {
        this.values = Array.isArray(value)
            ? value.filter((v): v is boolean => typeof v === 'boolean')
            : typeof value === 'boolean'
              ? [value]
              : [];
        this.shown.textContent = this.values.map((v) => (v ? 'yes' : 'no')).join(', ');
    }

    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored' {
        if (isTyping(event) || event.ctrlKey || event.metaKey) {
            return 'ignored';
        }
        if (event.key === 'y' || event.key === 'Y') {
            return this.add(true);
        }
        if (event.key === 'n' || event.key === 'N') {
            return this.add(false);
        }
        if (this.list && event.key === 'Backspace') {
            this.values.pop();
            this.set([...this.values]);
            return 'handled';
        }
        return 'ignored';
    }

    focus(): void {
        this.element.querySelector('button')?.focus();
    }
}

/** text (a text box; Ctrl+Enter submits) and list<text> (one answer per line). */
export class TextTool implements Tool {
    readonly element: HTMLElement;
    private readonly input: HTMLTextAreaElement;

    constructor(private readonly list: boolean) {
        this.input = h('textarea', {
            rows: 4,
            'aria-label': list ? 'Answers, one per line' : 'Answer',
            placeholder: list ? 'One answer per line · Ctrl+Enter to submit' : 'Answer · Ctrl+Enter to submit',
        });
        this.element = h('div', { class: 'text-tool' }, this.input);
    }

    value(): unknown {
        if (this.list) {
            return this.input.value
                .split('\n')
                .map((s) => s.trim())
                .filter(Boolean);
        }
        return this.input.value;
    }

    set(value: unknown): void {
        this.input.value = Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';
    }

    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored' {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            return 'submit';
        }
        return 'ignored';
    }

    focus(): void {
        this.input.focus();
    }
}

/** number in [a, b] (a number box and a slider when bounded; Enter submits) and list<number> (comma separated). */
export class NumberTool implements Tool {
    readonly element: HTMLElement;
    private readonly input: HTMLInputElement;

    constructor(
        type: Extract<PlanLabelType, { kind: 'number' }>,
        private readonly list: boolean,
    ) {
        const range = `${type.min ?? '−∞'} … ${type.max ?? '∞'}`;
        this.input = h('input', {
            type: list ? 'text' : 'number',
            min: type.min ?? undefined,
            max: type.max ?? undefined,
            step: 'any',
            'aria-label': list ? `Numbers in ${range}, separated by commas` : `A number in ${range}`,
            placeholder: list ? `numbers in ${range}, comma separated` : `a number in ${range}`,
        });
        const children: HTMLElement[] = [this.input];
        if (!list && type.min !== null && type.max !== null) {
            const slider = h('input', {
                type: 'range',
                min: type.min,
                max: type.max,
                step: (type.max - type.min) / 100,
                'aria-label': 'Slider',
            });
            slider.addEventListener('input', () => (this.input.value = slider.value));
            this.input.addEventListener('input', () => (slider.value = this.input.value));
            children.push(slider);
        }
        this.element = h('div', { class: 'number-tool' }, children);
    }

    value(): unknown {
        if (this.list) {
            const parts = this.input.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
                .map(Number);
            return parts.every(Number.isFinite) ? parts : undefined;
        }
        const n = this.input.valueAsNumber;
        return Number.isFinite(n) ? n : undefined;
    }

    set(value: unknown): void {
        this.input.value = Array.isArray(value) ? value.join(', ') : typeof value === 'number' ? String(value) : '';
    }

    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored' {
        return event.key === 'Enter' && !isTypingInOther(event, this.input) ? 'submit' : 'ignored';
    }

    focus(): void {
        this.input.focus();
    }
}

function isTypingInOther(event: KeyboardEvent, mine: HTMLElement): boolean {
    return isTyping(event) && event.target !== mine;
}
