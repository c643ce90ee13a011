/**
 * Reviewing disagreements in a real VS Code (code-server + Chromium): two people answered an email
 * differently; "Data Program: Review Disagreements" shows it with both answers, the reviewer's
 * hotkey answer is saved to the store, and the review queue is then done.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LabelStore } from '../../engine/src/store/index.js';
import { openFile, runCommand } from './quick-input.js';
import { artifacts, missingPrerequisites, root, startWorkbench, waitFor, webviewFrame, type Workbench } from './workbench.js';

const missing = missingPrerequisites();
const skip = !!missing && process.env.CI !== 'true';
if (skip) {
    console.warn(`\n[e2e] SKIPPED: the review suite needs ${missing}. Run .ci/e2e.sh to install them.\n`);
}

describe.skipIf(skip)('reviewing disagreements in VS Code', () => {
    let wb: Workbench;
    let storePath: string;
    let contested: string;

    beforeAll(async () => {
        if (missing) {
            throw new Error(`CI=true and the end-to-end suite cannot run: missing ${missing}`);
        }
        wb = await startWorkbench(path.join(root, '.cache', 'e2e', 'run-review'));
        // Labels given before this session (say, imported from a labeling vendor): crowd and analysts disagree on one
        // email, agree on another.
        const keys = readFileSync(path.join(wb.workspace, 'spam', 'data', 'emails.jsonl'), 'utf8')
            .split('\n')
            .slice(0, 2)
            .map((line) => (JSON.parse(line) as { id: string }).id);
        contested = keys[0];
        storePath = path.join(wb.workspace, 'spam', '.dprog', 'labels.sqlite');
        const store = await LabelStore.open(storePath);
        await store.addLabels([
            { task: 'classify', item: keys[0], labeler: 'crowd', labelerKind: 'human', value: 'spam', score: 0.7 },
            { task: 'classify', item: keys[0], labeler: 'analysts', labelerKind: 'human', value: 'ham' },
            { task: 'classify', item: keys[1], labeler: 'crowd', labelerKind: 'human', value: 'ham' },
            { task: 'classify', item: keys[1], labeler: 'analysts', labelerKind: 'human', value: 'ham' },
        ]);
        await store.close();
    });

    afterAll(async () => {
        if (wb) {
            await wb.page.screenshot({ path: path.join(artifacts, 'review-final.png') }).catch(() => undefined);
            await wb.close();
        }
    });

    test('the contested email is shown with both answers; the review answer is saved', async () => {
        await openFile(wb.page, 'spam/spam.dprog');
        await runCommand(wb.page, 'Data Program: Review Disagreements');
        const frame = await webviewFrame(wb.page, '[data-testid="review-answers"]', 120_000);
        const answers = (await frame.locator('[data-testid="review-answers"]').innerText()).replace(/\s+/g, ' ');
        console.log(`[e2e] review: ${answers}`);
        expect(answers).toMatch(/crowd: spam 0\.70/);
        expect(answers).toMatch(/analysts: ham/);
        expect(await frame.locator('[data-testid="position"]').innerText()).toMatch(/item 1 of 1/);
        await wb.page.screenshot({ path: path.join(artifacts, 'review-panel.png') });
        await frame.locator('.choices').first().focus();
        await frame.locator('body').press('h');
        await frame.locator('.finished h2', { hasText: 'Review done' }).waitFor({ timeout: 15_000 });
        const reviewed = await waitFor(
            async () => {
                const store = await LabelStore.open(storePath, { readonly: true });
                try {
                    return store.labels({ task: 'classify', item: contested, labeler: 'me' })[0];
                } finally {
                    await store.close();
                }
            },
            15_000,
            'the review answer in the store',
        );
        expect(reviewed).toMatchObject({ value: 'ham', labelerKind: 'human' });
        // Back to labeling: the ordinary queue (the emails no one has labeled).
        await frame.locator('#review-toggle').click();
        await frame.locator('.choices button[data-class="spam"]').waitFor({ timeout: 120_000 });
        expect(await frame.locator('#review-toggle').innerText()).toBe('Review disagreements');
    });
});
