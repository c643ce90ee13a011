/**
 * Driving a real VS Code workbench: code-server (VS Code's workbench in a browser, with a real
 * Node extension host) and Debian's Chromium through playwright-core, as in design/e2e.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { prepareCommand, runCommand, runPreparedCommand } from './quick-input.js';

export const root = path.resolve(__dirname, '..', '..');
export const codeServerBin = path.join(root, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
export const chromiumBin = process.env.DPROG_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const vsix = path.join(root, 'dprog.vsix');
export const artifacts = path.join(root, 'test-results', 'e2e');

/** Why the end-to-end suite cannot run here, or undefined when it can. */
export function missingPrerequisites(): string | undefined {
    const missing = [
        !existsSync(chromiumBin) && `Chromium (${chromiumBin}; apt-get install chromium)`,
        !existsSync(codeServerBin) && `code-server (${path.relative(root, codeServerBin)}; see .ci/e2e.sh)`,
        !existsSync(vsix) && 'dprog.vsix (npm run package)',
    ].filter(Boolean);
    return missing.length ? missing.join(', ') : undefined;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
        });
    });
}

export interface Workbench {
    page: Page;
    browser: Browser;
    server: ChildProcess;
    workspace: string;
    metricsFile: string;
    serverLog: () => string;
    close: () => Promise<void>;
}

/** Copies samples/ (without stores or plans) into a fresh workspace folder, so runs start clean. */
export function freshWorkspace(dir: string): string {
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.join(root, 'samples'), dir, { recursive: true, filter: (source) => !/[\\/]\.dprog$/.test(source) });
    // The documents sample points at OCR models in node_modules two folders up from the program.
    const modelsLink = path.join(dir, '..', 'node_modules');
    rmSync(modelsLink, { recursive: true, force: true });
    symlinkSync(path.join(root, 'node_modules'), modelsLink, 'dir');
    return dir;
}

