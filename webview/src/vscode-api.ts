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

/** A child of an element: a node, text, or nothing (skipped). */
export type Child = Node | string | null | undefined | false;

/** Appends children one at a time (no spread: a long list would overflow the call stack). */
function appendAll(parent: ParentNode, children: readonly Child[]): void {
    for (const child of children) {
        if (child === null || child === undefined || child === false) {
            continue;
        }
        parent.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
}

/** Replaces an element's children with a list of any length. */
export function replaceChildren(parent: ParentNode, children: readonly Child[]): void {
    parent.replaceChildren();
    appendAll(parent, children);
}

/** `document.createElement` with attributes and children, so views are built without innerHTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attributes: Record<string, string | number | boolean | undefined> = {},
    ...children: Array<Child | readonly Child[]>
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === false) {
            continue;
        }
        if (name === 'class') {
            element.className = String(value);
        } else {
            element.setAttribute(name, value === true ? '' : String(value));
        }
    }
    appendAll(element, children.flat());
    return element;
}
