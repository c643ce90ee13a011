/**
 * dprog in a real VS Code: code-server + Playwright + Debian Chromium (design/e2e.md). What a
 * person does, step by step: open the samples, see a broken program's errors in Problems, complete
 * a label set's members, compile from the palette, label three items with hotkeys and draw a box,
 * reload and find the labels in the store, and look at the next batch in the preview. A failed
 * compile names each error's file and line; the plan view shows the plan as tables; the models'
 * pre-labels appear on items without stored ones; CodeLens counts follow the labels. Screenshots
 * go to test-results/e2e/; activation time, label round trips and panel-open times are measured
 * and printed, and the logs are checked for errors on reload.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LabelStore } from '../../engine/src/store/index.js';
import { openFile, prepareCommand, quickInputState, revealLine, runCommand, runCommandAndPick } from './quick-input.js';
import {
    artifacts,
    closeTab,
    logLines,
    missingPrerequisites,
    percentile,
    readMetrics,
    reloadWindow,
    root,
    startWorkbench,
    timeToWebview,
    waitFor,
    webviewFrame,
    type Workbench,
} from './workbench.js';

const missing = missingPrerequisites();
const skip = !!missing && process.env.CI !== 'true';
if (skip) {
    console.warn(
        `\n[e2e] SKIPPED: the end-to-end suite needs ${missing}. Run .ci/e2e.sh to install them (under CI=true it never skips).\n`,
    );
}

/**
 * Budgets from the issue: activation < 250 ms, label round trip p95 < 50 ms. Measured and printed
 * with their ratio, not asserted: the team keeps timings out of tests (a loaded CI machine must not
 * turn a timing into a red build); the numbers are in the log of every run.
 */
const ACTIVATION_BUDGET_MS = 250;
const ROUND_TRIP_P95_BUDGET_MS = 50;
/** Labels given after the first three, to measure the round trip on more than a handful. */
const EXTRA_LABELS = 20;
/** Panels open in under 1 s after the first opening; the suite holds the p95 to 1.5 s (measured, printed). */
const PANEL_OPEN_P95_BUDGET_MS = 1_500;
/** Openings of each panel after the first, for the panel-open percentiles. */
const REOPENINGS = 6;

const verdict = (value: number, budget: number) =>
    value < budget ? 'WITHIN BUDGET' : `OVER BUDGET (machine load: ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`;

const BROKEN = `program Broken

labels Verdict { spam, ham }

task classify(e: emails) -> choice<Verdict> {
    route cascade nobody
}
`;

const COMPLETION = `program Completion

dataset frames from images "data/frames/*.png" {
    split by path { train 100% }
}

labels Hazard { construction, debris, clear }
labels Vehicle { car, truck }

labeler me: human

task hazard(f: frames) -> choice<Hazard> { route cascade me }
task vehicle(f: frames) -> choice<Vehicle> { route cascade me }

flow road(f: frames) {
    if hazard(f) == 
}
`;

