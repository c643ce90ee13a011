// Runs inside VS Code (Electron) under @vscode/test-electron: the extension activates on a .dprog
// file, registers its commands, and the language server reports a broken program's errors.
const assert = require('node:assert');
const path = require('node:path');
const vscode = require('vscode');

async function waitFor(probe, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

exports.run = async function run() {
    const samples = path.resolve(__dirname, '..', '..', '..', 'samples');
    const document = await vscode.workspace.openTextDocument(path.join(samples, 'spam', 'spam.dprog'));
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.languageId, 'dprog');
    const extension = vscode.extensions.getExtension('dprog.dprog');
    assert.ok(extension, 'the dprog extension is installed');
    await waitFor(() => extension.isActive, 30000, 'activation');
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
        'dprog.compile',
        'dprog.openPlan',
        'dprog.sampleNextBatch',
        'dprog.openLabelingPanel',
        'dprog.previewActiveLearning',
        'dprog.showMigration',
        'dprog.runPlan',
        'dprog.exportLabels',
        'dprog.simulate',
    ]) {
        assert.ok(commands.includes(id), `${id} is registered`);
    }
    const broken = await vscode.workspace.openTextDocument({
        language: 'dprog',
        content: 'labels V { a, b }\ntask t(e: nowhere) -> choice<V> { route cascade nobody }\n',
    });
    await vscode.window.showTextDocument(broken);
    const diagnostics = await waitFor(
        () => {
            const found = vscode.languages.getDiagnostics(broken.uri);
            return found.length > 0 ? found : undefined;
        },
        30000,
        'diagnostics',
    );
    assert.ok(
        diagnostics.some((d) => /nowhere/.test(d.message)),
        'the unresolved dataset is reported',
    );
};
