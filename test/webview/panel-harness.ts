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
    await script();
    return {
        app,
        posted,
        state: () => kept,
        send: (message: In) => window.dispatchEvent(new MessageEvent('message', { data: message })),
    };
}
