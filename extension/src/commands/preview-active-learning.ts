/** `dprog.previewActiveLearning`: what the learner would ask next, and why. */
import * as vscode from 'vscode';
import { deferred } from '../load-deferred.js';
import { pickProgram, pickPlannedTask, showError, type CommandContext } from '../command-context.js';

export function registerPreviewActiveLearning(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.previewActiveLearning', async (programArgument?: unknown, taskArgument?: unknown) => {
        const program = await pickProgram(programArgument);
        if (!program) {
            return;
        }
        try {
            const task = await pickPlannedTask(services, program, taskArgument, (t, plan) => plan.learn.some((l) => l.task === t.name));
            if (task) {
                deferred().PreviewPanel.createOrShow(services, program, task.name);
            }
        } catch (error) {
            showError(services, error);
        }
    });
}
