/**
 * The workbench's quick input (command palette, Quick Open, Go to Line, an extension's quick pick),
 * driven as a person does: open it, type, check that the entry wanted is the selected one, press
 * Enter. The widget closes whenever the focus leaves it (an editor opening, a panel or a webview
 * taking the focus, a reload), and it can be shown a moment before its text box has the focus. So
 * each step waits for the widget to be shown with its text box focused and holding the text typed,
 * re-opens the widget when it closed on the way, and presses Enter only while that still holds.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

const TEXT_BOX = '.quick-input-widget .quick-input-box input';
const ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';
/** Openings of the quick input for one step before giving up (each failed one is printed with its cause). */
const ATTEMPTS = 4;
/** How long one opening may take to show the widget with a focused text box (a key; a command's quick pick may take longer). */
const OPEN_MS = 5_000;
/** The state while the page navigates (a reload): nothing is shown. */
const NAVIGATING: QuickInputState = { shown: false, focused: false, value: '', rows: [], selected: '', focus: 'a page loading' };

/** What the page shows: whether the widget is shown with its text box focused, its text, its entries, and what has the focus. */
export interface QuickInputState {
    shown: boolean;
    focused: boolean;
    value: string;
    /** The entries' labels, and the selected one's (what Enter picks). */
    rows: string[];
    selected: string;
    focus: string;
}

/** What a step waits for in the list, with its description for the error messages. */
interface Wanted {
    what: string;
    seen: (state: QuickInputState) => boolean;
}

const selected = (entry: string): Wanted => ({ what: `'${entry}' selected`, seen: (s) => s.selected.includes(entry) });
const listed = (entry: string): Wanted => ({ what: `'${entry}' listed`, seen: (s) => s.rows.some((row) => row.includes(entry)) });

export function quickInputState(page: Page): Promise<QuickInputState> {
    return page.evaluate(
        ([textBox, rowSelector]) => {
            const input = document.querySelector<HTMLInputElement>(textBox);
            const shown = !!input && input.checkVisibility();
            const active = document.activeElement;
            const rows = shown ? [...document.querySelectorAll(rowSelector)] : [];
            return {
                shown,
                focused: shown && active === input,
                value: input?.value ?? '',
                rows: rows.map((row) => row.getAttribute('aria-label') ?? ''),
                selected: rows.find((row) => row.classList.contains('focused'))?.getAttribute('aria-label') ?? '',
                focus: active
                    ? `${active.tagName.toLowerCase()}${active.className ? `.${String(active.className).split(' ')[0]}` : ''}`
                    : 'nothing',
            };
        },
        [TEXT_BOX, ROWS] as const,
    );
}

/** Polls the quick input until `done` holds, for at most `timeoutMs` (undefined when it never did). */
async function pollQuickInput(
    page: Page,
    done: (state: QuickInputState) => boolean,
    timeoutMs: number,
): Promise<QuickInputState | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const state = await quickInputState(page).catch(() => NAVIGATING);
        if (done(state)) {
            return state;
        }
        if (Date.now() > deadline) {
            return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/**
 * Opens the quick input (`open`: a key, or a command that shows a quick pick), types `text`, and
 * waits until the list shows what is `wanted`, with the widget still open, focused and holding
 * `text` (then Enter picks the selected entry); re-opens the widget when it closed on the way.
 */
async function typeInQuickInput(
    page: Page,
    open: () => Promise<void>,
    text: string,
    wanted: Wanted,
    timeoutMs: number,
    openMs = OPEN_MS,
): Promise<void> {
    const failures: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        if ((await quickInputState(page)).shown) {
            // Left open by an earlier step (or a quick pick of a command that failed): start afresh.
            await page.keyboard.press('Escape');
            await pollQuickInput(page, (s) => !s.shown, OPEN_MS);
        }
        await open();
        if (!(await pollQuickInput(page, (s) => s.focused, openMs))) {
            failures.push(`it did not open with its text box focused (the focus is on ${(await quickInputState(page)).focus})`);
            await giveFocusToWorkbench(page);
            continue;
        }
        await page.locator(TEXT_BOX).fill(text, { timeout: OPEN_MS });
        const state = await pollQuickInput(page, (s) => !s.focused || s.value !== text || wanted.seen(s), timeoutMs);
        if (state?.focused && state.value === text) {
            return;
        }
        const shown = state ? '' : `; it showed ${JSON.stringify((await quickInputState(page)).rows.slice(0, 5))}`;
        failures.push(
            !state
                ? `no ${wanted.what} after ${timeoutMs} ms${shown}`
                : state.shown && state.focused
                  ? `its text became '${state.value}'`
                  : `it closed (the focus went to ${state.focus})`,
        );
        console.warn(`[e2e] quick input '${text}': attempt ${attempt} failed: ${failures.at(-1)}; opening it again`);
    }
    throw new Error(`the quick input showed no ${wanted.what} for '${text}' in ${ATTEMPTS} attempts: ${failures.join('; ')}`);
}

