/** `dprog.openPlan`: the program's compiled plan as a readable view (tasks, routes, cost, accuracy, warnings). */
import * as vscode from 'vscode';
import { deferred } from '../load-deferred.js';
import { pickProgram, showError, type CommandContext } from '../command-context.js';

export function registerOpenPlan(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.openPlan', async (argument?: unknown) => {
        const program = await pickProgram(argument);
        if (!program) {
            return;
        }
        try {
            deferred().PlanPanel.createOrShow(services, program);
        } catch (error) {
            showError(services, error);
        }
    });
}
