/**
 * Loads a webview panel's script (webview/src/<panel>/main.ts) into the happy-dom page of the test,
 * as VS Code would: an #app element and `acquireVsCodeApi` are there before the script runs. The
 * harness records what the panel posts to the extension host and the state it keeps, and delivers
 * host messages as `message` events on the window.
 */
import { vi } from 'vitest';

export interface Panel<In> {
    app: HTMLElement;
    /** Messages the panel posted to the host, in order. */
    posted: unknown[];
    /** The last state the panel kept with setState. */
    state: () => unknown;
    /** Delivers a message from the host. */
    send: (message: In) => void;
    /** Removes the listeners the script added to the window and the document (so the next test's script is alone). */
    unload: () => void;
}

type Added = [EventTarget, string, EventListenerOrEventListenerObject, boolean | AddEventListenerOptions | undefined];

/** Runs `load`, recording the listeners it adds to the window and the document. */
async function recordingListeners(load: () => Promise<unknown>): Promise<Added[]> {
    const added: Added[] = [];
    const originals = [window, document].map((target) => {
        const original = target.addEventListener;
        target.addEventListener = function (
            this: EventTarget,
            type: string,
            listener: EventListenerOrEventListenerObject,
            options?: boolean | AddEventListenerOptions,
        ) {
            added.push([target, type, listener, options]);
            return original.call(this, type, listener, options);
        };
        return () => {
            target.addEventListener = original;
        };
    });
    try {
        await load();
    } finally {
        for (const restore of originals) {
            restore();
        }
    }
    return added;
}

export async function loadPanel<In>(script: () => Promise<unknown>): Promise<Panel<In>> {
    vi.resetModules();
    const app = document.createElement('div');
    app.id = 'app';
    document.body.replaceChildren(app);
    const posted: unknown[] = [];
    let kept: unknown;
    Object.assign(globalThis, {
        acquireVsCodeApi: () => ({
            postMessage: (message: unknown) => posted.push(message),
            getState: () => kept,
            setState: (state: unknown) => {
                kept = state;
            },
        }),
    });
    const added = await recordingListeners(script);
    return {
        app,
        posted,
        state: () => kept,
        send: (message: In) => window.dispatchEvent(new MessageEvent('message', { data: message })),
        unload: () => {
            for (const [target, type, listener, options] of added) {
                target.removeEventListener(type, listener, options);
            }
        },
    };
}
