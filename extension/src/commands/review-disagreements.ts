/** `dprog.reviewDisagreements`: the annotation panel of one task, in review mode (items whose labelers disagreed). */
import * as vscode from 'vscode';
import { deferred } from '../load-deferred.js';
import { pickProgram, pickTask, planOf, showError, type DprogServices } from '../services.js';

export function registerReviewDisagreements(services: DprogServices): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.reviewDisagreements', async (programArgument?: unknown, taskArgument?: unknown) => {
        const program = await pickProgram(programArgument);
        if (!program) return;
        try {
            const plan = await planOf(services, program);
            if (!plan) return;
            const task = await pickTask(plan, taskArgument, (t) => t.dataset !== null);
            if (task) deferred().AnnotatePanel.createOrShow(services, program, task.name, 'review');
        } catch (error) {
            showError(services, error);
        }
    });
}
