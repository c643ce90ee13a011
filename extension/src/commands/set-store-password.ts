/**
 * `dprog.setStorePassword`: keeps the PostgreSQL password of the configured `dprog.store` in VS Code's SecretStorage
 * (never in settings).
 */
import * as vscode from 'vscode';
import { passwordKey, pickProgram, showError, storePathFor, type CommandContext } from '../command-context.js';

export function registerSetStorePassword(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.setStorePassword', async (argument?: unknown) => {
        try {
            const program = await pickProgram(argument);
            if (!program) {
                return;
            }
            const store = storePathFor(program);
            if (!/^postgres(ql)?:\/\//i.test(store)) {
                void vscode.window.showInformationMessage(
                    `dprog: ${store} is an embedded store (a file); it has no password. Set dprog.store to a postgres:// URL first.`,
                );
                return;
            }
            const password = await vscode.window.showInputBox({
                title: `Password for ${store}`,
                password: true,
                ignoreFocusOut: true,
                prompt: "Kept in VS Code's secret storage, never in a settings file. Empty: forget it.",
            });
            if (password === undefined) {
                return;
            }
            if (password === '') {
                await services.context.secrets.delete(passwordKey(store));
            } else {
                await services.context.secrets.store(passwordKey(store), password);
            }
            void vscode.window.showInformationMessage(
                password === ''
                    ? `dprog: forgot the password of ${store}.`
                    : `dprog: the password of ${store} is kept in secret storage. Reopen the labeling panel to connect.`,
            );
        } catch (error) {
            showError(services, error);
        }
    });
}
