/** `dprog.previewActiveLearning`: what the learner would ask next, and why. */
import * as vscode from 'vscode';
import { deferred } from '../load-deferred.js';
import { pickProgram, pickTask, planOf, showError, type DprogServices } from '../services.js';

export function registerPreviewActiveLearning(services: DprogServices): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.previewActiveLearning', async (programArgument?: unknown, taskArgument?: unknown) => {
        const program = await pickProgram(programArgument);
        if (!program) {
            return;
        }
        try {
            const plan = await planOf(services, program);
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
