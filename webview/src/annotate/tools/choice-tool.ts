/**
 * choice<L>: one button per member with its hotkey; a hotkey or a click answers and submits.
 * choices<L> and list<choice<L>>: toggles; Enter submits the set.
 */
import type { ClassView } from '../../protocol.js';
import { h } from '../../vscode-api.js';
import { classForKey, isTyping, type SubmitNow, type Tool } from './tool.js';

export class ChoiceTool implements Tool {
    readonly element: HTMLElement;
    private selected: string[] = [];
    private readonly buttons = new Map<string, HTMLButtonElement>();

    constructor(
        private readonly classes: readonly ClassView[],
        private readonly multiple: boolean,
        private readonly submit: SubmitNow,
    ) {
        this.element = h('div', {
            class: 'choices',
            role: multiple ? 'group' : 'radiogroup',
            'aria-label': multiple ? 'Pick all that apply' : 'Pick one',
        });
        for (const c of classes) {
            const button = h(
                'button',
                {
                    type: 'button',
                    class: 'choice',
                    'data-class': c.name,
                    'aria-keyshortcuts': c.hotkey || undefined,
                    title: c.description ?? c.name,
                    role: multiple ? 'checkbox' : 'radio',
                    'aria-checked': 'false',
                },
                c.hotkey ? h('kbd', {}, c.hotkey.toUpperCase()) : '',
                ` ${c.name}`,
            );
            button.addEventListener('click', () => this.pick(c.name));
            this.buttons.set(c.name, button);
            this.element.append(button);
        }
    }

    private pick(name: string): void {
        if (this.multiple) {
            this.selected = this.selected.includes(name) ? this.selected.filter((n) => n !== name) : [...this.selected, name];
            this.render();
            return;
        }
        this.selected = [name];
        this.render();
        this.submit();
    }

    private render(): void {
        for (const [name, button] of this.buttons) {
            const on = this.selected.includes(name);
            button.classList.toggle('selected', on);
            button.setAttribute('aria-checked', String(on));
        }
    }

    value(): unknown {
        if (this.multiple) {
            return [...this.selected];
        }
        return this.selected[0];
    }

    set(value: unknown): void {
        this.selected = Array.isArray(value)
            ? value.filter((v): v is string => typeof v === 'string')
            : typeof value === 'string'
              ? [value]
              : [];
        this.render();
    }

    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored' {
        if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) {
            return 'ignored';
        }
        const c = classForKey(this.classes, event.key);
        if (!c) {
            return 'ignored';
        }
        // A single choice submits inside pick(): report 'handled' so the panel does not submit twice.
        this.pick(c.name);
        return 'handled';
    }

    focus(): void {
        (this.buttons.get(this.selected[0] ?? '') ?? this.buttons.values().next().value)?.focus();
    }
}