/** When a webview has the focus (its frame takes the keys), gives the focus back to the workbench. */
async function giveFocusToWorkbench(page: Page): Promise<void> {
    await page
        .evaluate(() => {
            if (document.activeElement instanceof HTMLIFrameElement) {
                document.activeElement.blur();
            }
        })
        .catch(() => undefined);
}

/**
 * Presses Enter in the quick input after checking that it is still shown, focused and on `entry`
 * (so the key cannot land in an editor or a panel); returns the moment of the key press
 * (performance.now()), or undefined when the widget closed in the meantime.
 */
async function acceptQuickInput(page: Page, entry: string): Promise<number | undefined> {
    const state = await quickInputState(page);
    if (!state.focused || !state.selected.includes(entry)) {
        return undefined;
    }
    const pressed = performance.now();
    await page.keyboard.press('Enter');
    return pressed;
}

/**
 * Selects an entry and presses Enter on it, selecting again when the widget closed just before;
 * returns once the widget took the Enter (it closed, or shows what the entry opened).
 */
async function chooseInQuickInput(
    page: Page,
    open: () => Promise<void>,
    text: string,
    entry: string,
    timeoutMs: number,
    openMs = OPEN_MS,
): Promise<void> {
    for (let attempt = 1; ; attempt++) {
        await typeInQuickInput(page, open, text, selected(entry), timeoutMs, openMs);
        if ((await acceptQuickInput(page, entry)) !== undefined) {
            await pollQuickInput(page, (s) => !s.shown || s.value !== text, OPEN_MS);
            return;
        }
        if (attempt === ATTEMPTS) {
            throw new Error(`the quick input closed before Enter could choose '${entry}', ${ATTEMPTS} times`);
        }
    }
}

const pressKey = (page: Page, key: string) => () => page.keyboard.press(key);

/** Opens the palette on a command, ready to run: pressing Enter runs it (so a timing starts at the keypress). */
export async function prepareCommand(page: Page, title: string): Promise<void> {
    await typeInQuickInput(page, pressKey(page, 'F1'), `>${title}`, selected(title), 15_000);
}

/**
 * Presses Enter on the command that `prepareCommand` selected, and returns the moment it did
 * (performance.now()); when the palette closed in between, prepares the command again first.
 */
export async function runPreparedCommand(page: Page, title: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
        const pressed = await acceptQuickInput(page, title);
        if (pressed !== undefined) {
            return pressed;
        }
        if (attempt === ATTEMPTS) {
            throw new Error(`the palette closed before '${title}' could run, ${ATTEMPTS} times`);
        }
        console.warn(`[e2e] the palette closed before '${title}' ran (attempt ${attempt}); preparing it again`);
        await prepareCommand(page, title);
    }
}

/** Runs a command from the palette (F1, its title, Enter). */
export async function runCommand(page: Page, title: string): Promise<void> {
    await chooseInQuickInput(page, pressKey(page, 'F1'), `>${title}`, title, 15_000);
}

/** Runs `command`, which shows a quick pick, and picks the entry labeled `label` (the command runs again if the pick closed). */
export async function runCommandAndPick(page: Page, command: string, label: string): Promise<void> {
    await chooseInQuickInput(page, () => runCommand(page, command), label, label, 60_000, 60_000);
}

/** Opens a workspace file by Quick Open (Ctrl+P), as a person does, and waits for its tab. */
export async function openFile(page: Page, relative: string): Promise<void> {
    // The list updates as the file search finishes: wait until the file itself is the selected entry.
    await chooseInQuickInput(page, pressKey(page, 'Control+P'), relative, path.basename(relative), 30_000);
    await page.waitForSelector(`.tab[aria-label*="${path.basename(relative)}"]`, { timeout: 30_000 });
}

/**
 * Moves the active editor's cursor to the first line matching `pattern` (Go to Line, `:N` in the
 * palette) and waits until the editor says it is there, so that what VS Code draws for visible
 * lines only (CodeLens) is drawn for it.
 */
export async function revealLine(page: Page, file: string, pattern: RegExp): Promise<void> {
    const line =
        readFileSync(file, 'utf8')
            .split('\n')
            .findIndex((text) => pattern.test(text)) + 1;
    if (line === 0) {
        throw new Error(`no line of ${file} matches ${pattern}`);
    }
    await chooseInQuickInput(page, pressKey(page, 'F1'), `:${line}`, `Go to line ${line}.`, 15_000);
    const position = page.locator('#status\\.editor\\.selection');
    await position.filter({ hasText: new RegExp(`Ln ${line}, Col \\d+`) }).waitFor({ timeout: 15_000 });
}

/**
 * Lists the commands the palette offers for `query` once it shows `offered` among them (the list
 * is filtered and complete then): what a person sees before choosing, to check what is not offered.
 */
export async function paletteEntries(page: Page, query: string, offered: string): Promise<string[]> {
    await typeInQuickInput(page, pressKey(page, 'F1'), `>${query}`, listed(offered), 15_000);
    const { rows } = await quickInputState(page);
    await page.keyboard.press('Escape');
    return rows;
}
