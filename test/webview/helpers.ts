/** Shared bits of the webview tests (run under happy-dom): label sets and keyboard events. */
import type { ClassView } from '../../webview/src/protocol.js';

export const animals: ClassView[] = [
    { name: 'cat', description: 'a cat', hotkey: 'c' },
    { name: 'dog', description: null, hotkey: 'd' },
    { name: 'bird', description: null, hotkey: '3' },
];

/** A keydown as the browser would deliver it, dispatched on `target` (so `event.target` is set). */
export function press(target: EventTarget, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    return event;
}

/** The visible text of an element, whitespace collapsed. */
export function textOf(element: Element): string {
    return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
}
