/** One annotation tool per labeling primitive; the panel asks it for a value and forwards keys. */
import type { ClassView } from '../../protocol.js';

export interface Tool {
    /** The tool's controls. */
    readonly element: HTMLElement;
    /** The answer so far, or undefined while it is not complete enough to submit. */
    value(): unknown;
    /** Shows an earlier answer (after undo) or a pre-label to accept or correct. */
    set(value: unknown): void;
    /**
     * Handles a key. `submit`: the key completed an answer that should be submitted now (one
     * keystroke labels and advances); `handled`: consumed; `ignored`: let the panel handle it.
     */
    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored';
    focus(): void;
}

export type SubmitNow = () => void;

export function classForKey(classes: readonly ClassView[], key: string): ClassView | undefined {
    const k = key.toLowerCase();
    return classes.find((c) => c.hotkey === k);
}

/** A typing target (text box): single-letter hotkeys must not fire there. */
export function isTyping(event: KeyboardEvent): boolean {
    const target = event.target as HTMLElement | null;
    return !!target && (target.tagName === 'TEXTAREA' || (target.tagName === 'INPUT' && (target as HTMLInputElement).type !== 'checkbox'));
}
