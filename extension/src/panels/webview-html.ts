/**
 * The HTML shell of a dprog webview: CSP `default-src 'none'`, scripts and the stylesheet only with
 * this page's nonce, images and fonts only from the extension's own resource roots (and the
 * workspace data folders given to the panel), and no inline style attributes or event handlers.
 * The panel's script and stylesheets (base.css, then its own) are inlined (read once from the extension's files), so a
 * panel does not wait for two more resource loads before it can ask for its content.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

export type WebviewName = 'annotate' | 'preview' | 'plan';

/** Resource roots of a panel: the webview bundle, its stylesheet, and the given data folders. */
export function resourceRoots(extensionUri: vscode.Uri, dataFolders: readonly vscode.Uri[] = []): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'out', 'webview'), vscode.Uri.joinPath(extensionUri, 'webview', 'media'), ...dataFolders];
}

/** The panel's bundle and stylesheet, read once per extension host. */
const inlined = new Map<string, { script: string; style: string } | null>();

function inlineAssets(extensionUri: vscode.Uri, name: WebviewName): { script: string; style: string } | null {
    if (!inlined.has(name)) {
        try {
            const script = readFileSync(vscode.Uri.joinPath(extensionUri, 'out', 'webview', `${name}.js`).fsPath, 'utf8');
            const stylesheet = (file: string) => readFileSync(vscode.Uri.joinPath(extensionUri, 'webview', 'media', file).fsPath, 'utf8');
            const style = `${stylesheet('base.css')}\n${stylesheet(`${name}.css`)}`;
            // Neither may end its element early.
            inlined.set(name, { script: script.replace(/<\/script/gi, '<\\/script'), style: style.replace(/<\/style/gi, '') });
        } catch {
            inlined.set(name, null);
        }
    }
    return inlined.get(name) ?? null;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: WebviewName, title: string): string {
    const nonce = randomBytes(16).toString('base64');
    const assets = inlineAssets(extensionUri, name);
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'webview', `${name}.js`));
    const stylesheet = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'webview', 'media', file)).toString();
    const csp = [
        "default-src 'none'",
        `img-src ${webview.cspSource} data: blob:`,
        `style-src ${webview.cspSource} 'nonce-${nonce}'`,
        `font-src ${webview.cspSource}`,
        `script-src 'nonce-${nonce}'`,
    ].join('; ');
    const styleTag = assets
        ? `<style nonce="${nonce}">${assets.style}</style>`
        : ['base.css', `${name}.css`].map((file) => `<link rel="stylesheet" href="${stylesheet(file)}">`).join('\n');
    const scriptTag = assets
        ? `<script nonce="${nonce}">${assets.script}</script>`
        : `<script nonce="${nonce}" src="${script.toString()}"></script>`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styleTag}
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>
${scriptTag}
</body>
</html>`;
}

function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
