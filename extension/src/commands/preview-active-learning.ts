/** `dprog.previewActiveLearning`: what the learner would ask next, and why. */
import * as vscode from 'vscode';
import { deferred } from '../load-deferred.js';
import { pickProgram, pickTask, trustedPlanOf, showError, type CommandContext } from '../command-context.js';

export function registerPreviewActiveLearning(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.previewActiveLearning', async (programArgument?: unknown, taskArgument?: unknown) => {
        const program = await pickProgram(programArgument);
        if (!program) {
            return;
        }
        try {
            const plan = await trustedPlanOf(services, program);
            if (!plan) {
                return;
            }
            const task = await pickTask(plan, taskArgument, (t) => plan.learn.some((l) => l.task === t.name));
            if (task) {
                deferred().PreviewPanel.createOrShow(services, program, task.name);
            }
        } catch (error) {
            showError(services, error);
        }
    });
}