/** Starts code-server on a fresh copy of samples/; `trusted: false` opens it in Restricted Mode (workspace trust on, never granted). */
export async function startWorkbench(runDir: string, options: { trusted?: boolean } = {}): Promise<Workbench> {
    const trusted = options.trusted ?? true;
    const extensions = path.join(runDir, 'extensions');
    const userData = path.join(runDir, 'user');
    const workspace = freshWorkspace(path.join(runDir, 'workspace', 'samples'));
    writeUserSettings(userData, trusted);
    installExtension(extensions, userData);
    const metricsFile = path.join(runDir, 'metrics.jsonl');
    rmSync(metricsFile, { force: true });
    const port = await freePort();
    const server = spawn(
        codeServerBin,
        [
            ...['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check'],
            ...(trusted ? ['--disable-workspace-trust'] : []),
            ...['--extensions-dir', extensions, '--user-data-dir', userData, workspace],
        ],
        { env: { ...process.env, DPROG_METRICS_FILE: metricsFile }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitForHealth(port);
    const { browser, page } = await openBrowser(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    return { page, browser, server, workspace, metricsFile, serverLog: () => log, close: () => closeWorkbench(browser, server) };
}

/** Fresh logs (the suite reads them: errors on reload, the dprog log) and the user settings of a test run. */
function writeUserSettings(userData: string, trusted: boolean): void {
    rmSync(path.join(userData, 'logs'), { recursive: true, force: true });
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(
        path.join(userData, 'User', 'settings.json'),
        JSON.stringify({
            'workbench.startupEditor': 'none',
            'workbench.tips.enabled': false,
            'workbench.enableExperiments': false,
            'extensions.ignoreRecommendations': true,
            'telemetry.telemetryLevel': 'off',
            'security.workspace.trust.enabled': !trusted,
            'security.workspace.trust.startupPrompt': 'never',
            'security.workspace.trust.emptyWindow': false,
            'chat.disableAIFeatures': true,
            'editor.quickSuggestions': { other: false, comments: false, strings: false },
            'window.restoreWindows': 'all',
            // The documents sample reads PaddleOCR's models from node_modules beside the samples folder.
            'dprog.allowPathsOutsideWorkspace': true,
        }),
    );
}

/** Installs the packaged dprog.vsix into the run's extensions folder, as a user would. */
function installExtension(extensions: string, userData: string): void {
    const install = spawnSync(
        codeServerBin,
        ['--install-extension', vsix, '--force', '--extensions-dir', extensions, '--user-data-dir', userData],
        { encoding: 'utf8', timeout: 180_000 },
    );
    if (install.status !== 0) {
        throw new Error(`installing dprog.vsix into code-server failed:\n${install.stdout}\n${install.stderr}`);
    }
}

async function waitForHealth(port: number): Promise<void> {
    const healthy = async () => {
        try {
            return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
        } catch {
            return false;
        }
    };
    await waitFor(healthy, 60_000, 'code-server to listen');
}

/** Debian's Chromium (never a downloaded browser) on the workbench's URL, once the workbench is shown. */
async function openBrowser(url: string): Promise<{ browser: Browser; page: Page }> {
    const browser = await chromium.launch({
        executablePath: chromiumBin,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-dev-shm-usage',
        ],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    return { browser, page };
}

async function closeWorkbench(browser: Browser, server: ChildProcess): Promise<void> {
    await browser.close().catch(() => undefined);
    if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (server.exitCode === null) {
            server.kill('SIGKILL');
        }
    }
}

export async function waitFor<T>(
    probe: () => Promise<T | undefined | false> | T | undefined | false,
    timeoutMs: number,
    what: string,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

/** The webview frame that contains `selector` (webviews live in nested iframes). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
    return waitFor(
        async () => {
            for (const frame of page.frames()) {
                try {
                    if (await frame.$(selector)) {
                        return frame;
                    }
                } catch {
                    // detached frames
                }
            }
            return undefined;
        },
        timeoutMs,
        `a webview with ${selector}`,
    );
}

export interface MetricLine {
    name: string;
    value: number;
}

export function readMetrics(file: string): MetricLine[] {
    if (!existsSync(file)) {
        return [];
    }
    return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as MetricLine);
}

export function percentile(values: readonly number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Runs a command from the palette that opens a panel, and measures the milliseconds from pressing
 * Enter on it until a new webview shows `selector`: what a person waits for a panel to show its
 * content. Each frame attached after the keypress is watched from inside the page (Playwright's
 * waitForSelector), so the content is seen when it is drawn, not at the next poll of every frame.
 */
export async function timeToWebview(
    page: Page,
    command: string,
    selector: string,
    timeoutMs = 120_000,
): Promise<{ ms: number; frame: Frame; workerStartMs: number | undefined }> {
    await prepareCommand(page, command);
    const before = new Set(page.frames());
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    let watch: (frame: Frame) => void = () => undefined;
    const shown = new Promise<{ ms: number; frame: Frame }>((resolve, reject) => {
        watch = (frame) => {
            if (!before.has(frame)) {
                frame.waitForSelector(selector, { timeout: timeoutMs }).then(
                    () => resolve({ ms: performance.now() - started, frame }),
                    () => undefined,
                );
            }
        };
        timer = setTimeout(
            () => reject(new Error(`timed out after ${timeoutMs} ms waiting for a new webview with ${selector}`)),
            timeoutMs,
        );
    });
    page.on('frameattached', watch);
    try {
        started = await runPreparedCommand(page, command);
        const result = await shown;
        return { ...result, workerStartMs: await serviceWorkerStart(result.frame) };
    } finally {
        clearTimeout(timer);
        page.off('frameattached', watch);
    }
}

/**
 * How long the page's navigation waited for VS Code's webview service worker to start (each new
 * webview registers its own service worker version); undefined when the browser does not say.
 */
async function serviceWorkerStart(frame: Frame): Promise<number | undefined> {
    return frame
        .evaluate(() => {
            const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
            return navigation && navigation.workerStart > 0 ? navigation.workerStart : undefined;
        })
        .catch(() => undefined);
}

/**
 * Reloads the window (Developer: Reload Window) and waits for the new page's workbench and for the
 * old window's extension host to have exited (so whatever it logged on its way out is in the logs).
 */
export async function reloadWindow(page: Page, runDir: string): Promise<void> {
    const exited = () => logLines(runDir, /Extension Host Process exited/).length;
    const before = exited();
    const loaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await loaded;
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await waitFor(() => exited() > before, 60_000, "the old window's extension host to exit");
}

/** Closes the editor tab whose label contains `title` (a panel, say). */
export async function closeTab(page: Page, title: string): Promise<void> {
    const tab = page.locator(`.tab[aria-label*="${title}"]`).first();
    await tab.click();
    await tab.locator('.tab-actions .action-label').first().click({ force: true });
    await page.locator(`.tab[aria-label*="${title}"]`).waitFor({ state: 'detached', timeout: 15_000 });
}

/** Lines of code-server's logs (extension host, server, windows) that match `pattern`. */
export function logLines(runDir: string, pattern: RegExp): string[] {
    const found: string[] = [];
    const visit = (dir: string) => {
        for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                visit(file);
            } else if (entry.name.endsWith('.log')) {
                for (const line of readFileSync(file, 'utf8').split('\n')) {
                    if (pattern.test(line)) {
                        found.push(`${path.relative(runDir, file)}: ${line}`);
                    }
                }
            }
        }
    };
    visit(path.join(runDir, 'user', 'logs'));
    return found;
}
