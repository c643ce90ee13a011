/** `dprog.runPlan`: runs rule and model labelers, moves finished outputs down each flow, queues what needs people. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickProgram, requireTrust, showError, withProgress, type CommandContext } from '../command-context.js';

export function registerRunPlan(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.runPlan', async (argument?: unknown) => {
        const program = await pickProgram(argument);
        if (!program || !requireTrust('running the plan (it runs models and writes labels)')) {
            return;
        }
        try {
            const result = await withProgress(`running ${path.basename(program)}`, (cancel) =>
                services.engine.run(program, undefined, cancel),
            );
            const stages = result.stages;
            for (const s of stages) {
                services.log.info(`run: ${s.task}: ${s.done} done, ${s.pending} pending, ${s.waitingForPeople} waiting for people`);
            }
            const given = Object.entries(result.labels)
                .map(([labeler, n]) => `${labeler} ${n}`)
                .join(', ');
            services.onDidChangeProgress.fire(program);
            const waiting = stages.reduce((sum, s) => sum + s.waitingForPeople, 0);
            const choice = await vscode.window.showInformationMessage(
                `dprog: ran ${path.basename(program)}: ${given || 'no new labels'}; ${waiting} item(s) wait for people.`,
                ...(waiting > 0 ? ['Label Them'] : []),
            );
            if (choice) {
                await vscode.commands.executeCommand('dprog.openLabelingPanel', program);
            }
        } catch (error) {
            showError(services, error);
        }
    });
}
