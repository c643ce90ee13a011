/**
 * dprog in an untrusted workspace (VS Code's Restricted Mode) in a real VS Code: the program is
 * still checked, but nothing runs and nothing is written — and the UI says so.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openFile, paletteEntries, runCommand } from './quick-input.js';
import { artifacts, missingPrerequisites, root, startWorkbench, waitFor, type Workbench } from './workbench.js';

const missing = missingPrerequisites();
const skip = !!missing && process.env.CI !== 'true';
if (skip) {
    console.warn(`\n[e2e] SKIPPED: the untrusted-workspace suite needs ${missing}. Run .ci/e2e.sh to install them.\n`);
}

/** Every `.dprog` folder (plans, label stores) under a directory. */
function dprogFolders(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isDirectory() && entry.name === '.dprog')
        .map((entry) => path.join(entry.parentPath, entry.name));
}

describe.skipIf(skip)('dprog in an untrusted workspace', () => {
    let wb: Workbench;

    beforeAll(async () => {
        if (missing) {
            throw new Error(`CI=true and the end-to-end suite cannot run: missing ${missing}`);
        }
        wb = await startWorkbench(path.join(root, '.cache', 'e2e', 'run-untrusted'), { trusted: false });
    });

    afterAll(async () => {
        if (wb) {
            await wb.page.screenshot({ path: path.join(artifacts, 'untrusted-final.png') }).catch(() => undefined);
            await wb.close();
        }
    });

    test('the status bar says dprog is restricted; labeling explains why it is off; nothing is written', async () => {
        expect(dprogFolders(wb.workspace)).toEqual([]);
        await openFile(wb.page, 'spam/spam.dprog');
        const status = wb.page.locator('.statusbar-item', { hasText: 'dprog' }).first();
        await waitFor(async () => /restricted/.test(await status.innerText().catch(() => '')), 60_000, 'the restricted status');
        await runCommand(wb.page, 'Data Program: Open Labeling Panel');
        const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'not trusted' });
        await toast.first().waitFor({ timeout: 30_000 });
        console.log(`[e2e] untrusted: ${(await toast.first().innerText()).replace(/\s+/g, ' ')}`);
        await wb.page.screenshot({ path: path.join(artifacts, 'untrusted-labeling-refused.png') });
        // Compile is not offered in the palette at all (the list is complete once it offers the labeling panel).
        const offered = await paletteEntries(wb.page, 'Data Program:', 'Data Program: Open Labeling Panel');
        expect(offered.some((entry) => entry.includes('Data Program: Compile'))).toBe(false);
        // Nothing is written: a second for anything started above to write if it would.
        await wb.page.waitForTimeout(1000);
        expect(dprogFolders(wb.workspace)).toEqual([]);
        expect(existsSync(path.join(wb.workspace, 'spam', '.dprog'))).toBe(false);
    });

    test('no panel reads a plan, data or model file and no CLI runs; each says why and offers Manage Workspace Trust', async () => {
        // A crafted plan beside the program, naming files outside the workspace (as a hostile repository might).
        const plans = path.join(wb.workspace, 'spam', '.dprog', 'plans');
        mkdirSync(plans, { recursive: true });
        const crafted = {
            schema: 'dprog.plan/v2',
            program: 'SpamTriage',
            version: '2',
            hash: 'crafted',
            datasets: [{ name: 'emails', format: 'jsonl', path: '../../../../../../../../etc/passwd', fields: [], key: null, split: null }],
            labelers: [],
            tasks: [],
            flows: [],
            learn: [],
            monitors: [],
        };
        writeFileSync(path.join(plans, 'spam.plan.json'), JSON.stringify(crafted));
        const before = readdirSync(plans);
        const said: string[] = [];
        await openFile(wb.page, 'spam/spam.dprog');
        for (const command of [
            'Data Program: Open Labeling Panel',
            'Data Program: Preview Active Learning',
            'Data Program: Show Migration',
            'Data Program: Review Disagreements',
        ]) {
            // Start from no notification (the previous test's may still be showing or fading out),
            // so the one looked at is this command's.
            await runCommand(wb.page, 'Notifications: Clear All Notifications');
            await waitFor(
                async () => (await wb.page.locator('.notifications-toasts .notification-toast').count()) === 0,
                10_000,
                'the notifications to clear',
            );
            await runCommand(wb.page, command);
            const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'not trusted' }).first();
            await toast.waitFor({ timeout: 30_000 });
            // The notification offers the way out.
            expect(await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count()).toBe(1);
            said.push((await toast.innerText()).replace(/\s+/g, ' '));
            console.log(`[e2e] untrusted ${command}: ${said.at(-1)}`);
        }
        await wb.page.screenshot({ path: path.join(artifacts, 'untrusted-panels-refused.png') });
        // No webview panel opened, nothing from the crafted plan's dataset surfaced, nothing ran or was written.
        expect(await wb.page.locator('.tab', { hasText: /^Label:|^Preview:/ }).count()).toBe(0);
        expect(said.join('\n')).not.toMatch(/passwd|root:/);
        expect(readdirSync(plans)).toEqual(before);
        expect(existsSync(path.join(wb.workspace, 'spam', '.dprog', 'labels.sqlite'))).toBe(false);
    });
});
