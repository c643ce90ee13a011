/** `dprog.sampleNextBatch`: chooses the next items worth labeling and opens them in the labeling panel. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickProgram, pickPlannedTask, requireTrust, settings, showError, withProgress, type CommandContext } from '../command-context.js';

export function registerSampleNextBatch(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.sampleNextBatch', async (programArgument?: unknown, taskArgument?: unknown) => {
        const program = await pickProgram(programArgument);
        if (!program || !requireTrust('active learning (it runs the model)')) {
            return;
        }
        try {
            const task = await pickPlannedTask(services, program, taskArgument, (t, plan) => plan.learn.some((l) => l.task === t.name));
            if (!task) {
                return;
            }
            const result = await withProgress(`sampling the next batch of ${task.name}`, (cancel) =>
                services.engine.sample(program, task.name, settings().batchSize, cancel),
            );
            services.log.info(
                `sampled ${result.items.length} of ${result.candidates} unlabeled train items of ${task.name} by ` +
                    `${result.coldStart ? 'k-center (cold start)' : result.strategy}:`,
            );
            for (const item of result.items) {
                services.log.info(`  ${item.key}\t${item.score.toFixed(4)}\t${item.reason}`);
            }
            const choice = await vscode.window.showInformationMessage(
                `dprog: ${result.items.length} items of ${task.name} chosen by ` +
                    `${result.coldStart ? 'coverage (no model yet)' : result.strategy} from ${result.candidates} in ` +
                    `${path.basename(program)}.`,
                'Label Them',
                'Preview',
            );
            if (choice === 'Label Them') {
                await vscode.commands.executeCommand('dprog.openLabelingPanel', program, task.name);
            }
            if (choice === 'Preview') {
                await vscode.commands.executeCommand('dprog.previewActiveLearning', program, task.name);
            }
        } catch (error) {
            showError(services, error);
        }
    });
}
