/** `dprog.openLabelingPanel`: the annotation panel for one task of a program. */
import * as vscode from 'vscode';
import type { AnnotateMode } from '../../../webview/src/protocol.js';
import { deferred } from '../load-deferred.js';
import { pickProgram, pickPlannedTask, showError, type CommandContext } from '../command-context.js';

export function registerOpenLabelingPanel(services: CommandContext): vscode.Disposable {
    return registerAnnotatePanelCommand(services, 'dprog.openLabelingPanel', 'label');
}

/** A command that opens the annotation panel of a task the user picks (or is given), in one mode. */
export function registerAnnotatePanelCommand(services: CommandContext, command: string, mode: AnnotateMode): vscode.Disposable {
    return vscode.commands.registerCommand(command, async (programArgument?: unknown, taskArgument?: unknown) => {
        const started = performance.now();
        const program = await pickProgram(programArgument);
        if (!program) {
            return;
        }
        try {
            const task = await pickPlannedTask(services, program, taskArgument, (t) => t.dataset !== null);
            // Loaded on first use: the panel code (zod schemas, dataset readers) stays out of activation.
            if (task) {
                deferred().AnnotatePanel.createOrShow(services, program, task.name, mode);
                services.metrics.record('labeling command handled', performance.now() - started);
            }
        } catch (error) {
            showError(services, error);
        }
    });
}
