/** `dprog.openLabelingPanel`: the annotation panel for one task of a program. */
import * as vscode from 'vscode';
import { deferred } from '../load-deferred.js';
import { pickProgram, pickTask, planOf, showError, type DprogServices } from '../services.js';

export function registerOpenLabelingPanel(services: DprogServices): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.openLabelingPanel', async (programArgument?: unknown, taskArgument?: unknown) => {
        const program = await pickProgram(programArgument);
        if (!program) return;
        try {
            const plan = await planOf(services, program);
            if (!plan) return;
            const task = await pickTask(plan, taskArgument, (t) => t.dataset !== null);
            // Loaded on first use: the panel code (zod schemas, dataset readers) stays out of activation.
            if (task) deferred().AnnotatePanel.createOrShow(services, program, task.name);
        } catch (error) {
            showError(services, error);
        }
    });
}
