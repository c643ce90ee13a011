/**
 * Why a dprog panel's reopening in code-server waits about a second before its page loads, shown
 * without VS Code and without dprog: plain Chromium (Debian's, through playwright-core) and a page
 * that does what VS Code's webview host (`webview/browser/pre/index.html`) does for every webview.
 * Each "webview" is a frame that registers the one service worker of the origin, waits until the
 * worker controls it, then loads an inner document through it; the frame is closed afterwards, as a
 * closed panel is.
 *
 * - Measured: a new service-worker version per frame, as code-server does (its script URL carries
 *   the webview's id, and all webviews share one origin).
 * - Baseline, side by side: one version for every frame (the same script URL each time).
 *
 * Printed: the time from a frame's start to its inner document loaded, p50 over the reopenings, and
 * the ratio to the baseline. There is no target: this explains the e2e suite's panel-open times.
 * Needs Chromium (`/usr/bin/chromium`, or DPROG_E2E_CHROMIUM); without it the benchmark says so and
 * passes.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';

const REOPENINGS = 6;
const chromiumBin = process.env.DPROG_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** As VS Code's webview service worker: claims its clients at once; its fetch handler lets requests through. */
const WORKER = `
self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', () => {});`;

/** One webview: register the worker (a version per `version` parameter), wait for control, load the inner document. */
const FRAME = `<!doctype html><body><script>
const version = new URL(location.href).searchParams.get('version');
const started = performance.now();
navigator.serviceWorker.register('worker.js?version=' + version);
const poll = setInterval(() => {
    const controller = navigator.serviceWorker.controller;
    if (!controller || !controller.scriptURL.endsWith('version=' + version)) return;
    clearInterval(poll);
    const inner = document.createElement('iframe');
    inner.src = 'inner.html';
    inner.onload = () => parent.postMessage(performance.now() - started, '*');
    document.body.appendChild(inner);
}, 5);
</script></body>`;

const HOST = `<!doctype html><body><script>
window.loaded = [];
addEventListener('message', (event) => window.loaded.push(event.data));
</script></body>`;

const files: Record<string, [string, string]> = {
    '/': ['text/html', HOST],
    '/frame.html': ['text/html', FRAME],
    '/inner.html': ['text/html', '<!doctype html><p>content</p>'],
    '/worker.js': ['text/javascript', WORKER],
};

function serve(): Promise<Server> {
    const server = createServer((request, response) => {
        const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
        response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain', 'cache-control': 'no-cache' });
        response.end(file?.[1] ?? '');
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Opens and closes REOPENINGS frames after a first one; returns each reopening's time to its inner document. */
async function reopenings(page: Page, versionOf: (opening: number) => string): Promise<number[]> {
    const times: number[] = [];
    for (let opening = 0; opening <= REOPENINGS; opening++) {
        const ms = await page.evaluate(async (version) => {
            const loaded = (window as unknown as { loaded: number[] }).loaded;
            const before = loaded.length;
            const frame = document.createElement('iframe');
            frame.src = `frame.html?version=${version}`;
            document.body.appendChild(frame);
            while (loaded.length === before) {
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
            frame.remove();
            return loaded[before];
        }, versionOf(opening));
        if (opening > 0) {
            times.push(ms);
        }
    }
    return times;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(port: number, versionOf: (opening: number) => string): Promise<number[]> {
    const browser = await chromium.launch({ executablePath: chromiumBin, args: ['--no-sandbox', '--disable-gpu'] });
    try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${port}/`);
        return await reopenings(page, versionOf);
    } finally {
        await browser.close();
    }
}

if (!existsSync(chromiumBin)) {
    console.log(`webview service worker: skipped, no Chromium at ${chromiumBin} (apt-get install chromium)`);
} else {
    const server = await serve();
    const port = (server.address() as AddressInfo).port;
    const perFrame = await measure(port, (opening) => `webview-${opening}`);
    const shared = await measure(port, () => 'shared');
    server.close();
    const fmt = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
    console.log(
        `a new service-worker version per frame (code-server's webviews): ${fmt(perFrame)} ms, p50 ${median(perFrame).toFixed(0)} ms`,
    );
    console.log(`baseline, one version for every frame: ${fmt(shared)} ms, p50 ${median(shared).toFixed(0)} ms`);
    console.log(`ratio (p50): ${(median(perFrame) / median(shared)).toFixed(1)}x`);
}
