/** The webview side of the VS Code API (one acquisition per page), typed for dprog's messages. */
export interface VsCodeApi<Out, State> {
    postMessage(message: Out): void;
    getState(): State | undefined;
    setState(state: State): void;
}

declare function acquireVsCodeApi<Out, State>(): VsCodeApi<Out, State>;

let api: unknown;
export function vscodeApi<Out, State>(): VsCodeApi<Out, State> {
    api ??= acquireVsCodeApi<Out, State>();
    return api as VsCodeApi<Out, State>;
}

/** `document.createElement` with attributes and children, so views are built without innerHTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attributes: Record<string, string | number | boolean | undefined> = {},
    ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === false) continue;
        if (name === 'class') element.className = String(value);
        else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        element.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return element;
}