describe.skipIf(skip)('dprog in VS Code (code-server + Chromium)', () => {
    let wb: Workbench;
    const runDir = path.join(root, '.cache', 'e2e', 'run');
    const roundTrips: number[] = [];
    /** Command → content shown, per panel; the first opening apart. */
    const panelOpen: Record<'labeling' | 'preview', { first?: number; again: number[] }> = {
        labeling: { again: [] },
        preview: { again: [] },
    };
    const consoleErrors: string[] = [];
    /** Boxes the detector pre-drew on the page labeled in the box test. */
    let preDrawn = 0;
    const shot = (name: string) => wb.page.screenshot({ path: path.join(artifacts, `${name}.png`) });

    beforeAll(async () => {
        if (missing) {
            throw new Error(`CI=true and the end-to-end suite cannot run: missing ${missing}`);
        }
        mkdirSync(artifacts, { recursive: true });
        mkdirSync(runDir, { recursive: true });
        wb = await startWorkbench(runDir);
        wb.page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
        wb.page.on('pageerror', (e) => consoleErrors.push(String(e)));
        writeFileSync(path.join(wb.workspace, 'broken.dprog'), BROKEN);
        writeFileSync(path.join(wb.workspace, 'completion.dprog'), COMPLETION);
    });

    afterAll(async () => {
        if (wb) {
            await shot('zz-final').catch(() => undefined);
            writeFileSync(path.join(artifacts, 'code-server.log'), wb.serverLog());
            await wb.close();
        }
    });

    test('opening a .dprog file activates the extension (activation time measured)', async () => {
        await openFile(wb.page, 'spam/spam.dprog');
        const activation = await waitFor(
            () => readMetrics(wb.metricsFile).find((m) => m.name === 'activation'),
            60_000,
            'the extension to activate',
        );
        console.log(
            `[e2e] activation (code loading + activate(), measured by the extension): ${activation.value.toFixed(1)} ms (budget ` +
                `${ACTIVATION_BUDGET_MS} ms, ratio ${(activation.value / ACTIVATION_BUDGET_MS).toFixed(2)}) ` +
                `${verdict(activation.value, ACTIVATION_BUDGET_MS)}`,
        );
        // Syntax highlighting from the TextMate grammar: keywords get their own token colour.
        await wb.page.waitForSelector('.view-line span[class*="mtk"]');
        await shot('01-spam-program');
        // VS Code's own account (Developer: Show Running Extensions), printed beside ours.
        await runCommand(wb.page, 'Developer: Show Running Extensions');
        const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'dprog' });
        const vscodeSays = await row
            .first()
            .innerText({ timeout: 20_000 })
            .catch(() => '(not shown)');
        const reported = /Activation:\s*(\d+)\s*ms/.exec(vscodeSays);
        console.log(
            `[e2e] VS Code's Running Extensions view: ` +
                vscodeSays.replace(/\s+/g, ' ') +
                (reported
                    ? ` (ratio ${(Number(reported[1]) / ACTIVATION_BUDGET_MS).toFixed(2)} of the budget) ` +
                      verdict(Number(reported[1]), ACTIVATION_BUDGET_MS)
                    : ''),
        );
        await shot('01b-running-extensions');
        await wb.page.keyboard.press('Control+W');
        expect(activation.value).toBeGreaterThan(0);
    });

    test('a broken program shows its errors in the Problems panel', async () => {
        await openFile(wb.page, 'broken.dprog');
        await wb.page.keyboard.press('Control+Shift+M');
        const rows = wb.page.locator('.markers-panel .monaco-list-row');
        await waitFor(
            async () => (await rows.allInnerTexts()).some((t) => /emails|nobody/.test(t)),
            60_000,
            'errors of broken.dprog in Problems',
        );
        const texts = await rows.allInnerTexts();
        console.log(`[e2e] problems: ${texts.map((t) => t.replace(/\s+/g, ' ')).join(' | ')}`);
        await shot('02-problems');
        expect(texts.some((t) => /emails/.test(t))).toBe(true);
        expect(texts.some((t) => /nobody/.test(t))).toBe(true);
        // The status bar says the program has errors.
        const status = wb.page.locator('.statusbar-item', { hasText: 'dprog:' }).first();
        await waitFor(
            async () => /dprog: 2 errors/.test(await status.innerText().catch(() => '')),
            15_000,
            'the status bar to count the errors',
        );
        // Compiling it says which errors, where — not "failed with exit code 1".
        await runCommand(wb.page, 'Data Program: Compile');
        const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Compile failed' }).first();
        await toast.waitFor({ timeout: 60_000 });
        const said = (await toast.innerText()).replace(/\s+/g, ' ');
        console.log(`[e2e] failed compile: ${said}`);
        expect(said).toMatch(/Compile failed: 2 errors\. broken\.dprog:5: Unknown dataset 'emails'\. \(and 1 more\)/);
        expect(await toast.getByRole('button', { name: 'Show Problems' }).count()).toBe(1);
        await shot('02b-compile-failed');
        await toast.getByRole('button', { name: 'Show Log' }).click();
        const output = wb.page.locator('.output-view, .panel .monaco-editor').first();
        await waitFor(
            async () =>
                /broken\.dprog:6:19: error names\/unresolved: Unknown labeler 'nobody'/.test(
                    (await output.innerText().catch(() => '')).replace(/\s+/g, ' '),
                ),
            30_000,
            'the log to hold each error with file and line',
        );
        await shot('02c-compile-log');
        await runCommand(wb.page, 'View: Hide Panel');
    });

    test('completion after == offers the members of the right label set', async () => {
        await openFile(wb.page, 'completion.dprog');
        const line = wb.page.locator('.view-line', { hasText: 'if hazard(f) ==' });
        await line.click();
        await wb.page.keyboard.press('End');
        await wb.page.keyboard.press('Control+Space');
        const rows = wb.page.locator('.suggest-widget .monaco-list-row');
        // The proposals come in one answer of the language server: wait for it to be shown.
        await waitFor(
            async () => (await rows.allInnerTexts()).some((t) => /construction/.test(t)),
            30_000,
            "Hazard's members among the completion proposals",
        );
        const labels = (await rows.allInnerTexts()).map((t) => t.split('\n')[0].trim());
        console.log(`[e2e] completion after '==': ${labels.join(', ')}`);
        await shot('03-completion');
        await wb.page.keyboard.press('Escape');
        expect(labels).toEqual(expect.arrayContaining(['construction', 'debris', 'clear']));
        expect(labels).not.toContain('car');
        expect(labels).not.toContain('truck');
    });

    test('Compile from the palette writes the plan', async () => {
        await openFile(wb.page, 'spam/spam.dprog');
        await runCommand(wb.page, 'Data Program: Compile');
        const planPath = path.join(wb.workspace, 'spam', '.dprog', 'plans', 'spam.plan.json');
        await waitFor(() => existsSync(planPath), 90_000, `the plan at ${planPath}`);
        const plan = JSON.parse(readFileSync(planPath, 'utf8')) as { schema: string; program: string; tasks: Array<{ name: string }> };
        expect(plan.schema).toBe('dprog.plan/v2');
        expect(plan.program).toBe('SpamTriage');
        expect(plan.tasks.map((t) => t.name)).toContain('classify');
        await wb.page.waitForSelector('.notifications-toasts .notification-toast', { timeout: 30_000 });
        // CodeLens above the task and the learn block, with the items left once the plan is known
        // (drawn for visible lines only: go to the task).
        await revealLine(wb.page, path.join(wb.workspace, 'spam', 'spam.dprog'), /^task classify/);
        const lenses = wb.page.locator('.codelens-decoration');
        await waitFor(
            async () => (await lenses.allInnerTexts()).some((t) => /Label \(6,046 left\)/.test(t)),
            30_000,
            'CodeLens with the items left',
        );
        const taskLens = (await lenses.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).filter(Boolean);
        // The learn block's lens is further down: lenses are drawn for visible lines only.
        await revealLine(wb.page, path.join(wb.workspace, 'spam', 'spam.dprog'), /^learn classify/);
        await waitFor(
            async () => (await lenses.allInnerTexts()).some((t) => /Sample next batch/.test(t)),
            30_000,
            "the learn block's CodeLens",
        );
        const learnLens = (await lenses.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).filter((t) => /Sample next batch/.test(t));
        console.log(`[e2e] CodeLens: task: ${taskLens.join(' | ')}; learn: ${learnLens.join(' | ')}`);
        expect(learnLens.some((t) => /Preview/.test(t) && /Retrain/.test(t))).toBe(true);
        await wb.page.keyboard.press('Control+Home');
        await shot('04-compiled');
    });

    test('the plan view shows tasks, routes, cost and accuracy, with the JSON one click away', async () => {
        await runCommand(wb.page, 'Data Program: Open Plan');
        const frame = await webviewFrame(wb.page, '[data-testid="tasks"] [data-task="classify"]', 60_000);
        const row = (await frame.locator('[data-task="classify"]').innerText()).replace(/\s+/g, ' ');
        const totals = (await frame.locator('[data-testid="totals"]').innerText()).replace(/\s+/g, ' ');
        console.log(`[e2e] plan view: ${totals} | ${row}`);
        expect(row).toMatch(/keywords rules .*spam_model model .*crowd human .*analysts human/);
        expect(row).toMatch(/answers per item expected/);
        expect(totals).toMatch(/Expected cost \$\d/);
        expect(totals).toMatch(/Expected accuracy \d+\.\d%/);
        await shot('04b-plan-view');
        await frame.locator('#open-json').click();
        await wb.page.waitForSelector('.tab[aria-label*="spam.plan.json"]', { timeout: 30_000 });
        await shot('04c-plan-json');
        await closeTab(wb.page, 'spam.plan.json');
        await closeTab(wb.page, 'Plan: spam.dprog');
    });

    test('the labeling panel labels three items with hotkeys', async () => {
        const { ms, frame } = await timeToWebview(wb.page, 'Data Program: Open Labeling Panel', '.choices button[data-class="spam"]');
        panelOpen.labeling.first = ms;
        // No stored model answer yet (nothing was run): the panel runs the model and preselects its choice.
        const prelabels = frame.locator('[data-testid="prelabels"]');
        await waitFor(
            async () => /spam_model.*run just now/.test(await prelabels.innerText().catch(() => '')),
            60_000,
            "the model's pre-label",
        );
        expect(await frame.locator('section.tool').getAttribute('data-prelabel')).toBe('model:spam_model');
        expect(await frame.locator('.choices button[aria-checked="true"]').count()).toBe(1);
        console.log(`[e2e] pre-label on demand: ${(await prelabels.innerText()).replace(/\s+/g, ' ')}`);
        // Opened from the palette, the panel has the focus and its hotkeys work at once (its renders
        // take the focus only while the panel has it: see 'a panel changing in the background').
        await waitFor(
            () => frame.evaluate(() => document.hasFocus() && !!document.activeElement?.closest('.choices')),
            10_000,
            'the choices to have the keyboard focus',
        );
        await shot('05-labeling-panel');
        const position = () => frame.locator('[data-testid="position"]').innerText();
        for (const key of ['s', 'h', 's']) {
            const before = await position();
            await frame.locator('.choices').first().focus();
            await frame.locator('body').press(key);
            await waitFor(async () => (await position()) !== before, 10_000, `the panel to move on after '${key}'`);
        }
        expect(JSON.parse((await frame.locator('body').getAttribute('data-round-trips')) ?? '[]')).toHaveLength(3);
        await shot('06-labeled-three');
        // More labels, for a round-trip percentile worth the name.
        for (let i = 0; i < EXTRA_LABELS; i++) {
            const before = await position();
            await frame.locator('body').press(i % 2 ? 'h' : 's');
            await waitFor(async () => (await position()) !== before, 10_000, 'the panel to move on');
        }
        const trips = JSON.parse((await frame.locator('body').getAttribute('data-round-trips')) ?? '[]') as number[];
        expect(trips).toHaveLength(3 + EXTRA_LABELS);
        roundTrips.push(...trips);
    });

    test('CodeLens counts follow the labels given', async () => {
        await wb.page.locator('.tab[aria-label*="spam.dprog"]').first().click();
        await revealLine(wb.page, path.join(wb.workspace, 'spam', 'spam.dprog'), /^task classify/);
        const lenses = wb.page.locator('.codelens-decoration');
        await waitFor(
            async () => (await lenses.allInnerTexts()).some((t) => /Label \(6,023 left\)/.test(t)),
            30_000,
            'CodeLens to count 23 fewer items left',
        );
        await shot('06b-codelens-follows');
    });

    test('a panel changing in the background leaves the command palette open', async () => {
        // The labeling panel is open beside the program; the person types in the palette while the
        // models' answers for the current item arrive and the panel shows them.
        await wb.page.locator('.tab[aria-label*="spam.dprog"]').first().click();
        await prepareCommand(wb.page, 'Data Program: Compile');
        const frame = await webviewFrame(wb.page, 'section.item[data-item]');
        const item = await frame.locator('section.item').getAttribute('data-item');
        await frame.evaluate((key) => {
            const answer = { labeler: 'spam_model', kind: 'model', value: 'ham', score: 0.97, onDemand: true };
            window.dispatchEvent(new MessageEvent('message', { data: { type: 'preLabels', items: { [key!]: [answer] } } }));
        }, item);
        await waitFor(
            async () => /0\.97/.test(await frame.locator('[data-testid="prelabels"]').innerText()),
            10_000,
            'the panel to show the new pre-label',
        );
        const palette = await quickInputState(wb.page);
        await shot('06c-palette-kept');
        await wb.page.keyboard.press('Escape');
        expect({ shown: palette.shown, focused: palette.focused, value: palette.value }).toEqual({
            shown: true,
            focused: true,
            value: '>Data Program: Compile',
        });
    });

    test('panels open at once after the first opening (measured)', async () => {
        /** Per reopening: how long the page waited for VS Code's webview service worker to start. */
        const workerWaits: number[] = [];
        for (let i = 0; i < REOPENINGS; i++) {
            await closeTab(wb.page, 'Label: classify');
            await wb.page.locator('.tab[aria-label*="spam.dprog"]').first().click();
            const opened = await timeToWebview(wb.page, 'Data Program: Open Labeling Panel', '.choices button[data-class="spam"]');
            panelOpen.labeling.again.push(opened.ms);
            workerWaits.push(...(opened.workerStartMs === undefined ? [] : [opened.workerStartMs]));
        }
        await shot('06d-labeling-reopened');
        await closeTab(wb.page, 'Label: classify');
        for (let i = 0; i <= REOPENINGS; i++) {
            await wb.page.locator('.tab[aria-label*="spam.dprog"]').first().click();
            const opened = await timeToWebview(wb.page, 'Data Program: Preview Active Learning', 'table[data-testid="batch"] tbody tr');
            if (i === 0) {
                panelOpen.preview.first = opened.ms;
            } else {
                panelOpen.preview.again.push(opened.ms);
                workerWaits.push(...(opened.workerStartMs === undefined ? [] : [opened.workerStartMs]));
            }
            if (i === 0) {
                await shot('06e-preview-first');
            }
            await closeTab(wb.page, 'Preview: classify');
        }
        const all = [...panelOpen.labeling.again, ...panelOpen.preview.again];
        const p95 = percentile(all, 95);
        const host = readMetrics(wb.metricsFile).filter((m) => /panel content/.test(m.name));
        const ready = readMetrics(wb.metricsFile).filter((m) => m.name === 'labeling webview ready');
        const handled = readMetrics(wb.metricsFile).filter((m) => m.name === 'labeling command handled');
        const fmt = (v: number[]) => `n=${v.length} p50=${percentile(v, 50).toFixed(0)} ms p95=${percentile(v, 95).toFixed(0)} ms`;
        console.log(
            `[e2e] panel open (Enter on the command → content shown in the webview): labeling first ` +
                `${panelOpen.labeling.first!.toFixed(0)} ms, again ${fmt(panelOpen.labeling.again)}; ` +
                `preview first ${panelOpen.preview.first!.toFixed(0)} ms (the batch shared with the labeling queue), again ` +
                `${fmt(panelOpen.preview.again)}; ` +
                `all reopenings p95=${p95.toFixed(0)} ms (budget ${PANEL_OPEN_P95_BUDGET_MS} ms, ratio ` +
                `${(p95 / PANEL_OPEN_P95_BUDGET_MS).toFixed(2)}) ${verdict(p95, PANEL_OPEN_P95_BUDGET_MS)}` +
                `; in the host, the labeling command ran in ${handled.map((m) => m.value.toFixed(0)).join(', ')} ms` +
                `; panel created → content posted (without waiting for the page): ` +
                `${host.map((m) => `${m.name.split(' ')[0]} ${m.value.toFixed(0)}`).join(', ')} ms` +
                `; panel created → the labeling page's first message: ${ready.map((m) => m.value.toFixed(0)).join(', ')} ms` +
                `; in the browser, each new page waited for VS Code's webview service worker (a new version per webview): ` +
                `${workerWaits.length > 0 ? fmt(workerWaits) : 'not reported'}`,
        );
        expect(all).toHaveLength(2 * REOPENINGS);
        // Sampling ran in-process: the dprog log (which records every CLI command started) holds the
        // panels' openings and no `dprog sample`.
        await waitFor(() => logLines(runDir, /labeling panel content/).length > 0, 10_000, 'the dprog log file');
        expect(logLines(runDir, /\$ dprog sample/)).toEqual([]);
        await runCommand(wb.page, 'Data Program: Open Labeling Panel');
        await webviewFrame(wb.page, '.choices button[data-class="spam"]', 60_000);
    });

    test('a box is drawn on a document page and saved', async () => {
        await openFile(wb.page, 'documents/documents.dprog');
        // The extension sees it as the active program once its status bar item speaks of it (under
        // load that lags the editor's tab; before, the command would ask which program to use).
        await wb.page.locator('.statusbar-item', { hasText: 'dprog: not compiled' }).first().waitFor({ timeout: 30_000 });
        await runCommandAndPick(wb.page, 'Data Program: Open Labeling Panel', 'regions');
        const frame = await webviewFrame(wb.page, '.image-tool .viewport img', 120_000);
        await waitFor(
            () => frame.locator('.image-tool .viewport img').evaluate((img) => (img as HTMLImageElement).naturalWidth > 0),
            30_000,
            'the page image to load',
        );
        // The detector has not run on this page (no `dprog run`): the panel runs it and pre-draws its boxes.
        await waitFor(
            async () => Number(await frame.locator('.image-tool').getAttribute('data-shapes')) > 0,
            120_000,
            "the detector's boxes",
        );
        expect(await frame.locator('section.tool').getAttribute('data-prelabel')).toBe('model:detector');
        preDrawn = Number(await frame.locator('.image-tool').getAttribute('data-shapes'));
        console.log(
            `[e2e] pre-drawn by the detector: ${preDrawn} boxes; ` +
                `${(await frame.locator('[data-testid="prelabels"]').innerText()).replace(/\s+/g, ' ')}`,
        );
        await shot('07a-detector-prelabels');
        const box = await frame.locator('.image-tool .viewport').boundingBox();
        if (!box) {
            throw new Error('no viewport');
        }
        // Start the new box where no proposed box is (pressing on one would select it instead).
        const free = await frame.locator('.image-tool .viewport').evaluate((viewport) => {
            const v = viewport.getBoundingClientRect();
            const img = viewport.querySelector('img')!.getBoundingClientRect();
            for (let y = img.top + 5; y < img.bottom - 50; y += 8) {
                for (let x = img.left + 5; x < img.right - 130; x += 8) {
                    const hit = document.elementFromPoint(x, y);
                    if (hit && viewport.contains(hit) && !hit.hasAttribute('data-shape') && !hit.hasAttribute('data-handle')) {
                        return { fx: (x - v.left) / v.width, fy: (y - v.top) / v.height };
                    }
                }
            }
            throw new Error('no free place on the page to start a box');
        });
        const start = { x: box.x + box.width * free.fx, y: box.y + box.height * free.fy };
        await wb.page.mouse.move(start.x, start.y);
        await wb.page.mouse.down();
        await wb.page.mouse.move(start.x + 120, start.y + 40, { steps: 8 });
        await wb.page.mouse.up();
        await waitFor(
            async () => (await frame.locator('.image-tool').getAttribute('data-shapes')) === String(preDrawn + 1),
            10_000,
            'the drawn box beside the proposed ones',
        );
        await shot('07-box-drawn');
        const before = await frame.locator('[data-testid="position"]').innerText();
        await frame.locator('.image-tool .viewport').press('Enter');
        await waitFor(async () => (await frame.locator('[data-testid="position"]').innerText()) !== before, 10_000, 'the box to be saved');
        const trips = JSON.parse((await frame.locator('body').getAttribute('data-round-trips')) ?? '[]') as number[];
        roundTrips.push(...trips);
    });

    test('after a reload the labels are in the store', async () => {
        await reloadWindow(wb.page, runDir);
        const read = async (program: string, task: string) => {
            const store = await LabelStore.open(path.join(wb.workspace, program, '.dprog', 'labels.sqlite'), { readonly: true });
            try {
                return store.labels({ task, labelerKind: 'human' });
            } finally {
                await store.close();
            }
        };
        const spam = (await read('spam', 'classify')).sort((x, y) => x.createdAt.localeCompare(y.createdAt));
        expect(spam).toHaveLength(3 + EXTRA_LABELS);
        expect(spam.slice(0, 3).map((l) => l.value)).toEqual(['spam', 'ham', 'spam']);
        expect(new Set(spam.map((l) => l.item)).size).toBe(spam.length);
        const regions = await read('documents', 'regions');
        expect(regions).toHaveLength(1);
        // The accepted proposals and the drawn box, all saved as the person's answer.
        expect(regions[0].value).toHaveLength(preDrawn + 1);
        expect(regions[0].value).toEqual(
            expect.arrayContaining([expect.objectContaining({ label: 'line', width: expect.any(Number), height: expect.any(Number) })]),
        );
        // The panels come back through their serializers, images and all.
        const restored = await webviewFrame(wb.page, '.image-tool .viewport img', 120_000);
        await waitFor(
            () => restored.locator('.image-tool .viewport img').evaluate((img) => (img as HTMLImageElement).naturalWidth > 0),
            30_000,
            "the restored panel's image",
        );
        // Both labeling panels are back as tabs (a hidden one loads its webview when shown).
        expect(await wb.page.locator('.tab[aria-label*="Label: classify"]').count()).toBe(1);
        expect(await wb.page.locator('.tab[aria-label*="Label: regions"]').count()).toBe(1);
        await shot('08-after-reload');
    });

    test('the preview panel shows the next batch', async () => {
        await openFile(wb.page, 'spam/spam.dprog');
        const { ms, frame } = await timeToWebview(
            wb.page,
            'Data Program: Preview Active Learning',
            'table[data-testid="batch"] tbody tr',
            180_000,
        );
        const rows = await frame.locator('table[data-testid="batch"] tbody tr').count();
        console.log(
            `[e2e] preview: next batch of ${rows} items, shown ${ms.toFixed(0)} ms after the command (first opening after a ` +
                `reload: the data is read and featurized again)`,
        );
        await shot('09-preview');
        // Back in the program, the status bar shows the labels done and planned.
        await openFile(wb.page, 'spam/spam.dprog');
        const status = wb.page.locator('.statusbar-item', { hasText: 'labeled' }).first();
        await waitFor(
            async () => /23\/6,046 labeled/.test(await status.innerText().catch(() => '')),
            15_000,
            'the status bar to show progress',
        );
        console.log(`[e2e] status bar: ${await status.innerText()}`);
        expect(rows).toBeGreaterThan(0);
        await shot('09b-status-bar');
    });

    test('a changed program shows its migration before anything is spent', async () => {
        const file = path.join(wb.workspace, 'spam', 'spam.dprog');
        // Rename a member (`legit from ham`): its labels are carried over, none re-asked.
        const renamed = readFileSync(file, 'utf8')
            .replace(/^(\s*)ham(\s+"Legitimate email")/m, '$1legit from ham$2')
            .replace(/=>\s*ham\b/g, '=> legit');
        writeFileSync(file, renamed);
        await openFile(wb.page, 'spam/spam.dprog');
        // The open editor takes the change from disk: compile once it shows it.
        await revealLine(wb.page, file, /legit from ham/);
        await wb.page
            .locator('.editor-group-container.active .view-line', { hasText: 'legit from ham' })
            .first()
            .waitFor({ timeout: 30_000 });
        await runCommand(wb.page, 'Data Program: Compile');
        const show = wb.page.locator('.notifications-toasts .notification-toast').getByRole('button', { name: 'Show Migration' });
        await show.first().click({ timeout: 90_000 });
        // The migration opens as a Markdown table in the active editor (lines may wrap).
        const editorText = async () =>
            (
                (await wb.page
                    .locator('.editor-group-container.active .view-lines')
                    .first()
                    .innerText()
                    .catch(() => '')) ?? ''
            ).replace(/\s+/g, ' ');
        await waitFor(async () => /Migration/.test(await editorText()), 30_000, 'the migration document');
        await shot('10-migration');
        const text = await editorText();
        expect(text).toMatch(/classify: migrate/);
        expect(text).toMatch(/\| ham \| legit \| map \|/);
    });

    test('no errors in the logs on reload', async () => {
        // One more reload with the panels open, then look at every log code-server wrote.
        const activations = () => readMetrics(wb.metricsFile).filter((m) => m.name === 'activation').length;
        const activated = activations();
        await reloadWindow(wb.page, runDir);
        // The old window's extension host has exited; the new one has activated dprog (its program is open).
        await waitFor(() => activations() > activated, 60_000, 'dprog to activate in the reloaded window');
        // dprog's providers only: VS Code's own extensions may fail theirs while the host stops (the
        // Markdown one on the migration document, say); those lines are printed, not held against dprog.
        const bad = /Channel has been closed|\[dprog\.dprog\] provider FAILED|OverlayWebview has been disposed/;
        const others = logLines(runDir, /provider FAILED/).filter((line) => !bad.test(line));
        // dprog's own log: a notification still open when the window reloads (the compile's "Open
        // Plan") is cancelled by VS Code; that is no error.
        const cancelled = logLines(runDir, /\[error\] Canceled/).filter((line) => line.includes('dprog.dprog'));
        const lines = [...logLines(runDir, bad), ...cancelled];
        const browser = consoleErrors.filter((e) => bad.test(e));
        const overlapping =
            logLines(runDir, /Overlapping semantic tokens/).length +
            consoleErrors.filter((e) => /Overlapping semantic tokens/.test(e)).length;
        console.log(
            `[e2e] logs on close/reload: ${lines.length + browser.length} error ` +
                `line(s)${lines.length + browser.length ? `:\n  ${[...lines, ...browser].join('\n  ')}` : ''}; "Overlapping ` +
                `semantic tokens" (the language server's): ${overlapping}; other extensions' failed providers: ${others.length}` +
                (others.length ? `:\n  ${others.join('\n  ')}` : ''),
        );
        expect([...lines, ...browser]).toEqual([]);
    });

    test('label round trips (measured)', () => {
        const hostDurable = readMetrics(wb.metricsFile).filter((m) => m.name === 'label durable');
        expect(roundTrips.length).toBeGreaterThanOrEqual(4);
        const p95 = percentile(roundTrips, 95);
        console.log(
            `[e2e] label round trip (submit → durable → acknowledged, in the webview): n=${roundTrips.length} ` +
                `p50=${percentile(roundTrips, 50).toFixed(1)} ms p95=${p95.toFixed(1)} ms (budget ${ROUND_TRIP_P95_BUDGET_MS} ms, ` +
                `ratio ${(p95 / ROUND_TRIP_P95_BUDGET_MS).toFixed(2)}) ${verdict(p95, ROUND_TRIP_P95_BUDGET_MS)}` +
                (hostDurable.length
                    ? `; in the host, durable after p95=${percentile(
                          hostDurable.map((m) => m.value),
                          95,
                      ).toFixed(1)} ms`
                    : ''),
        );
        // Every label was acknowledged only after it was durable in the host.
        expect(hostDurable.length).toBeGreaterThanOrEqual(roundTrips.length);
    });
});
