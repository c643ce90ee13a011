/**
 * The HTML shell of a dprog webview: CSP `default-src 'none'`, scripts only with this page's nonce,
 * styles, images and fonts only from the extension's own resource roots (and the workspace data
 * folders given to the panel), and no inline styles or event handlers.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export type WebviewName = 'annotate' | 'preview' | 'plan';

/** Resource roots of a panel: the webview bundle, its stylesheet, and the given data folders. */
export function resourceRoots(extensionUri: vscode.Uri, dataFolders: readonly vscode.Uri[] = []): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'out', 'webview'), vscode.Uri.joinPath(extensionUri, 'webview', 'media'), ...dataFolders];
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: WebviewName, title: string): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'webview', `${name}.js`));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'webview', 'media', `${name}.css`));
    const csp = [
        "default-src 'none'",
        `img-src ${webview.cspSource} data: blob:`,
        `style-src ${webview.cspSource}`,
        `font-src ${webview.cspSource}`,
        `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
